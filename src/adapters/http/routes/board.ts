import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { boardFor, type BoardSnapshot, type BoardViewer } from '../../../core/board/live-board.js';
import type { SessionRevocations } from '../../../core/auth/session-revocations.port.js';
import { AppError } from '../../../core/errors/app-error.js';
import { clientKeyOf, clientOf, whoIs } from '../api-client.js';
import { errorRef } from '../schemas/error-response.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';

/** What the routes need of the live board (services/board-feed.ts). */
export interface BoardSource {
  snapshot(): Promise<BoardSnapshot>;
  subscribe(listener: (snapshot: BoardSnapshot) => void): () => void;
}

/** A comment line now and then keeps proxies and the browser from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface BoardRoutesOptions {
  board: BoardSource;
  /** Console sessions signed out: a stream opened with one ends with it. */
  sessions: SessionRevocations;
  /** Streams open at once, in all (503 past it) and per token or account (429 past it). */
  maxStreams: number;
  maxStreamsPerClient: number;
  /** How often a session's stream asks whether the session was signed out (default: with each keep-alive). */
  sessionCheckMs?: number;
}

/**
 * The live board: GET /api/board once, and GET /api/board/events as Server-Sent Events
 * (an `event: board` with the whole board at once and after every change). SSE rather
 * than WebSocket: the board only flows one way, and EventSource reconnects by itself.
 */
export const boardRoutes: FastifyPluginAsync<BoardRoutesOptions> = async (app, opts) => {
  const { board, sessions } = opts;
  const streams = new Set<ServerResponse>();
  const perClient = new Map<string, number>();
  // Every supervisor gets the same frame, every manager his own: built once per board, not once per open page.
  const frames = new WeakMap<BoardSnapshot, Map<string, string>>();
  const frameFor = (snapshot: BoardSnapshot, viewer: BoardViewer): string => {
    const key = viewer.role === 'manager' ? `manager:${viewer.extension}` : 'all';
    let byViewer = frames.get(snapshot);
    if (!byViewer) frames.set(snapshot, (byViewer = new Map()));
    let frame = byViewer.get(key);
    if (frame === undefined) byViewer.set(key, (frame = `event: board\ndata: ${JSON.stringify(boardFor(snapshot, viewer))}\n\n`));
    return frame;
  };
  // Open streams would hold app.close() until every browser leaves: end them first.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });

  app.get(
    '/api/board',
    {
      schema: {
        summary: "The live board: managers' states and calls, waiting calls, the team's day",
        description: "Open to every role; a manager's board hides whom colleagues talk with and the numbers waiting.",
        tags: ['console'],
        security: bearerSecurity,
        response: { ...authErrors },
      },
    },
    async (request) => boardFor(await board.snapshot(), clientOf(request)),
  );

  app.get(
    '/api/board/events',
    {
      schema: {
        summary: 'The live board as Server-Sent Events: `event: board`, the whole board as JSON, at once and on every change',
        description:
          'A stream opened with a console session ends when the session expires or is signed out. ' +
          'Past http.maxEventStreamsPerClient open streams of one token or account: 429; past http.maxEventStreams in all: 503.',
        tags: ['console'],
        security: bearerSecurity,
        response: { 503: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const viewer = clientOf(request);
      const key = clientKeyOf(request);
      // Refused before the stream opens, with a body a client can read (no hijacked socket yet).
      if (streams.size >= opts.maxStreams) {
        throw new AppError('BOARD.TOO_MANY_STREAMS', `The live board has ${streams.size} streams open, its limit (http.maxEventStreams): try again later.`, 503);
      }
      if ((perClient.get(key) ?? 0) >= opts.maxStreamsPerClient) {
        throw new AppError(
          'BOARD.TOO_MANY_STREAMS_FOR_CLIENT',
          `${whoIs(viewer)} already has ${opts.maxStreamsPerClient} live board streams open (http.maxEventStreamsPerClient): close a page first.`,
          429,
        );
      }
      const session = request.consoleSession;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store',
        connection: 'keep-alive',
        // Tells nginx not to buffer the stream.
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      streams.add(res);
      perClient.set(key, (perClient.get(key) ?? 0) + 1);
      const unsubscribe = board.subscribe((snapshot) => res.write(frameFor(snapshot, viewer)));
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      // A session's stream ends with the session: at its expiry, and soon after a sign-out.
      // (The browser's EventSource reconnects, and the reconnection gets the 401.)
      const timers: NodeJS.Timeout[] = [];
      if (session) {
        // A timer longer than 2^31 - 1 ms fires at once: a far expiry is left to the periodic check.
        const untilExpiry = session.expiresAt - Date.now();
        if (untilExpiry < MAX_TIMER_MS) timers.push(setTimeout(() => res.end(), Math.max(0, untilExpiry)));
        timers.push(setInterval(() => {
          if (Date.now() >= session.expiresAt) return void res.end();
          sessions.isAlive(session).then((alive) => alive || res.end(), (err: unknown) => request.log.warn({ err }, 'could not check a board stream\'s session'));
        }, opts.sessionCheckMs ?? KEEP_ALIVE_MS));
      }
      res.on('close', () => {
        clearInterval(keepAlive);
        for (const t of timers) clearTimeout(t);
        unsubscribe();
        streams.delete(res);
        const left = (perClient.get(key) ?? 1) - 1;
        if (left === 0) perClient.delete(key);
        else perClient.set(key, left);
      });
    },
  );
};

import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { boardFor, type BoardSnapshot, type BoardViewer } from '../../../core/board/live-board.js';
import { clientOf } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';

/** What the routes need of the live board (services/board-feed.ts). */
export interface BoardSource {
  snapshot(): Promise<BoardSnapshot>;
  subscribe(listener: (snapshot: BoardSnapshot) => void): () => void;
}

/** A comment line now and then keeps proxies and the browser from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

/**
 * The live board: GET /api/board once, and GET /api/board/events as Server-Sent Events
 * (an `event: board` with the whole board at once and after every change). SSE rather
 * than WebSocket: the board only flows one way, and EventSource reconnects by itself.
 */
export const boardRoutes: FastifyPluginAsync<{ board: BoardSource }> = async (app, { board }) => {
  const streams = new Set<ServerResponse>();
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
        tags: ['console'],
        security: bearerSecurity,
        response: { ...authErrors },
      },
    },
    async (request, reply) => {
      const viewer = clientOf(request);
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
      const unsubscribe = board.subscribe((snapshot) => res.write(frameFor(snapshot, viewer)));
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      res.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        streams.delete(res);
      });
    },
  );
};

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Direction } from '../../../core/calls/call-record.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../../core/calls/call-store.port.js';
import { AppError, NotFoundError } from '../../../core/errors/app-error.js';
import { resolveRange } from '../../../core/recordings/byte-range.js';
import { CONTENT_TYPES } from '../../../core/recordings/recording-key.js';
import type { AuditEntry, ObjectStorage, RecordingEntry, RecordingFilter } from '../../../core/recordings/recording-store.port.js';
import type { NewAudit } from '../../../core/recordings/recording-store.port.js';
import { clientOf, coversManager, forbidden, requireRole, whoIs } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';
import { pageJsonSchema } from '../schemas/page-json.js';
import { extensionJsonSchema } from '../schemas/manager-json.js';

/** What the routes need from the recording archive. */
export interface RecordingLibrary {
  index: {
    list(filter: RecordingFilter, page: { limit: number; offset: number }): Promise<{ items: RecordingEntry[]; total: number }>;
    load(callId: string): Promise<RecordingEntry | null>;
    audit(entry: NewAudit): Promise<void>;
    auditTrail(filter: { callId?: string }, limit: number): Promise<AuditEntry[]>;
  };
  storage: ObjectStorage;
  presignSeconds: number;
  /** Answer audio requests with a redirect to a presigned URL even without ?redirect=1. */
  redirectByDefault: boolean;
  /** A failed or stuck recording converted again (RecordingReconvert); without it the route does not exist. */
  reconvert?: (callId: string) => Promise<{ callId: string; previousStatus: string; previousError: string | null }>;
}

interface ListQuery {
  manager?: string;
  from?: string;
  to?: string;
  number?: string;
  minDuration?: number;
  maxDuration?: number;
  direction?: Direction;
  limit: number;
  offset: number;
}

const recordingJsonSchema = {
  type: 'object',
  properties: {
    callId: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'stored', 'failed', 'deleted', 'empty'] },
    format: { type: 'string' },
    bytes: { type: ['integer', 'null'] },
    checksum: { type: ['string', 'null'], description: 'sha256, hex' },
    durationSeconds: { type: ['number', 'null'] },
    manager: { type: ['string', 'null'] },
    callerNumber: { type: 'string' },
    calleeNumber: { type: 'string' },
    direction: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    storedAt: { type: ['string', 'null'], format: 'date-time' },
    lastError: { type: ['string', 'null'] },
  },
} as const;

/**
 * Call recordings: the list, the audio (with Range, so a browser player can seek, or a
 * redirect to a presigned S3 URL), and the listening audit. A manager token sees and hears
 * only its own manager's calls; every audio request is audited before a byte goes out.
 */
export const recordingsRoutes: FastifyPluginAsync<{ library: RecordingLibrary }> = async (app, { library }) => {
  const recentlyAudited = new RecentKeys();
  app.get<{ Querystring: ListQuery }>(
    '/api/recordings',
    {
      schema: {
        summary: 'List call recordings, newest first',
        tags: ['recordings'],
        security: bearerSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            manager: { ...extensionJsonSchema, description: 'A manager token lists only its own' },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            number: { type: 'string', maxLength: 32, description: "Either party's number" },
            minDuration: { type: 'number', minimum: 0 },
            maxDuration: { type: 'number', minimum: 0 },
            direction: { type: 'string', enum: ['inbound', 'outbound', 'internal'] },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: {
          200: pageJsonSchema(recordingJsonSchema, 'Recordings'),
          400: errorRef,
          403: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const client = clientOf(request);
      let manager = q.manager;
      if (client.role === 'manager') {
        if (manager !== undefined && manager !== client.extension) {
          throw forbidden(`${whoIs(client)} belongs to manager ${client.extension} and may list only his recordings, not manager ${manager}'s.`);
        }
        manager = client.extension;
      }
      const from = q.from === undefined ? undefined : new Date(q.from);
      const to = q.to === undefined ? undefined : new Date(q.to);
      if (from && to && from >= to) throw new AppError('REQUEST.INVALID', 'querystring/from must be earlier than querystring/to', 400);
      const page = await library.index.list(
        { manager, from, to, number: q.number, minDuration: q.minDuration, maxDuration: q.maxDuration, direction: q.direction },
        { limit: q.limit, offset: q.offset },
      );
      return { items: page.items, total: page.total, limit: q.limit, offset: q.offset };
    },
  );

  const reconvert = library.reconvert;
  if (reconvert) {
    app.post<{ Params: { callId: string } }>(
      '/api/recordings/:callId/reconvert',
      {
        preHandler: requireRole('admin'),
        schema: {
          summary: "Convert a failed (or stuck pending) recording again from its pcap in the spool",
          description: 'A stored, empty or deleted recording has no pcap left: 409 RECORDINGS.NOT_RECONVERTIBLE.',
          tags: ['recordings'],
          security: bearerSecurity,
          params: { type: 'object', required: ['callId'], properties: { callId: { type: 'string', minLength: 1, maxLength: 256 } } },
          response: {
            202: {
              type: 'object',
              required: ['callId', 'previousStatus'],
              properties: { callId: { type: 'string' }, previousStatus: { type: 'string' }, previousError: { type: ['string', 'null'] } },
            },
            403: errorRef,
            404: errorRef,
            409: errorRef,
            ...authErrors,
          },
        },
      },
      async (request, reply) => reply.code(202).send(await reconvert(request.params.callId)),
    );
  }

  app.get<{ Querystring: { callId?: string; limit: number } }>(
    '/api/recordings/audit',
    {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        summary: 'Who listened to or deleted recordings, newest first',
        tags: ['recordings'],
        security: bearerSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { callId: { type: 'string', minLength: 1, maxLength: 256 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
        response: { 403: errorRef, ...authErrors },
      },
    },
    async (request) => ({ items: await library.index.auditTrail({ callId: request.query.callId }, request.query.limit) }),
  );

  app.get<{ Params: { callId: string }; Querystring: { redirect?: string; download?: string } }>(
    '/api/recordings/:callId/audio',
    {
      schema: {
        summary: "One call's recording (Range supported; ?redirect=1 for a presigned URL on S3; ?download=1 as an attachment)",
        description: "A manager token gets 403 for another manager's recording.",
        tags: ['recordings'],
        security: bearerSecurity,
        params: { type: 'object', required: ['callId'], properties: { callId: { type: 'string', minLength: 1, maxLength: 256 } } },
        querystring: { type: 'object', properties: { redirect: { type: 'string' }, download: { type: 'string' } } },
        response: { 403: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      const rec = await library.index.load(request.params.callId);
      if (!rec || rec.status !== 'stored' || !rec.storageKey) throw new NotFoundError(`Recording of call ${request.params.callId}`);
      if (!coversManager(client, rec.manager)) {
        throw forbidden(`${whoIs(client)} belongs to manager ${client.extension} and may hear only his calls' recordings.`);
      }
      const download = isSet(request.query.download);
      // Audited before anything is sent: a listen must not go unrecorded because the audit failed.
      // A player fetches one recording in many Range requests (every seek): one entry per listen.
      if (recentlyAudited.firstIn(`${client.name}\u0000${rec.callId}\u0000${download}`, AUDIT_REPEAT_MS)) await library.index.audit({
        action: download ? 'download' : 'listen',
        callId: rec.callId,
        who: client.name,
        role: client.role,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      const wantsRedirect = request.query.redirect === undefined ? library.redirectByDefault : isSet(request.query.redirect);
      if (wantsRedirect && library.storage.presignedGetUrl) {
        return reply.redirect(await library.storage.presignedGetUrl(rec.storageKey, library.presignSeconds), 302);
      }
      return sendAudio(request, reply, library.storage, rec, download);
    },
  );
};

async function sendAudio(request: FastifyRequest, reply: FastifyReply, storage: ObjectStorage, rec: RecordingEntry, download: boolean) {
  const info = await storage.head(rec.storageKey!);
  if (!info) throw new NotFoundError(`Recording of call ${rec.callId} in storage`);
  const size = info.bytes;
  const filename = `${rec.callId.replace(/[^A-Za-z0-9._-]/g, '_')}.${rec.format}`;
  reply.header('accept-ranges', 'bytes').header('cache-control', 'private, no-store');
  const range = resolveRange(request.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    // A JSON error body: with the audio content type set, Fastify refuses to serialize it (500).
    return reply
      .code(416)
      .header('content-range', `bytes */${size}`)
      .type('application/json; charset=utf-8')
      .send({ error: { code: 'REQUEST.RANGE_NOT_SATISFIABLE', message: `the recording has ${size} bytes` } });
  }
  reply.header('content-type', CONTENT_TYPES[rec.format]).header('content-disposition', `${download ? 'attachment' : 'inline'}; filename="${filename}"`);
  if (rec.checksum) reply.header('etag', `"${rec.checksum}"`);
  if (range.kind === 'whole') {
    reply.header('content-length', size);
    return reply.code(200).send(await storage.getRange(rec.storageKey!));
  }
  reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
  return reply.code(206).send(await storage.getRange(rec.storageKey!, range.start, range.end));
}

/** Requests of one listener for one recording within this long are one listen in the audit. */
const AUDIT_REPEAT_MS = 10 * 60_000;

/** Keys seen within a time window; forgets old ones as it goes, so it stays small. */
class RecentKeys {
  private readonly seen = new Map<string, number>();

  /** true the first time a key is seen within `windowMs`. */
  firstIn(key: string, windowMs: number, now = Date.now()): boolean {
    const last = this.seen.get(key);
    if (last !== undefined && now - last < windowMs) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    // Map keeps insertion order: the oldest entries come first.
    for (const [k, at] of this.seen) {
      if (now - at < windowMs) break;
      this.seen.delete(k);
    }
    return true;
  }
}

function isSet(v: string | undefined): boolean {
  return v !== undefined && v !== '0' && v !== 'false';
}

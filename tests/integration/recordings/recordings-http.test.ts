import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingLibrary } from '../../../src/adapters/http/routes/recordings.js';
import { PostgresRecordingIndex } from '../../../src/adapters/recordings/postgres-recording-index.js';
import { LocalFolderStorage } from '../../../src/adapters/storage/local-folder-storage.js';
import { S3Storage } from '../../../src/adapters/storage/s3-storage.js';
import type { Direction } from '../../../src/core/calls/call-record.js';
import { CONTENT_TYPES, recordingKey } from '../../../src/core/recordings/recording-key.js';
import type { ObjectStorage, RecordingFormat } from '../../../src/core/recordings/recording-store.port.js';
import { wavHeader } from '../../../src/core/recordings/wav.js';
import { ANNA_TOKEN, BORIS_TOKEN, bearer, buildTestApp, SUPERVISOR_TOKEN, TEST_TOKEN, testConfig } from '../../helpers/http-app.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';
import { TestS3 } from '../../helpers/test-s3.js';

let pg: TestSchema;
let index: PostgresRecordingIndex;
let storage: LocalFolderStorage;
let app: FastifyInstance;
const work = mkdtempSync(join(tmpdir(), 'rec-http-'));
const bodies = new Map<string, Buffer>();

interface Fixture {
  callId: string;
  manager: string | null;
  callerNumber: string;
  calleeNumber: string;
  direction: Direction;
  startedAt: string;
  durationSeconds: number;
  format: RecordingFormat;
  body: Buffer;
}

/** A stereo 8 kHz WAV of `seconds` with deterministic samples. */
function wav(seconds: number): Buffer {
  const pcm = Buffer.alloc(seconds * 8000 * 4);
  for (let i = 0; i < pcm.length; i++) pcm[i] = (i * 31 + 7) & 0xff;
  return Buffer.concat([wavHeader(pcm.length, 8000, 2), pcm]);
}

const FIXTURES: Fixture[] = [
  { callId: 'anna-in-1@pbx', manager: '101', callerNumber: '+79160000001', calleeNumber: '+74951234567', direction: 'inbound', startedAt: '2026-03-01T10:00:00Z', durationSeconds: 30, format: 'wav', body: wav(1) },
  { callId: 'anna-out-2@pbx', manager: '101', callerNumber: '+74951234567', calleeNumber: '+79160000002', direction: 'outbound', startedAt: '2026-03-02T10:00:00Z', durationSeconds: 300, format: 'mp3', body: randomBytes(4096) },
  { callId: 'boris-in-3@pbx', manager: '102', callerNumber: '+79160000001', calleeNumber: '+74951234567', direction: 'inbound', startedAt: '2026-03-03T10:00:00Z', durationSeconds: 90, format: 'mp3', body: randomBytes(2500) },
  { callId: 'nobody-4@pbx', manager: null, callerNumber: '+79160000004', calleeNumber: '+74951234567', direction: 'inbound', startedAt: '2026-03-04T10:00:00Z', durationSeconds: 5, format: 'opus', body: randomBytes(300) },
];

/** A row and its object as the worker would leave them: pending, then stored. */
async function store(store: ObjectStorage, f: Fixture): Promise<void> {
  await index.insertPending({ callId: f.callId, format: f.format, pcapPath: '/nonexistent.pcap', callerAddress: null, manager: f.manager, callerNumber: f.callerNumber, calleeNumber: f.calleeNumber, direction: f.direction, startedAt: new Date(f.startedAt) });
  const file = join(work, `${randomBytes(4).toString('hex')}.${f.format}`);
  writeFileSync(file, f.body);
  const key = recordingKey('', f.callId, new Date(f.startedAt), f.format);
  const put = await store.put(key, file, { contentType: CONTENT_TYPES[f.format], metadata: {} });
  await index.markStored(f.callId, { storageKey: key, bytes: put.bytes, checksum: put.checksum, durationSeconds: f.durationSeconds });
  bodies.set(f.callId, f.body);
}

const library = (s: ObjectStorage, redirectByDefault = false): RecordingLibrary => ({ index, storage: s, presignSeconds: 60, redirectByDefault });
const audioUrl = (callId: string, q = '') => `/api/recordings/${encodeURIComponent(callId)}/audio${q}`;
const ids = (body: string) => (JSON.parse(body) as { items: { callId: string }[] }).items.map((i) => i.callId);

beforeAll(async () => {
  pg = await createTestSchema();
  index = new PostgresRecordingIndex(pg.db);
  storage = new LocalFolderStorage(join(work, 'store'));
  for (const f of FIXTURES) await store(storage, f);
  // A row still pending (no object yet) and one deleted by retention: neither is served.
  await index.insertPending({ callId: 'pending-5@pbx', format: 'mp3', pcapPath: '/x.pcap', callerAddress: null, manager: '101', callerNumber: '+79160000005', calleeNumber: '+74951234567', direction: 'inbound', startedAt: new Date('2026-03-05T10:00:00Z') });
  ({ app } = await buildTestApp({ recordings: library(storage) }));
});

afterAll(async () => {
  await app?.close();
  await pg?.drop();
});

describe('GET /api/recordings', () => {
  const list = async (query: string, token = TEST_TOKEN) => app.inject({ method: 'GET', url: `/api/recordings${query}`, headers: bearer(token) });

  it('401 without a token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/recordings' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: audioUrl('anna-in-1@pbx') })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/recordings/audit' })).statusCode).toBe(401);
  });

  it('an admin lists everything not deleted, newest first, with the fields', async () => {
    const r = await list('');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.total).toBe(5);
    expect(ids(r.body)).toEqual(['pending-5@pbx', 'nobody-4@pbx', 'boris-in-3@pbx', 'anna-out-2@pbx', 'anna-in-1@pbx']);
    expect(body.items[4]).toMatchObject({ callId: 'anna-in-1@pbx', status: 'stored', format: 'wav', bytes: FIXTURES[0]!.body.length, durationSeconds: 30, manager: '101', direction: 'inbound', startedAt: '2026-03-01T10:00:00.000Z' });
    expect(body.items[4].checksum).toMatch(/^[0-9a-f]{64}$/);
    // Internal columns never leak.
    expect(body.items[4]).not.toHaveProperty('pcapPath');
    expect(body.items[4]).not.toHaveProperty('storageKey');
  });

  it('filters: manager, from/to, number, duration, direction, paging', async () => {
    expect(ids((await list('?manager=102')).body)).toEqual(['boris-in-3@pbx']);
    expect(ids((await list('?from=2026-03-02T00:00:00Z&to=2026-03-04T00:00:00Z')).body)).toEqual(['boris-in-3@pbx', 'anna-out-2@pbx']);
    expect(ids((await list('?from=2026-03-04T10:00:00Z')).body)).toEqual(['pending-5@pbx', 'nobody-4@pbx']); // from inclusive
    expect(ids((await list('?to=2026-03-02T10:00:00Z')).body)).toEqual(['anna-in-1@pbx']); // to exclusive
    expect(ids((await list(`?number=${encodeURIComponent('+79160000001')}`)).body)).toEqual(['boris-in-3@pbx', 'anna-in-1@pbx']);
    expect(ids((await list(`?number=${encodeURIComponent('+79160000002')}`)).body)).toEqual(['anna-out-2@pbx']);
    expect(ids((await list('?minDuration=30&maxDuration=90')).body)).toEqual(['boris-in-3@pbx', 'anna-in-1@pbx']);
    expect(ids((await list('?minDuration=100')).body)).toEqual(['anna-out-2@pbx']);
    expect(ids((await list('?direction=outbound')).body)).toEqual(['anna-out-2@pbx']);
    expect(ids((await list('?direction=inbound&manager=101')).body)).toEqual(['pending-5@pbx', 'anna-in-1@pbx']);
    const page = (await list('?limit=2&offset=1')).json();
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.items.map((i: { callId: string }) => i.callId)).toEqual(['nobody-4@pbx', 'boris-in-3@pbx']);
  });

  it('bad filters: 400', async () => {
    expect((await list('?from=2026-03-04T00:00:00Z&to=2026-03-02T00:00:00Z')).statusCode).toBe(400);
    expect((await list('?from=yesterday')).statusCode).toBe(400);
    expect((await list('?direction=sideways')).statusCode).toBe(400);
    expect((await list('?minDuration=-1')).statusCode).toBe(400);
    // Fastify's default Ajv (removeAdditional) drops unknown query parameters rather than refusing them.
    expect((await list('?color=red')).json().total).toBe(5);
  });

  it('a manager token sees only his own; asking for another manager is 403', async () => {
    expect(ids((await list('', ANNA_TOKEN)).body)).toEqual(['pending-5@pbx', 'anna-out-2@pbx', 'anna-in-1@pbx']);
    expect(ids((await list('?manager=101', ANNA_TOKEN)).body)).toEqual(['pending-5@pbx', 'anna-out-2@pbx', 'anna-in-1@pbx']);
    expect(ids((await list('', BORIS_TOKEN)).body)).toEqual(['boris-in-3@pbx']);
    expect((await list('?manager=102', ANNA_TOKEN)).statusCode).toBe(403);
    expect((await list('?direction=outbound', ANNA_TOKEN)).json().total).toBe(1);
  });

  it('a supervisor sees every manager', async () => {
    expect((await list('', SUPERVISOR_TOKEN)).json().total).toBe(5);
  });
});

describe('GET /api/recordings/:callId/audio', () => {
  const get = (callId: string, headers: Record<string, string> = {}, token = TEST_TOKEN, q = '') =>
    app.inject({ method: 'GET', url: audioUrl(callId, q), headers: { ...bearer(token), ...headers } });

  it('200: the whole file with Accept-Ranges, its content type and length', async () => {
    for (const f of FIXTURES) {
      const r = await get(f.callId);
      expect(r.statusCode, f.callId).toBe(200);
      expect(r.headers['accept-ranges']).toBe('bytes');
      expect(r.headers['content-type']).toBe(CONTENT_TYPES[f.format]);
      expect(Number(r.headers['content-length'])).toBe(f.body.length);
      expect(r.rawPayload.equals(f.body)).toBe(true);
      expect(r.headers['content-disposition']).toMatch(/^inline; filename="/);
      expect(r.headers['cache-control']).toBe('private, no-store');
    }
    expect((await get('anna-in-1@pbx', {}, TEST_TOKEN, '?download=1')).headers['content-disposition']).toBe('attachment; filename="anna-in-1_pbx.wav"');
  });

  it('206 for bytes=10-19: exactly those bytes with Content-Range', async () => {
    const body = bodies.get('anna-out-2@pbx')!;
    const r = await get('anna-out-2@pbx', { range: 'bytes=10-19' });
    expect(r.statusCode).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 10-19/${body.length}`);
    expect(Number(r.headers['content-length'])).toBe(10);
    expect(r.headers['content-type']).toBe('audio/mpeg');
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.rawPayload.equals(body.subarray(10, 20))).toBe(true);
  });

  it('206 for an open range, a suffix and an end past the size', async () => {
    const body = bodies.get('boris-in-3@pbx')!;
    const n = body.length;
    const open = await get('boris-in-3@pbx', { range: 'bytes=2000-' });
    expect(open.statusCode).toBe(206);
    expect(open.headers['content-range']).toBe(`bytes 2000-${n - 1}/${n}`);
    expect(open.rawPayload.equals(body.subarray(2000))).toBe(true);
    const suffix = await get('boris-in-3@pbx', { range: 'bytes=-100' });
    expect(suffix.headers['content-range']).toBe(`bytes ${n - 100}-${n - 1}/${n}`);
    expect(suffix.rawPayload.equals(body.subarray(n - 100))).toBe(true);
    const clamped = await get('boris-in-3@pbx', { range: `bytes=${n - 5}-${n + 1000}` });
    expect(clamped.statusCode).toBe(206);
    expect(clamped.headers['content-range']).toBe(`bytes ${n - 5}-${n - 1}/${n}`);
    expect(clamped.rawPayload.equals(body.subarray(n - 5))).toBe(true);
  });

  it('several ranges: the whole file, 200', async () => {
    const r = await get('boris-in-3@pbx', { range: 'bytes=0-9,20-29' });
    expect(r.statusCode).toBe(200);
    expect(r.rawPayload.equals(bodies.get('boris-in-3@pbx')!)).toBe(true);
  });

  it('416 with Content-Range bytes */<size> when the range starts past the end', async () => {
    const n = bodies.get('anna-out-2@pbx')!.length;
    for (const range of [`bytes=${n}-`, `bytes=${n + 10}-${n + 20}`, 'bytes=50-10']) {
      const r = await get('anna-out-2@pbx', { range });
      expect(r.statusCode, range).toBe(416);
      expect(r.headers['content-range']).toBe(`bytes */${n}`);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.json()).toMatchObject({ error: { code: 'REQUEST.RANGE_NOT_SATISFIABLE' } });
    }
  });

  it('a manager hears his own recording (whole and range)', async () => {
    const body = bodies.get('anna-in-1@pbx')!;
    const whole = await get('anna-in-1@pbx', {}, ANNA_TOKEN);
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(body)).toBe(true);
    const part = await get('anna-in-1@pbx', { range: 'bytes=0-43' }, ANNA_TOKEN);
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
  });

  it("403 for another manager's recording, and for one with no manager", async () => {
    const r = await get('boris-in-3@pbx', {}, ANNA_TOKEN);
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error: { code: 'AUTH.FORBIDDEN' } });
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect((await get('nobody-4@pbx', {}, BORIS_TOKEN)).statusCode).toBe(403);
  });

  it('404 for an unknown call, a pending recording, and a stored row whose object is gone', async () => {
    expect((await get('no-such-call')).statusCode).toBe(404);
    expect((await get('pending-5@pbx')).statusCode).toBe(404);
    // Unknown to a manager too: 404, not 403 (nothing to hide about a call that does not exist).
    expect((await get('no-such-call', {}, ANNA_TOKEN)).statusCode).toBe(404);
    const gone: Fixture = { ...FIXTURES[0]!, callId: 'gone-7@pbx', body: randomBytes(100) };
    await store(storage, gone);
    await storage.remove(recordingKey('', gone.callId, new Date(gone.startedAt), gone.format));
    const r = await get(gone.callId);
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('the listening audit', () => {
  // A fresh app: the audit counts one listen per listener and recording for ten minutes, and the tests above already listened.
  beforeAll(async () => {
    await app.close();
    ({ app } = await buildTestApp({ recordings: library(storage) }));
  });
  const trail = async (callId: string, token = TEST_TOKEN) =>
    app.inject({ method: 'GET', url: `/api/recordings/audit?callId=${encodeURIComponent(callId)}`, headers: bearer(token) });

  it('every listen (whole, range, download; admin and manager) writes who, role, ip, user agent, action; seeks within ten minutes are the same listen', async () => {
    const callId = 'anna-out-2@pbx';
    const before = (await index.auditTrail({ callId }, 1000)).length;
    const hear = (token: string, headers: Record<string, string>, q = '', remoteAddress = '127.0.0.1') =>
      app.inject({ method: 'GET', url: audioUrl(callId, q), headers: { ...bearer(token), ...headers }, remoteAddress });
    expect((await hear(TEST_TOKEN, { 'user-agent': 'ua-admin-whole' }, '', '10.1.2.3')).statusCode).toBe(200);
    // The player seeking: another Range request of the same listener, not another listen.
    expect((await hear(TEST_TOKEN, { 'user-agent': 'ua-admin-range', range: 'bytes=10-19' })).statusCode).toBe(206);
    expect((await hear(ANNA_TOKEN, { 'user-agent': 'ua-anna', range: 'bytes=0-' }, '', '10.9.9.9')).statusCode).toBe(206);
    expect((await hear(SUPERVISOR_TOKEN, { 'user-agent': 'ua-floor' }, '?download=1')).statusCode).toBe(200);
    // Refused: Boris may not hear Anna's call. A refusal is not a listen, and is not audited (403 comes first).
    expect((await hear(BORIS_TOKEN, { 'user-agent': 'ua-boris' })).statusCode).toBe(403);

    const rows = await index.auditTrail({ callId }, 1000);
    expect(rows.length - before).toBe(3);
    const r = await trail(callId);
    expect(r.statusCode).toBe(200);
    const items = r.json().items as { action: string; callId: string; who: string; role: string; ip: string; userAgent: string; at: string }[];
    const mine = items.filter((i) => i.userAgent?.startsWith('ua-'));
    // Newest first.
    expect(mine.map((i) => ({ action: i.action, who: i.who, role: i.role, ip: i.ip, userAgent: i.userAgent, callId: i.callId }))).toEqual([
      { action: 'download', who: 'floor', role: 'supervisor', ip: '127.0.0.1', userAgent: 'ua-floor', callId },
      { action: 'listen', who: 'anna-phone', role: 'manager', ip: '10.9.9.9', userAgent: 'ua-anna', callId },
      { action: 'listen', who: 'crm', role: 'admin', ip: '10.1.2.3', userAgent: 'ua-admin-whole', callId },
    ]);
    expect(new Date(mine[0]!.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(items.some((i) => i.who === 'boris-phone')).toBe(false);
  });

  it('behind a trusted proxy, a forged X-Forwarded-For does not falsify the audited address', async () => {
    const config = testConfig();
    const { app: proxied } = await buildTestApp({ recordings: library(storage), config: { ...config, http: { ...config.http, trustProxy: ['127.0.0.1'] } } });
    try {
      const callId = 'nobody-4@pbx';
      // Two listeners: one listener's repeated requests within ten minutes are one audited listen.
      const hear = (token: string, remoteAddress: string, forwardedFor: string, ua: string) =>
        proxied.inject({ method: 'GET', url: audioUrl(callId), remoteAddress, headers: { ...bearer(token), 'x-forwarded-for': forwardedFor, 'user-agent': ua } });
      // Straight from a client: its own header is not believed.
      expect((await hear(TEST_TOKEN, '10.7.7.7', '1.1.1.1', 'xff-direct')).statusCode).toBe(200);
      // Through the proxy: the address the proxy appended, not the one the client wrote first.
      expect((await hear(SUPERVISOR_TOKEN, '127.0.0.1', '1.1.1.1, 10.8.8.8', 'xff-proxied')).statusCode).toBe(200);
      const rows = (await index.auditTrail({ callId }, 100)).filter((r) => r.userAgent?.startsWith('xff-'));
      expect(rows.map((r) => [r.userAgent, r.ip]).sort()).toEqual([['xff-direct', '10.7.7.7'], ['xff-proxied', '10.8.8.8']]);
    } finally {
      await proxied.close();
    }
  });

  it('a 404 audits nothing; a 416 is audited (the audit is written before the range is read)', async () => {
    const callId = 'boris-in-3@pbx';
    const before = (await index.auditTrail({ callId }, 1000)).length;
    await app.inject({ method: 'GET', url: audioUrl('no-such-call'), headers: bearer(TEST_TOKEN) });
    expect((await index.auditTrail({ callId: 'no-such-call' }, 10)).length).toBe(0);
    // The audit is written before the range is resolved: a 416 is still an audited request.
    const unsatisfiable = await app.inject({ method: 'GET', url: audioUrl(callId), headers: { ...bearer(TEST_TOKEN), range: 'bytes=999999-' } });
    expect(unsatisfiable.statusCode).toBe(416);
    expect((await index.auditTrail({ callId }, 1000)).length).toBe(before + 1);
  });

  it('admin and supervisor read the trail (all calls without callId, with a limit); a manager gets 403', async () => {
    expect((await trail('anna-out-2@pbx', SUPERVISOR_TOKEN)).statusCode).toBe(200);
    const all = await app.inject({ method: 'GET', url: '/api/recordings/audit?limit=2', headers: bearer(TEST_TOKEN) });
    expect(all.statusCode).toBe(200);
    expect(all.json().items).toHaveLength(2);
    expect((await trail('anna-out-2@pbx', ANNA_TOKEN)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/recordings/audit', headers: bearer(BORIS_TOKEN) })).statusCode).toBe(403);
  });
});

describe('with the S3 driver (s3rver)', () => {
  const s3 = new TestS3(`rechttp${randomBytes(3).toString('hex')}`);
  let s3app: FastifyInstance;
  let s3storage: S3Storage;
  const f: Fixture = { callId: 's3-call-6@pbx', manager: '102', callerNumber: '+79160000006', calleeNumber: '+74951234567', direction: 'inbound', startedAt: '2026-03-06T10:00:00Z', durationSeconds: 61, format: 'mp3', body: randomBytes(5000) };

  beforeAll(async () => {
    await s3.start();
    s3storage = new S3Storage(s3.config());
    await s3storage.ensureBucket();
    await store(s3storage, f);
    ({ app: s3app } = await buildTestApp({ recordings: library(s3storage) }));
  });
  afterAll(async () => {
    await s3app?.close();
    await s3.stop();
  });

  it('?redirect=1: 302 to a presigned URL that serves the object; the listen is audited', async () => {
    const r = await s3app.inject({ method: 'GET', url: audioUrl(f.callId, '?redirect=1'), headers: { ...bearer(BORIS_TOKEN), 'user-agent': 'ua-s3' } });
    expect(r.statusCode).toBe(302);
    const location = r.headers.location as string;
    expect(location).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${s3.port}/`));
    expect(location).toMatch(/X-Amz-Signature=/);
    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(f.body)).toBe(true);
    const ranged = await fetch(location, { headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(f.body.subarray(10, 20))).toBe(true);
    expect((await index.auditTrail({ callId: f.callId }, 10)).map((a) => [a.who, a.action, a.userAgent])).toEqual([['boris-phone', 'listen', 'ua-s3']]);
  });

  it('a manager is refused before any URL is handed out', async () => {
    const r = await s3app.inject({ method: 'GET', url: audioUrl(f.callId, '?redirect=1'), headers: bearer(ANNA_TOKEN) });
    expect(r.statusCode).toBe(403);
    expect(r.headers.location).toBeUndefined();
  });

  it('without ?redirect the S3 object is streamed, with ranges', async () => {
    const whole = await s3app.inject({ method: 'GET', url: audioUrl(f.callId), headers: bearer(TEST_TOKEN) });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(f.body)).toBe(true);
    const part = await s3app.inject({ method: 'GET', url: audioUrl(f.callId), headers: { ...bearer(TEST_TOKEN), range: 'bytes=10-19' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${f.body.length}`);
    expect(part.rawPayload.equals(f.body.subarray(10, 20))).toBe(true);
  });

  it('redirectByDefault: 302 without asking; ?redirect=0 streams', async () => {
    const { app: byDefault } = await buildTestApp({ recordings: library(s3storage, true) });
    try {
      expect((await byDefault.inject({ method: 'GET', url: audioUrl(f.callId), headers: bearer(TEST_TOKEN) })).statusCode).toBe(302);
      expect((await byDefault.inject({ method: 'GET', url: audioUrl(f.callId, '?redirect=0'), headers: bearer(TEST_TOKEN) })).statusCode).toBe(200);
    } finally {
      await byDefault.close();
    }
  });

  it('?redirect=1 on the local driver (no presigned URLs) streams instead', async () => {
    const r = await app.inject({ method: 'GET', url: audioUrl('anna-in-1@pbx', '?redirect=1'), headers: bearer(TEST_TOKEN) });
    expect(r.statusCode).toBe(200);
    expect(r.rawPayload.equals(bodies.get('anna-in-1@pbx')!)).toBe(true);
  });
});

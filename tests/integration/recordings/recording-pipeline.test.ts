import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderStorage } from '../../../src/adapters/storage/local-folder-storage.js';
import { S3Storage } from '../../../src/adapters/storage/s3-storage.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';
import { answeredCall, startRecordingHarness, waitFor, writePcap, type RecordingHarness } from '../../helpers/recording-harness.js';
import { useTestRedis } from '../../helpers/test-redis.js';
import { TestS3 } from '../../helpers/test-s3.js';

const redis = useTestRedis();
let pg: TestSchema;
const s3 = new TestS3();
const running: RecordingHarness[] = [];

beforeAll(async () => {
  pg = await createTestSchema();
  await s3.start();
});
afterAll(async () => {
  for (const h of running) await h.stop();
  await s3.stop();
  await pg?.drop();
});

const q = () => `rq${randomBytes(4).toString('hex')}`;
const rowOf = (callId: string) => pg.db.selectFrom('recordings').selectAll().where('call_id', '=', callId).executeTakeFirst();

async function harness(o: Partial<Parameters<typeof startRecordingHarness>[0]> & { queueName: string }) {
  const h = await startRecordingHarness({ db: pg.db, keyPrefix: redis.prefix, storage: new LocalFolderStorage(mkdtempSync(join(tmpdir(), 'rec-'))), ...o });
  running.push(h);
  return h;
}

describe('recording pipeline', () => {
  it('converts, uploads, indexes, removes the pcap after the upload, raises recording.ready', async () => {
    const h = await harness({ queueName: q() });
    const callId = 'a84b4c76e66710@pc33.example.com';
    const pcap = await writePcap(h.spoolDir, callId);
    h.events.emit('call.ended', { record: answeredCall(callId) });
    await waitFor('recording.ready', () => h.ready.length === 1);
    const row = await rowOf(callId);
    expect(row).toMatchObject({ status: 'stored', format: 'mp3', manager: '101', duration_seconds: '12.500', attempts: 0 });
    expect(row!.storage_key).toMatch(/^recordings\/\d{4}\/\d{2}\/\d{2}\/a84b4c76e66710%40pc33\.example\.com\.mp3$/);
    const info = await h.archive.storage.head(row!.storage_key!);
    expect(info).toMatchObject({ contentType: 'audio/mpeg', checksum: row!.checksum, bytes: Number(row!.bytes) });
    expect(existsSync(pcap)).toBe(false);
    expect(h.ready[0]).toMatchObject({ callId, format: 'mp3', durationSeconds: 12.5, url: `http://127.0.0.1:8080/api/recordings/${encodeURIComponent(callId)}/audio` });
  });

  it('ignores unanswered calls', async () => {
    const h = await harness({ queueName: q() });
    await writePcap(h.spoolDir, 'missed-1');
    h.pipeline.callEnded(answeredCall('missed-1', { disposition: 'missed', talkSeconds: 0 }));
    await h.pipeline.stop();
    expect(await rowOf('missed-1')).toBeUndefined();
  });

  it('a conversion error fails after the configured attempts, with the reason; the pcap stays', async () => {
    const h = await harness({ queueName: q(), convert: async () => { throw new Error('no RTP in pcap'); } });
    const pcap = await writePcap(h.spoolDir, 'bad-1');
    h.pipeline.callEnded(answeredCall('bad-1'));
    await waitFor('failed row', async () => (await rowOf('bad-1'))?.status === 'failed');
    expect(await rowOf('bad-1')).toMatchObject({ attempts: 2, last_error: 'conversion failed: no RTP in pcap' });
    expect(existsSync(pcap)).toBe(true);
  });

  it('S3 down during the upload: retried, the pcap stays until the recording lands', async () => {
    const down = new TestS3('down');
    // A port below Linux's ephemeral range (32768+): while the endpoint is down, an
    // outgoing connection could otherwise take its port and stop it coming back.
    await down.start(22000 + Math.floor(Math.random() * 3000));
    const cfg = down.config();
    await down.stop();
    const h = await harness({ queueName: q(), storage: new S3Storage({ ...cfg, requestTimeoutMs: 1000 }) });
    const pcap = await writePcap(h.spoolDir, 'outage-1');
    h.pipeline.callEnded(answeredCall('outage-1'));
    await waitFor('two failed attempts', async () => ((await rowOf('outage-1'))?.attempts ?? 0) >= 2);
    expect((await rowOf('outage-1'))!.status).toBe('pending');
    expect(existsSync(pcap)).toBe(true);
    await down.start(cfg.port);
    try {
      await waitFor('stored after the outage', async () => (await rowOf('outage-1'))?.status === 'stored', 15_000);
      await waitFor('recording.ready', () => h.ready.length > 0);
      expect(existsSync(pcap)).toBe(false);
      expect(h.ready.map((e) => e.callId)).toEqual(['outage-1']);
    } finally {
      await down.stop();
    }
  });

  it('a restart mid-processing loses nothing: the new worker and the reconciler finish every recording', async () => {
    const queueName = q();
    const storage = new S3Storage(s3.config());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const spoolDir = mkdtempSync(join(tmpdir(), 'spool-'));
    const first = await harness({ queueName, storage, spoolDir, convert: async (r) => { await gate; throw new Error(`stopped ${r.pcapPath}`); } });
    const ids = Array.from({ length: 5 }, (_, i) => `restart-${i}@host`);
    for (const id of ids) await writePcap(spoolDir, id);
    for (const id of ids) first.pipeline.callEnded(answeredCall(id));
    await waitFor('rows written', async () => (await pg.db.selectFrom('recordings').select('call_id').where('call_id', 'like', 'restart-%').execute()).length === 5);
    // Lose the queue's jobs as a crash of Redis or a flush would, then restart.
    release();
    await first.stop();
    running.splice(running.indexOf(first), 1);
    await pg.db.updateTable('recordings').set({ status: 'pending', attempts: 0 }).where('call_id', 'like', 'restart-%').execute();
    const second = await harness({ queueName, storage, spoolDir });
    await waitFor('all stored', async () => (await pg.db.selectFrom('recordings').select('call_id').where('call_id', 'like', 'restart-%').where('status', '=', 'stored').execute()).length === 5, 15_000);
    // recording.ready follows the row's update: wait for it rather than race it.
    await waitFor('recording.ready for each', () => second.ready.length === 5);
    expect(second.ready.map((e) => e.callId).sort()).toEqual(ids);
  });

  it('retention deletes recordings older than the configured days from storage and index, and audits it', async () => {
    const h = await harness({ queueName: q(), retentionDays: 30 });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await writePcap(h.spoolDir, 'old-1');
    await writePcap(h.spoolDir, 'new-1');
    h.pipeline.callEnded(answeredCall('old-1', { startedAt: old }));
    h.pipeline.callEnded(answeredCall('new-1'));
    await waitFor('both stored', () => h.ready.length === 2);
    const key = (await rowOf('old-1'))!.storage_key!;
    expect(await h.archive.retention()).toBeGreaterThanOrEqual(1);
    expect(await rowOf('old-1')).toMatchObject({ status: 'deleted' });
    expect((await rowOf('new-1'))!.status).toBe('stored');
    expect(await h.archive.storage.head(key)).toBeNull();
    const audit = await pg.db.selectFrom('recording_audit').selectAll().where('call_id', '=', 'old-1').execute();
    expect(audit).toMatchObject([{ action: 'delete', who: 'retention' }]);
  });

  it('a worker killed in the middle of a conversion loses nothing: another takes the job over and the pcaps leave the spool only once stored', async () => {
    const queueName = q();
    const spoolDir = mkdtempSync(join(tmpdir(), 'spool-'));
    const storageDir = mkdtempSync(join(tmpdir(), 'store-'));
    const callIds = ['crash-1@host', 'crash-2@host', 'crash-3@host'];
    const child = spawn('node', ['--import', 'tsx', 'tests/helpers/recording-worker-process.ts'], {
      env: { ...process.env, LEADLINE_TEST_RECORDING_WORKER: JSON.stringify({ schema: pg.schema, keyPrefix: redis.prefix, queueName, spoolDir, storageDir, callIds }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('a conversion under way in the child', () => out.includes('converting'), 15_000);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect((await pg.db.selectFrom('recordings').select('status').where('call_id', 'in', callIds).execute()).every((r) => r.status !== 'stored')).toBe(true);

    const h = await startRecordingHarness({ db: pg.db, keyPrefix: redis.prefix, queueName, storage: new LocalFolderStorage(storageDir), spoolDir, tuning: { stalledInterval: 300 } });
    running.push(h);
    await waitFor('every recording stored', async () => (await pg.db.selectFrom('recordings').select('call_id').where('call_id', 'in', callIds).where('status', '=', 'stored').execute()).length === 3, 15_000);
    await waitFor('recording.ready for each', () => h.ready.length === 3);
    expect(h.ready.map((e) => e.callId).sort()).toEqual(callIds);
    expect(readdirSync(join(spoolDir, 'pcaps'))).toEqual([]);
  }, 40_000);
});

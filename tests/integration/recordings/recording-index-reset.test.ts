import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRecordingIndex } from '../../../src/adapters/memory/memory-recording-index.js';
import { PostgresRecordingIndex } from '../../../src/adapters/recordings/postgres-recording-index.js';
import type { NewRecording } from '../../../src/core/recordings/recording-store.port.js';
import type { RecordingIndexPort } from '../../../src/services/recordings/recording-index.port.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

let pg: TestSchema;
beforeAll(async () => {
  pg = await createTestSchema();
});
afterAll(async () => {
  await pg?.drop();
});

const pending = (callId: string): NewRecording => ({
  callId,
  format: 'mp3',
  pcapPath: `/spool/${callId}.pcap`,
  callerAddress: '10.0.0.1:4000',
  manager: '101',
  callerNumber: '+79160000001',
  calleeNumber: '+74951234567',
  direction: 'inbound',
  startedAt: new Date('2026-03-01T10:00:00Z'),
});

/** The operator's re-conversion, the same contract for the real index and its in-memory twin. */
describe.each([
  ['PostgreSQL', () => new PostgresRecordingIndex(pg.db) as RecordingIndexPort],
  ['memory', () => new MemoryRecordingIndex() as RecordingIndexPort],
])('%s recording index: resetForRetry', (_name, make) => {
  it('puts a failed or pending recording back to pending with no attempts, and nothing else', async () => {
    const index = make();
    const id = (s: string) => `${s}-${_name}@pbx`;
    for (const s of ['failed', 'pending', 'stored', 'deleted', 'empty']) await index.insertPending(pending(id(s)));
    await index.noteAttempt(id('failed'), 'conversion failed');
    await index.noteAttempt(id('failed'), 'conversion failed');
    await index.markFailed(id('failed'), 'conversion failed');
    await index.noteAttempt(id('pending'), 'storage unreachable');
    await index.markStored(id('stored'), { storageKey: 'k', bytes: 1, checksum: 'c', durationSeconds: 1 });
    await index.markDeleted(id('deleted'), 'retention');
    await index.markEmpty(id('empty'), 'no audio');

    expect(await index.resetForRetry(id('failed'))).toBe(true);
    expect(await index.load(id('failed'))).toMatchObject({ status: 'pending', attempts: 0, lastError: null, pcapPath: `/spool/${id('failed')}.pcap` });
    expect(await index.resetForRetry(id('pending'))).toBe(true);
    expect(await index.load(id('pending'))).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    for (const s of ['stored', 'deleted', 'empty']) {
      expect(await index.resetForRetry(id(s)), s).toBe(false);
      expect((await index.load(id(s)))!.status).toBe(s);
    }
    expect(await index.resetForRetry('unknown@pbx')).toBe(false);
  });
});

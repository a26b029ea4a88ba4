import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRecordingIndex } from '../../../src/adapters/recordings/postgres-recording-index.js';
import type { NewRecording } from '../../../src/core/recordings/recording-store.port.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

let pg: TestSchema;
let index: PostgresRecordingIndex;
beforeAll(async () => {
  pg = await createTestSchema();
  index = new PostgresRecordingIndex(pg.db);
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

describe('PostgresRecordingIndex.loadMany', () => {
  it('returns the recordings of the calls asked about, by callId, whatever their status', async () => {
    for (const id of ['stored@pbx', 'pending@pbx', 'failed@pbx', 'deleted@pbx', 'not-asked@pbx']) await index.insertPending(pending(id));
    await index.markStored('stored@pbx', { storageKey: 'k/stored.mp3', bytes: 4096, checksum: 'ab'.repeat(32), durationSeconds: 61.5 });
    await index.markFailed('failed@pbx', 'conversion failed');
    await index.markDeleted('deleted@pbx', 'retention');

    const found = await index.loadMany(['stored@pbx', 'pending@pbx', 'failed@pbx', 'deleted@pbx', 'unknown@pbx', 'stored@pbx']);
    expect([...found.keys()].sort()).toEqual(['deleted@pbx', 'failed@pbx', 'pending@pbx', 'stored@pbx']);
    expect([...found.values()].map((r) => [r.callId, r.status]).sort()).toEqual([
      ['deleted@pbx', 'deleted'],
      ['failed@pbx', 'failed'],
      ['pending@pbx', 'pending'],
      ['stored@pbx', 'stored'],
    ]);
    // The same entry load() and list() give, without the worker's fields.
    const stored = found.get('stored@pbx')!;
    expect(stored).toMatchObject({ format: 'mp3', durationSeconds: 61.5, bytes: 4096, storageKey: 'k/stored.mp3', manager: '101' });
    expect(stored).not.toHaveProperty('pcapPath');
    const { pcapPath: _p, callerAddress: _c, ...loaded } = (await index.load('stored@pbx'))!;
    expect(stored).toEqual(loaded);
  });

  it('answers an empty list with an empty map', async () => {
    expect(await index.loadMany([])).toEqual(new Map());
    expect(await index.loadMany(['nothing@pbx'])).toEqual(new Map());
  });
});

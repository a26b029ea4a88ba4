import { describe, expect, it } from 'vitest';
import { MemoryRecordingIndex, MemoryRecordingJobQueue } from '../../../src/adapters/memory/memory-recording-index.js';
import { newRecordingOf } from '../../../src/services/recordings/new-recording.js';
import { RecordingReconvert } from '../../../src/services/recordings/recording-reconvert.js';

const call = (callId: string) => ({ callId, direction: 'inbound' as const, manager: '101', callerNumber: '+79161234567', calleeNumber: '+74951234567', startedAt: new Date() });

async function setup() {
  const index = new MemoryRecordingIndex();
  const queue = new MemoryRecordingJobQueue();
  for (const id of ['failed', 'stored', 'empty', 'pending']) await index.insertPending(newRecordingOf(call(id), { format: 'mp3', clientAddress: null, pcapPath: `/spool/pcaps/${id}.pcap` }));
  await index.noteAttempt('failed', 'conversion failed: ffmpeg exited 1');
  await index.markFailed('failed', 'conversion failed: ffmpeg exited 1');
  await index.markStored('stored', { storageKey: 'k', bytes: 10, checksum: 'c', durationSeconds: 1 });
  await index.markEmpty('empty', 'no audio');
  return { index, queue, reconvert: new RecordingReconvert({ index, queue }) };
}

describe('recordings reconvert', () => {
  it('gives a failed recording fresh attempts and a job, and says what it was', async () => {
    const { index, queue, reconvert } = await setup();
    await expect(reconvert.reconvert('failed')).resolves.toEqual({ callId: 'failed', previousStatus: 'failed', previousError: 'conversion failed: ffmpeg exited 1' });
    expect(await index.load('failed')).toMatchObject({ status: 'pending', attempts: 0, lastError: null, pcapPath: '/spool/pcaps/failed.pcap' });
    expect(queue.queued).toEqual(['failed']);
  });

  it('queues a recording stuck pending again', async () => {
    const { queue, reconvert } = await setup();
    await expect(reconvert.reconvert('pending')).resolves.toMatchObject({ previousStatus: 'pending' });
    expect(queue.queued).toEqual(['pending']);
  });

  it('refuses a stored or empty recording (its pcap is gone) and an unknown call, changing nothing', async () => {
    const { index, queue, reconvert } = await setup();
    await expect(reconvert.reconvert('stored')).rejects.toMatchObject({ code: 'RECORDINGS.NOT_RECONVERTIBLE', status: 409, message: expect.stringContaining('is stored') });
    await expect(reconvert.reconvert('empty')).rejects.toMatchObject({ code: 'RECORDINGS.NOT_RECONVERTIBLE' });
    await expect(reconvert.reconvert('no-such-call')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((await index.load('stored'))!.status).toBe('stored');
    expect(queue.queued).toEqual([]);
  });
});

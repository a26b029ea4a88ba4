import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversionThreads } from '../../../src/adapters/recordings/conversion-threads.js';
import { convertCallRecording } from '../../../src/adapters/recordings/pcap-to-recording.js';
import type { RecordingConverter } from '../../../src/core/recordings/recording-store.port.js';
import { syntheticCall, writePcap } from '../../helpers/pcap-writer.js';

/** The recording worker's conversion threads (the TypeScript entry loaded by tsx in each thread), against the in-process conversion. */
let dir: string;
let shortPcap: string;
let longPcap: string;
let threads: ConversionThreads;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadline-threads-'));
  mkdirSync(join(dir, 'pcaps'));
  shortPcap = join(dir, 'pcaps', 'short%40host-aa.pcap');
  longPcap = join(dir, 'pcaps', 'long%40host-bb.pcap');
  writePcap(shortPcap, syntheticCall(5));
  writePcap(longPcap, syntheticCall(600));
  threads = new ConversionThreads(2);
});

afterAll(async () => {
  await threads.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The main event loop's utilisation while `work` runs: near 1 when the work is synchronous on it, near 0 when it only waits. */
async function loopUtilisationDuring(work: () => Promise<unknown>): Promise<number> {
  const before = performance.eventLoopUtilization();
  await work();
  return performance.eventLoopUtilization(before).utilization;
}

describe('conversion threads', () => {
  it('convert in a thread exactly as in the process: the same file and the same figures', async () => {
    const inProcess = await convertCallRecording({ pcapPath: shortPcap, outPath: join(dir, 'a.wav'), format: 'wav' });
    const inThread = await threads.convert({ pcapPath: shortPcap, outPath: join(dir, 'b.wav'), format: 'wav' });
    expect(inThread).toEqual({ ...inProcess, path: join(dir, 'b.wav') });
    expect(inThread.durationSeconds).toBeCloseTo(5, 1);
    expect(readFileSync(join(dir, 'b.wav')).equals(readFileSync(join(dir, 'a.wav')))).toBe(true);
  });

  it('take more conversions than threads and finish every one, MP3 by the encoder included', async () => {
    const outs = [0, 1, 2, 3, 4].map((i) => join(dir, `many-${i}.mp3`));
    const results = await Promise.all(outs.map((outPath) => threads.convert({ pcapPath: shortPcap, outPath, format: 'mp3' })));
    for (const [i, r] of results.entries()) {
      expect(r).toMatchObject({ path: outs[i], format: 'mp3', empty: false });
      expect(r.bytes).toBe(readFileSync(outs[i]!).length);
      const head = readFileSync(outs[i]!);
      // An ID3 tag or straight an MPEG audio frame (11 sync bits set).
      expect(head.subarray(0, 3).toString('latin1') === 'ID3' || (head[0] === 0xff && (head[1]! & 0xe0) === 0xe0)).toBe(true);
    }
  });

  it("report a conversion's failure with its reason", async () => {
    await expect(threads.convert({ pcapPath: join(dir, 'pcaps', 'missing-00.pcap'), outPath: join(dir, 'x.wav'), format: 'wav' })).rejects.toThrow(/cannot read .*missing-00\.pcap/);
    // The thread that failed still converts.
    await expect(threads.convert({ pcapPath: shortPcap, outPath: join(dir, 'after.wav'), format: 'wav' })).resolves.toMatchObject({ empty: false });
  });

  it("leave the worker's event loop free while a long call converts (in the process it is busy)", async () => {
    const convertLong = (convert: RecordingConverter, name: string) => () => convert({ pcapPath: longPcap, outPath: join(dir, name), format: 'wav' });
    const inProcess = await loopUtilisationDuring(convertLong(convertCallRecording, 'long-a.wav'));
    const inThread = await loopUtilisationDuring(convertLong(threads.convert, 'long-b.wav'));
    expect(inProcess).toBeGreaterThan(0.5);
    expect(inThread).toBeLessThan(0.25);
  });

  it('run at the lowest priority (nice 19), the rest of the process at its own', async () => {
    // Field 19 of /proc/<tid>/stat is the thread's nice value (per thread on Linux).
    const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const threadNices = () => readdirSync('/proc/self/task').map((tid) => niceOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    await threads.convert({ pcapPath: shortPcap, outPath: join(dir, 'nice.wav'), format: 'wav' });
    expect(threadNices().filter((n) => n === 19)).toHaveLength(2);
    // The rest of the process (its event loop included) keeps its priority.
    expect(niceOf(readFileSync('/proc/self/stat', 'utf8'))).toBe(0);
  });

  it('let the conversions in flight finish when closed', async () => {
    const own = new ConversionThreads(1);
    const running = own.convert({ pcapPath: longPcap, outPath: join(dir, 'closing.wav'), format: 'wav' });
    await own.close();
    await expect(running).resolves.toMatchObject({ empty: false, path: join(dir, 'closing.wav') });
  });
});

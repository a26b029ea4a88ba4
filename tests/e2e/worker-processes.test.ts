import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCODERS } from '../../src/adapters/recordings/audio-encoders.js';
import { CrmStandIn } from '../helpers/crm-stand-in.js';
import { pcapBytes, syntheticCall } from '../helpers/pcap-writer.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import { TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * Recording work runs in worker processes the launcher forks and supervises, at idle CPU
 * priority; a worker killed with SIGKILL in the middle of a conversion loses nothing, and a
 * pcap the service never saw end becomes a recording all the same.
 *
 * The MP3 encoder (`lame`, audio-encoders.ts) has a stand-in first on PATH, in front of the
 * real one: it notes its pid and parent, and waits while the hold file exists, so the test
 * can kill the worker mid-conversion.
 */
const work = mkdtempSync(join(tmpdir(), 'worker-processes-'));
const hold = join(work, 'hold');
const started = join(work, 'started');
const bin = join(work, 'bin');
const savedPath = process.env.PATH;
let pbx: TestPbx;
let phones: Phones;
const crm = new CrmStandIn(['recording.ready']);

beforeAll(async () => {
  mkdirSync(bin);
  const encoder = ENCODERS.mp3.binary;
  const realEncoder = spawnSync('sh', ['-c', `command -v ${encoder}`], { encoding: 'utf8' }).stdout.trim();
  expect(realEncoder).not.toBe('');
  writeFileSync(
    join(bin, encoder),
    `#!/bin/sh\necho "$$ $PPID" >> ${started}\nwhile [ -e ${hold} ]; do sleep 0.05; done\nexec ${realEncoder} "$@"\n`,
  );
  chmodSync(join(bin, encoder), 0o755);
  // Read by the workers the launcher forks (they inherit this environment).
  process.env.PATH = `${bin}:${savedPath}`;
  await crm.start();
  pbx = await startTestPbx({
    name: 'workers',
    basePort: 32000,
    managers: 1,
    crm: crm.config(),
    // A short claim: the killed worker's job comes back within seconds.
    recordings: { format: 'mp3', claimSeconds: 2, spoolSweepSeconds: 1, pcapWaitSeconds: 1 },
    processes: { workers: 'forked', recordingWorkers: 1, restartDelayMs: 100 },
  });
  phones = new Phones(pbx);
  expect((await phones.register('101')).exitCode).toBe(0);
}, 90_000);

afterAll(async () => {
  process.env.PATH = savedPath;
  await pbx?.destroy();
  await crm.stop();
  rmSync(work, { recursive: true, force: true });
});

interface RecordingJson {
  callId: string;
  status: string;
  durationSeconds: number | null;
}

async function recordingOf(callId: string): Promise<RecordingJson | undefined> {
  const res = await pbx.api('/api/recordings?limit=100');
  if (res.status !== 200) throw new Error(`GET /api/recordings answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { items: RecordingJson[] }).items.find((r) => r.callId === callId);
}

/**
 * Polled three times a second: the API's rate limit (600 a minute) counts these too.
 * A minute: the restarted worker runs at idle priority, and on a machine whose cores are
 * busy (another test file beside this one) it took 29 s just to load.
 */
async function storedRecording(callId: string): Promise<RecordingJson> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rec = await recordingOf(callId);
    if (rec?.status === 'stored') return rec;
    if (Date.now() > deadline) throw new Error(`recording of ${callId} not stored: ${JSON.stringify(rec)} (see ${pbx.logFile})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function encoderRuns(): { pid: number; parent: number }[] {
  if (!existsSync(started)) return [];
  return readFileSync(started, 'utf8').trim().split('\n').map((l) => {
    const [pid, parent] = l.split(' ').map(Number);
    return { pid: pid!, parent: parent! };
  });
}

function schedulingPolicy(pid: number): string {
  return spawnSync('chrt', ['-p', String(pid)], { encoding: 'utf8' }).stdout;
}

function spoolPcaps(): string[] {
  const dir = join(pbx.spoolDir, 'pcaps');
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function answeredCall(talkMs: number): Promise<string> {
  const echo = await phones.answer('101', 'echo');
  const caller = phones.callFromTrunk({ talkMs });
  expect((await caller.done).exitCode).toBe(0);
  await echo.stop();
  const callId = callIdOf(caller, TRUNK_IP);
  await pbx.waitForRecord(callId);
  return callId;
}

describe('worker processes', () => {
  it('a worker SIGKILLed in the middle of a conversion loses nothing: restarted, the job is retried and the recording stored exactly once', async () => {
    const [worker] = pbx.workers!.pids('recordings');
    expect(worker).toBeDefined();
    expect(worker).not.toBe(process.pid);
    expect(schedulingPolicy(worker!)).toContain('SCHED_IDLE');
    // Every thread of it too, its conversion threads (started after the policy was set) included.
    const policies = readdirSync(`/proc/${worker}/task`).map((tid) => schedulingPolicy(Number(tid)));
    expect(policies.filter((p) => p !== '' && !p.includes('SCHED_IDLE'))).toEqual([]);
    // The router (this process runs it) keeps the normal policy: the worker's was changed for it alone.
    expect(schedulingPolicy(process.pid)).toContain('SCHED_OTHER');

    // Only the runs from here on count (nothing before this call encodes an MP3, but be sure).
    rmSync(started, { force: true });
    writeFileSync(hold, '');
    const callId = await answeredCall(2000);
    await waitFor('the conversion under way in the worker', () => encoderRuns().length === 1, 20_000);
    const [held] = encoderRuns();
    // The encoder is the worker's child (not the router's) and inherited its idle priority.
    expect(held!.parent).toBe(worker);
    expect(schedulingPolicy(held!.pid)).toContain('SCHED_IDLE');
    // Started from a conversion thread, it has that thread's nice 19 too (field 19 of its stat).
    const stat = readFileSync(`/proc/${held!.pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])).toBe(19);

    process.kill(worker!, 'SIGKILL');
    process.kill(held!.pid, 'SIGKILL');
    await waitFor('a new worker', () => pbx.workers!.pids('recordings').some((p) => p !== worker), 20_000);
    rmSync(hold);

    const rec = await storedRecording(callId);
    expect(rec.durationSeconds).toBeGreaterThan(1);
    expect(encoderRuns()[1]!.parent).toBe(pbx.workers!.pids('recordings')[0]);
    expect(spoolPcaps().filter((f) => decodeURIComponent(f).startsWith(callId))).toEqual([]);
    // Exactly once: one recording.ready reached the CRM, one object in storage.
    await waitFor('recording.ready at the CRM', () => crm.verified().some((e) => e.data.callId === callId));
    await new Promise((r) => setTimeout(r, 3000));
    expect(crm.verified().filter((e) => e.type === 'recording.ready' && e.data.callId === callId)).toHaveLength(1);
  }, 150_000);

  it('a pcap in the spool without a recording row becomes a recording', async () => {
    const callId = 'orphan-call-1@10.0.0.9';
    const name = `${encodeURIComponent(callId)}-00aa11bb.pcap`;
    writeFileSync(join(pbx.spoolDir, 'pcaps', name), pcapBytes(syntheticCall(3)));
    // rtpengine moves the metadata to metadata/ once it has deleted the call: the call is over.
    mkdirSync(join(pbx.spoolDir, 'metadata'), { recursive: true });
    writeFileSync(join(pbx.spoolDir, 'metadata', `rtpengine-meta-${name.replace(/\.pcap$/, '')}.txt`), 'CALL-ID\norphan-call-1@10.0.0.9\n');

    const rec = await storedRecording(callId);
    expect(rec.durationSeconds).toBeGreaterThan(2.5);
    expect(spoolPcaps()).not.toContain(name);
    await waitFor('recording.ready at the CRM', () => crm.verified().some((e) => e.data.callId === callId));
  }, 90_000);
});

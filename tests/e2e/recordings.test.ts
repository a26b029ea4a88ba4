import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Phones, callIdOf } from '../helpers/phones.js';
import { TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { CrmStandIn, type VerifiedEvent } from '../helpers/crm-stand-in.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * The recording pipeline end to end: a real call through Kamailio and rtpengine,
 * its pcap turned into a stereo MP3 by the BullMQ worker, stored in the local
 * folder driver, indexed in PostgreSQL, served with Range, and the spool cleaned.
 */
let pbx: TestPbx;
let phones: Phones;
/** The CRM stand-in: recording.ready reaches it as a signed webhook. */
const crm = new CrmStandIn(['recording.ready']);

beforeAll(async () => {
  await crm.start();
  pbx = await startTestPbx({ name: 'recordings', basePort: 18000, managers: 1, recordings: { format: 'mp3' }, crm: crm.config() });
  phones = new Phones(pbx);
});

afterAll(async () => {
  await pbx?.destroy();
  await crm.stop();
});

interface RecordingJson {
  callId: string;
  status: string;
  format: string;
  bytes: number | null;
  durationSeconds: number | null;
  manager: string | null;
}

async function storedRecording(callId: string, timeoutMs = 20_000): Promise<RecordingJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = (await (await pbx.api('/api/recordings?limit=50')).json()) as { items: RecordingJson[] };
    const rec = list.items.find((r) => r.callId === callId);
    if (rec?.status === 'stored') return rec;
    if (Date.now() > deadline) throw new Error(`recording of ${callId} not stored: ${JSON.stringify(rec)} (see ${pbx.logFile})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('recordings', () => {
  it('stores an answered call as a stereo MP3 as long as the talk, serves it with Range, and cleans the spool', async () => {
    expect((await phones.register('101')).exitCode).toBe(0);
    const echo = await phones.answer('101', 'echo');
    const caller = phones.callFromTrunk({ talkMs: 3000 });
    expect((await caller.done).exitCode).toBe(0);
    await echo.stop();
    const callId = callIdOf(caller, TRUNK_IP);
    const record = await pbx.waitForRecord(callId);
    const rec = await storedRecording(callId);
    expect(rec).toMatchObject({ format: 'mp3', manager: '101' });
    expect(Math.abs(rec.durationSeconds! - record.talkSeconds)).toBeLessThanOrEqual(0.5);

    const whole = await pbx.api(`/api/recordings/${encodeURIComponent(callId)}/audio`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(rec.bytes);

    const part = await pbx.api(`/api/recordings/${encodeURIComponent(callId)}/audio`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    // The file is a real stereo MP3 of the call's length.
    const file = join(tmpdir(), `leadline-e2e-${process.pid}.mp3`);
    writeFileSync(file, bytes);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=channels:format=duration', '-of', 'json', file], { encoding: 'utf8' });
    const info = JSON.parse(probe.stdout) as { streams: { channels: number }[]; format: { duration: string } };
    expect(info.streams[0]!.channels).toBe(2);
    expect(Math.abs(Number(info.format.duration) - record.talkSeconds)).toBeLessThanOrEqual(0.5);

    // The pcap left the spool once the store confirmed the object; the listen was audited
    // (once: the whole file and the range within ten minutes are one listen).
    const pcaps = existsSync(join(pbx.spoolDir, 'pcaps')) ? readdirSync(join(pbx.spoolDir, 'pcaps')) : [];
    expect(pcaps.filter((f) => decodeURIComponent(f).startsWith(callId))).toEqual([]);
    const audit = (await (await pbx.api(`/api/recordings/audit?callId=${encodeURIComponent(callId)}`)).json()) as { items: { action: string; who: string }[] };
    expect(audit.items).toEqual([expect.objectContaining({ who: 'e2e', action: 'listen' })]);

    // The CRM was told, with a signed recording.ready carrying the link it can fetch the audio from.
    let ready: VerifiedEvent | undefined;
    await waitFor('recording.ready at the CRM', () => {
      ready = crm.verified().find((e) => e.data.callId === callId);
      return ready !== undefined;
    });
    expect(ready).toMatchObject({ type: 'recording.ready', data: { format: 'mp3' } });
    expect((await pbx.api(new URL(String(ready!.data.url)).pathname)).status).toBe(200);
  }, 60_000);
});

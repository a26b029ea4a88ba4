/**
 * Checks what the installed rtpengine does for announcements, over its ng protocol
 * on loopback, and prints one line per finding (docs/announcements.md quotes it).
 *   npx tsx scripts/verify-rtpengine-media.ts [ngPort=38923] [rtpMin=38100]
 * Starts its own rtpengine (userspace, pcap recording into a temporary directory),
 * plays files to a UDP socket standing in for a caller, and counts the RTP it receives.
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtpengineMedia } from '../src/adapters/rtpengine/rtpengine-media.js';

const ngPort = Number(process.argv[2] ?? 38923);
const rtpMin = Number(process.argv[3] ?? 38100);
const dir = mkdtempSync(join(tmpdir(), 'rtpengine-verify-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sox = (args: string[]) => execFileSync('sox', args);

sox(['-n', '-r', '8000', '-c', '1', '-e', 'a-law', join(dir, 'alaw.wav'), 'synth', '1', 'sine', '440']);
sox(['-n', '-r', '8000', '-c', '1', '-e', 'u-law', join(dir, 'ulaw.wav'), 'synth', '1', 'sine', '440']);
sox(['-n', '-r', '8000', '-c', '1', '-b', '16', join(dir, 'pcm16.wav'), 'synth', '1', 'sine', '440']);
sox(['-n', '-r', '44100', '-c', '2', '-b', '16', join(dir, 'pcm16-44k.wav'), 'synth', '1', 'sine', '440']);
execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-ar', '8000', '-ac', '1', join(dir, 'tone.mp3')]);

const daemon = spawn('rtpengine', ['--config-file=none', '--foreground', '--log-stderr', '--table=-1', '--interface=127.0.0.1', `--listen-ng=127.0.0.1:${ngPort}`,
  `--port-min=${rtpMin}`, `--port-max=${rtpMin + 99}`, '--recording-method=pcap', `--recording-dir=${dir}`, '--delete-delay=0', '--log-level=4', `--dtmf-log-dest=127.0.0.1:${ngPort + 1}`], { stdio: 'ignore' });
const media = new RtpengineMedia(ngPort);
const caller = createSocket('udp4');
let packets = 0;
const payloadTypes = new Set<number>();
caller.on('message', (m) => {
  packets++;
  payloadTypes.add(m[1]! & 0x7f);
});
await new Promise<void>((r) => caller.bind(0, '127.0.0.1', r));
const callerPort = caller.address().port;

try {
  for (let i = 0; ; i++) {
    if (await media.request('ping', {}).then(() => true, () => false)) break;
    if (i > 50) throw new Error('rtpengine did not start');
    await sleep(100);
  }
  const version = spawnSync('rtpengine', ['--version'], { encoding: 'utf8' });
  console.log(`rtpengine --version: ${(version.stdout + version.stderr).trim()}`);
  const offer = (pt: string) => ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${callerPort} RTP/AVP ${pt} 101`, 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', ''].join('\r\n');
  let n = 0;
  for (const [codec, pt] of [['PCMA', '8'], ['PCMU', '0']] as const) {
    for (const file of ['alaw.wav', 'ulaw.wav', 'pcm16.wav', 'pcm16-44k.wav', 'tone.mp3']) {
      const leg = { callId: `verify-${n++}`, fromTag: 'caller' };
      const sdp = await media.openCallerMedia(leg, offer(pt));
      const port = /m=audio (\d+)/.exec(sdp)![1];
      // Like a phone, the caller sends first so rtpengine learns where he is.
      caller.send(Buffer.concat([Buffer.from([0x80, Number(pt), 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), Buffer.alloc(160, 0xd5)]), Number(port), '127.0.0.1');
      await sleep(50);
      packets = 0;
      payloadTypes.clear();
      const result = await media.play(leg, join(dir, file)).then((ms) => `ok, duration ${ms} ms`, (e: Error) => e.message);
      await sleep(1300);
      console.log(`caller offers ${codec}, play media ${file}: ${result}; caller received ${packets} RTP packets, payload types ${[...payloadTypes].join(',') || '-'}`);
      await media.close(leg);
    }
  }
  const leg = { callId: 'verify-stop', fromTag: 'caller' };
  await media.openCallerMedia(leg, offer('8'));
  await media.play(leg, join(dir, 'alaw.wav'), 10);
  await sleep(300);
  await media.stop(leg);
  await sleep(100);
  packets = 0;
  await sleep(500);
  console.log(`stop media after 300 ms of a 10x repeat: ok; packets in the next 500 ms: ${packets}`);
  await media.record(leg).then(() => console.log('start recording on an early-media call: ok'), (e: Error) => console.log(`start recording: ${e.message}`));
  await media.close(leg);
  await sleep(200);
  // DTMF: RFC 4733 events from the caller (digit 2), reported as JSON over UDP.
  const dtmfSink = createSocket('udp4');
  const reports: string[] = [];
  dtmfSink.on('message', (m) => reports.push(m.toString()));
  await new Promise<void>((r) => dtmfSink.bind(ngPort + 1, '127.0.0.1', r));
  const dleg = { callId: 'verify-dtmf', fromTag: 'caller' };
  const dport = Number(/m=audio (\d+)/.exec(await media.openCallerMedia(dleg, offer('8')))![1]);
  for (let i = 0; i < 8; i++) {
    const end = i >= 5;
    const event = Buffer.from([2, (end ? 0x80 : 0) | 10, 0, 160 * (i + 1)]);
    const header = Buffer.from([0x80, (i === 0 ? 0x80 : 0) | 101, 0, 10 + i, 0, 0, 0x10, 0, 0, 0, 0, 1]);
    caller.send(Buffer.concat([header, event]), dport, '127.0.0.1');
    await sleep(20);
  }
  await sleep(500);
  console.log(`DTMF (RFC 4733 digit 2 from the caller) with --dtmf-log-dest: ${reports.length} report(s)${reports[0] ? `: ${reports[0].slice(0, 300)}` : ''}`);
  dtmfSink.close();
  await media.close(dleg);
  console.log(`pcaps written: ${readdirSync(join(dir, 'pcaps')).length}`);
} finally {
  media.shutdown();
  caller.close();
  daemon.kill('SIGTERM');
  await sleep(300);
  rmSync(dir, { recursive: true, force: true });
}

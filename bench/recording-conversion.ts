// Recording conversion benchmark: seconds of call audio turned into a file per CPU-second,
// counting our work (pcap read, RTP parse, G.711 decode, stereo mix: this process's
// process.cpuUsage()) plus every program it ran (the encoder, ffmpeg decoders): their whole
// CPU, start-up included, from this process's cutime+cstime in /proc/self/stat once they
// have exited (clock ticks: 10 ms each, hence medians).
// Input: synthetic rtpengine pcaps (tests/helpers/pcap-writer.ts), both sides 20 ms PCMA packets
// carrying speech: sipp's /usr/share/sip-tester/g711a.pcap looped (--noise: a formula, which
// encoders find harder than speech; the default falls back to it when the file is missing).
// Baseline in the same run: the same encoder program with the same options encoding the plain
// stereo 8 kHz PCM of the same call (pure encode), so the difference is the cost of our decoding.
// (sox is no baseline here: Debian's sox has no MP3 writer.)
// --manager-codec opus|g722: the manager's side re-encoded (ffmpeg) as a phone that kept that codec
// sends it (Opus on payload type 111, G.722 on 9), so the conversion also runs an ffmpeg decoder.
// Target: >= 200 s of audio per CPU-second. Run: npx tsx bench/recording-conversion.ts [--runs N] [--manager-codec opus|g722]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFile, type EncodedFormat } from '../src/adapters/recordings/audio-encoders.js';
import { convertCallRecording, type RecordingFormat } from '../src/adapters/recordings/pcap-to-recording.js';
import { readPcapUdp } from '../src/adapters/rtpengine/pcap-reader.js';
import { parseRtpPacket } from '../src/core/recordings/rtp-packet.js';
import { PCMA_TO_LINEAR } from '../src/core/recordings/g711.js';
import { processCpu } from './lib/proc-stat.js';
import { opusPacketSamples } from '../src/core/recordings/opus-toc.js';
import { oggPackets } from '../tests/helpers/ogg-reader.js';
import { rtpBytes, syntheticCall, writePcap, type PcapDatagram } from '../tests/helpers/pcap-writer.js';

const codecArg = process.argv.indexOf('--manager-codec');
const MANAGER_CODEC = codecArg > 0 ? process.argv[codecArg + 1] : undefined;
if (MANAGER_CODEC !== undefined && MANAGER_CODEC !== 'opus' && MANAGER_CODEC !== 'g722') throw new Error('--manager-codec is opus or g722');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const DURATIONS = [60, 300];
const FORMATS: RecordingFormat[] = ['wav', 'mp3', 'opus'];
const TARGET = 200;
const SPEECH_PCAP = '/usr/share/sip-tester/g711a.pcap';
const speech = !process.argv.includes('--noise') && existsSync(SPEECH_PCAP)
  ? Buffer.concat(readPcapUdp(SPEECH_PCAP).map((u) => parseRtpPacket(u.payload)).filter((p) => p.payloadType === 8).map((p) => p.payload))
  : undefined;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The call with the manager's PCMA (127.0.0.1:5000) re-encoded in `codec`, 20 ms per packet. */
function withManagerCodec(call: PcapDatagram[], codec: 'opus' | 'g722'): PcapDatagram[] {
  const manager = call.filter((d) => d.src === '127.0.0.1:5000');
  const pcm = Buffer.alloc(manager.length * 320);
  manager.forEach((d, i) => parseRtpPacket(d.payload).payload.forEach((b, k) => pcm.writeInt16LE(PCMA_TO_LINEAR[b]!, (i * 160 + k) * 2)));
  const args = codec === 'opus' ? ['-ar', '48000', '-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-frame_duration', '20', '-f', 'ogg'] : ['-ar', '16000', '-c:a', 'g722', '-f', 'g722'];
  const encoded = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', ...args, 'pipe:1'], { input: pcm, maxBuffer: 64 * 1024 * 1024 });
  const payloads = codec === 'opus' ? oggPackets(encoded).packets.slice(2) : Array.from({ length: Math.floor(encoded.length / 160) }, (_, i) => encoded.subarray(i * 160, i * 160 + 160));
  const others = call.filter((d) => d.src !== '127.0.0.1:5000');
  let ts = 900;
  const recoded = manager.slice(0, payloads.length).map((d, i) => {
    const payload = payloads[i]!;
    const packet = { ...d, payload: rtpBytes({ payloadType: codec === 'opus' ? 111 : 9, sequence: 60000 + i, timestamp: ts, ssrc: 0x2222, payload }) };
    ts += codec === 'opus' ? opusPacketSamples(payload)! : 160;
    return packet;
  });
  return [...others, ...recoded].sort((a, b) => a.at - b.at);
}

/** CPU ms of this process's exited (waited-for) children so far: cutime + cstime. */
function childrenCpuMs(): number {
  const cpu = processCpu('self');
  return (cpu.childrenUser + cpu.childrenSystem) * 1000;
}

/** The encoder's CPU ms for the plain PCM of the call -> format (the pipeline's own encoder and options). */
async function baselineCpuMs(pcm: Buffer, format: EncodedFormat, out: string): Promise<number> {
  const before = childrenCpuMs();
  await encodeFile(format, pcm, out);
  return childrenCpuMs() - before;
}

const dir = mkdtempSync(join(tmpdir(), 'leadline-bench-rec-'));
try {
  console.log(`input: ${speech ? `speech (${SPEECH_PCAP} looped)` : 'noise-like formula'}; manager side: ${MANAGER_CODEC ?? 'PCMA'}`);
  console.log(`recording conversion, median of ${RUNS} runs (after 1 warm-up), seconds of audio per CPU-second (target >= ${TARGET})`);
  // "programs": the encoder and any ffmpeg decoder, start-up included; "of it decoding": ffmpeg's own count for its decoding (start-up excluded).
  console.log('duration  format  ours ms  programs ms  of it decoding  total ms  audio s/CPU s  | baseline encoder ms  baseline s/CPU s  ours/baseline CPU');
  for (const seconds of DURATIONS) {
    const pcapPath = join(dir, `call-${seconds}.pcap`);
    const call = syntheticCall(seconds, undefined, speech);
    writePcap(pcapPath, MANAGER_CODEC ? withManagerCodec(call, MANAGER_CODEC) : call);
    const plainWav = join(dir, `plain-${seconds}.wav`);
    await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath: plainWav, format: 'wav' });
    const plainPcm = readFileSync(plainWav).subarray(44);
    for (const format of FORMATS) {
      const outPath = join(dir, `out-${seconds}.${format}`);
      await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath, format }); // warm-up (JIT, page cache)
      const ours: number[] = [];
      const programs: number[] = [];
      const decoder: number[] = [];
      let audio = 0;
      for (let i = 0; i < RUNS; i++) {
        const before = process.cpuUsage();
        const childrenBefore = childrenCpuMs();
        const r = await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath, format });
        const used = process.cpuUsage(before);
        ours.push((used.user + used.system) / 1000);
        programs.push(childrenCpuMs() - childrenBefore);
        decoder.push(r.decoderCpuMs);
        audio = r.durationSeconds;
      }
      const oursMs = median(ours);
      const programsMs = median(programs);
      const decMs = median(decoder);
      const total = oursMs + programsMs;
      let baseline = '';
      if (format !== 'wav') {
        const bases: number[] = [];
        for (let i = 0; i < RUNS; i++) bases.push(await baselineCpuMs(plainPcm, format, join(dir, `base-${seconds}.${format}`)));
        const base = median(bases);
        baseline = `| ${base.toFixed(0).padStart(19)}  ${(audio / (base / 1000)).toFixed(0).padStart(16)}  ${(total / base).toFixed(2).padStart(17)}x`;
      }
      const rate = audio / (total / 1000);
      console.log(
        `${String(seconds).padStart(6)} s  ${format.padEnd(6)}  ${oursMs.toFixed(1).padStart(7)}  ${programsMs.toFixed(0).padStart(11)}  ${decMs.toFixed(0).padStart(14)}  ${total.toFixed(0).padStart(8)}  ${rate.toFixed(0).padStart(13)}${rate >= TARGET ? ' ok' : ' BELOW'}  ${baseline}`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Load a SIP path with a sipp UAC (tests/sipp/uac-call-nomedia.xml) at a fixed rate and
// measure what the caller sees: calls/s achieved, failed calls, and INVITE->180
// (post-dial delay). sipp's own response times (-trace_rtt) have the resolution of its
// scheduler tick (4 ms on these machines: values come out as 0/4/8 ms), so the delay is
// computed from -trace_shortmsg instead: microsecond timestamps of the first INVITE sent
// and the first 180 received, per Call-ID.
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runSipp, type SippResult } from '../../tests/helpers/sipp.js';

export interface LoadOptions {
  proxy: string; // host:port the caller sends to
  callee: string; // -s
  localIp: string;
  localPort: number;
  mediaPort: number;
  rate: number; // calls per second
  durationS: number; // calls = rate * durationS (-m), so sipp stops by itself
  measureDelay: boolean; // -trace_shortmsg (costly at high rates: use for the delay runs)
  holdMs?: number; // -d: time between ACK and BYE (default 0)
  keepFiles?: boolean; // keep sipp's work directory (traces) for inspection
  /** The delay ends at the first 183 (early media: the caller hears a greeting), not at the 180. */
  untilEarlyMedia?: boolean;
}

export interface LoadResult {
  rate: number;
  durationS: number;
  attempted: number;
  successful: number;
  failed: number;
  achievedCps: number; // sipp's cumulative CallRate(C): created calls / elapsed time
  delaysMs: number[]; // INVITE -> 180 (or 183, untilEarlyMedia) per call (when measureDelay)
  finals: Map<number, number>; // final responses to INVITE received, by status code (when measureDelay)
  exitCode: number | null;
  timedOut: boolean;
  command: string;
  sipp: SippResult;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export const median = (xs: number[]): number => quantile([...xs].sort((a, b) => a - b), 0.5);

/**
 * Parses sipp's -trace_shortmsg file (tab separated: date, time, epoch, S|R, Call-ID, CSeq,
 * first line): per call, the first INVITE sent to the first `until` reply received.
 */
export function postDialDelays(text: string, until: '180' | '183' = '180'): number[] {
  const invite = new Map<string, number>();
  const ringing = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length < 7) continue;
    const [, , epoch, dir, callId, , first] = f as [string, string, string, string, string, string, string];
    const t = Number(epoch) * 1000;
    if (dir === 'S' && first.startsWith('INVITE ') && !invite.has(callId)) invite.set(callId, t);
    if (dir === 'R' && first.startsWith(`SIP/2.0 ${until}`) && !ringing.has(callId)) ringing.set(callId, t);
  }
  const out: number[] = [];
  for (const [callId, t0] of invite) {
    const t1 = ringing.get(callId);
    if (t1 !== undefined && t1 >= t0) out.push(t1 - t0);
  }
  return out;
}

/** Final (>= 200) responses to INVITE in a -trace_shortmsg file, counted by status code. */
export function inviteFinals(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length < 7 || f[3] !== 'R' || !f[5]?.includes('INVITE')) continue;
    const code = Number(/^SIP\/2\.0 (\d{3})/.exec(f[6] ?? '')?.[1]);
    if (code >= 200) out.set(code, (out.get(code) ?? 0) + 1);
  }
  return out;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const calls = Math.round(o.rate * o.durationS);
  const extraArgs = ['-max_recv_loops', '10000', '-max_sched_loops', '10000'];
  if (o.measureDelay) extraArgs.push('-trace_shortmsg', '-shortmessage_file', 'short.csv');
  const sipp = await runSipp({
    scenario: 'uac-call-nomedia.xml',
    remote: o.proxy,
    service: o.callee,
    localIp: o.localIp,
    localPort: o.localPort,
    mediaPort: o.mediaPort,
    rate: o.rate,
    calls,
    limit: Math.max(200, o.rate * 2),
    pauseMs: o.holdMs ?? 0,
    traceErr: false,
    extraArgs,
    timeoutMs: (o.durationS + 40) * 1000, // 35 s INVITE timeout in the scenario + margin
  });
  const stats = sipp.stats;
  const created = stats ? Number(stats.raw['OutgoingCall(C)'] ?? 0) : 0;
  const shortFile = join(sipp.workDir, 'short.csv');
  const trace = o.measureDelay && existsSync(shortFile) ? readFileSync(shortFile, 'utf8') : '';
  const delaysMs = postDialDelays(trace, o.untilEarlyMedia ? '183' : '180');
  const finals = inviteFinals(trace);
  if (!o.keepFiles) rmSync(sipp.workDir, { recursive: true, force: true });
  return {
    rate: o.rate,
    durationS: o.durationS,
    attempted: calls,
    successful: stats?.successful ?? 0,
    failed: stats ? stats.failed + Math.max(0, calls - created) : calls,
    achievedCps: Number(stats?.raw['CallRate(C)'] ?? 0),
    delaysMs,
    finals,
    exitCode: sipp.exitCode,
    timedOut: sipp.timedOut,
    command: sipp.command,
    sipp,
  };
}

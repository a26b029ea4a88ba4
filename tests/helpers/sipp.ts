// Run sipp (Debian sip-tester 3.6.1) as a child process for tests and benches.
// Every run gets its own work directory (sipp writes its trace files into its cwd),
// a hard timeout that kills the whole process group, and parsed results: exit code
// (0 all calls succeeded, 1 some failed, 97/99 internal/abnormal exit), cumulative
// statistics (-trace_stat), <log> lines (-trace_logs) and per-call response times
// (-trace_rtt -rtt_freq 1). sipp itself cannot count RTP packets: use startRtpCounter.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, isAbsolute, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'sipp');

export interface SippOptions {
  scenario: string; // file in tests/sipp, or an absolute path
  remote?: string; // host:port to send to (UAC); omit for a UAS
  localIp: string; // -i
  localPort: number; // -p
  mediaPort?: number; // -mp (sipp binds it and +2 in every mode)
  rtpEcho?: boolean; // -rtp_echo
  service?: string; // -s: callee user (UAC), AOR user (register)
  authUser?: string; // -au
  authPassword?: string; // -ap
  vars?: Record<string, string | number>; // -set NAME VALUE (scenario globals: caller, answer_delay, sdp_port, expires)
  calls?: number; // -m: stop after this many calls
  rate?: number; // -r calls per second
  limit?: number; // -l max simultaneous calls
  pauseMs?: number; // -d (default pause of <pause/>)
  durationS?: number; // -timeout Ns: sipp stops by itself after N s
  traceErr?: boolean; // -trace_err (errors.log)
  traceMsg?: boolean; // -trace_msg (messages.log)
  traceRtt?: boolean; // -trace_rtt -rtt_freq 1 (one line per call)
  extraArgs?: string[];
  timeoutMs: number; // hard limit: the process group is killed after it
  workDir?: string;
}

export interface SippStats {
  successful: number;
  failed: number;
  created: number;
  raw: Record<string, string>; // last row of the -trace_stat CSV, by column name
}

export interface SippResult {
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string; // last 64 KiB
  stderr: string;
  workDir: string;
  stats: SippStats | null;
  logLines: string[]; // <log message=...> lines
  rtt: Map<number, number[]>; // rtd number -> response times in ms, one per call
  errors: string; // -trace_err content
}

export interface SippRun {
  pid: number;
  command: string;
  done: Promise<SippResult>;
  stop(): Promise<SippResult>; // SIGTERM to the group, SIGKILL 2 s later
}

const tail = (s: string, max = 65536): string => (s.length > max ? s.slice(-max) : s);

export function sippArgs(o: SippOptions): string[] {
  const a: string[] = [];
  if (o.remote) a.push(o.remote);
  a.push('-sf', isAbsolute(o.scenario) ? o.scenario : join(SCENARIO_DIR, o.scenario));
  a.push('-i', o.localIp, '-p', String(o.localPort), '-nostdin', '-trace_stat', '-stf', 'stat.csv', '-fd', '1');
  a.push('-trace_logs', '-log_file', 'logs.log');
  if (o.mediaPort !== undefined) a.push('-mp', String(o.mediaPort));
  if (o.rtpEcho) a.push('-rtp_echo');
  if (o.service !== undefined) a.push('-s', o.service);
  if (o.authUser !== undefined) a.push('-au', o.authUser);
  if (o.authPassword !== undefined) a.push('-ap', o.authPassword);
  for (const [k, v] of Object.entries(o.vars ?? {})) a.push('-set', k, String(v));
  if (o.calls !== undefined) a.push('-m', String(o.calls));
  if (o.rate !== undefined) a.push('-r', String(o.rate));
  if (o.limit !== undefined) a.push('-l', String(o.limit));
  if (o.pauseMs !== undefined) a.push('-d', String(o.pauseMs));
  if (o.durationS !== undefined) a.push('-timeout', `${o.durationS}s`);
  if (o.traceErr) a.push('-trace_err', '-error_file', 'errors.log');
  if (o.traceMsg) a.push('-trace_msg', '-message_file', 'messages.log');
  if (o.traceRtt) a.push('-trace_rtt', '-rtt_freq', '1');
  return a.concat(o.extraArgs ?? []);
}

const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '');

export function parseStatCsv(text: string): SippStats | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.split(';');
  const last = lines.length > 1 ? lines[lines.length - 1]?.split(';') : undefined;
  if (!header || !last) return null;
  const raw: Record<string, string> = {};
  header.forEach((h, i) => (raw[h] = last[i] ?? ''));
  const n = (k: string): number => Number(raw[k] ?? 'NaN');
  return { successful: n('SuccessfulCall(C)'), failed: n('FailedCall(C)'), created: n('OutgoingCall(C)') + n('IncomingCall(C)'), raw };
}

/** *_rtt.csv lines: "Date_ms;response_time_ms;rtd_no". Note: whole milliseconds only. */
export function parseRttCsv(text: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const line of text.split('\n').slice(1)) {
    const [, ms, rtd] = line.split(';');
    if (ms === undefined || rtd === undefined) continue;
    const list = out.get(Number(rtd)) ?? [];
    list.push(Number(ms));
    out.set(Number(rtd), list);
  }
  return out;
}

function collect(workDir: string): Pick<SippResult, 'stats' | 'logLines' | 'rtt' | 'errors'> {
  const rttFile = readdirSync(workDir).find((f) => f.endsWith('_rtt.csv'));
  return {
    stats: parseStatCsv(read(join(workDir, 'stat.csv'))),
    logLines: read(join(workDir, 'logs.log')).split('\n').filter((l) => l.trim() !== ''),
    rtt: rttFile ? parseRttCsv(read(join(workDir, rttFile))) : new Map(),
    errors: read(join(workDir, 'errors.log')),
  };
}

export function startSipp(o: SippOptions): SippRun {
  const workDir = o.workDir ?? mkdtempSync(join(tmpdir(), 'sipp-'));
  const args = sippArgs(o);
  const command = `cd ${workDir} && sipp ${args.join(' ')}`;
  const child = spawn('sipp', args, { cwd: workDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout.on('data', (d: Buffer) => (stdout = tail(stdout + d.toString())));
  child.stderr.on('data', (d: Buffer) => (stderr = tail(stderr + d.toString())));
  const killGroup = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGKILL');
  }, o.timeoutMs);
  const done = new Promise<SippResult>((resolve) => {
    child.on('error', (err) => (stderr += `\nspawn error: ${err.message}`));
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ command, exitCode, signal, timedOut, stdout, stderr, workDir, ...collect(workDir) });
    });
  });
  const stop = async (): Promise<SippResult> => {
    killGroup('SIGTERM');
    const t = setTimeout(() => killGroup('SIGKILL'), 2000);
    const r = await done;
    clearTimeout(t);
    return r;
  };
  return { pid: child.pid ?? -1, command, done, stop };
}

export const runSipp = (o: SippOptions): Promise<SippResult> => startSipp(o).done;

/** Resolves once ip:port can be bound for UDP again (sipp may hold it briefly after exit). */
export async function waitForPortFree(port: number, ip = '127.0.0.1', timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, ip, () => s.close(() => resolve(true)));
    });
    if (free) return;
    if (Date.now() > until) throw new Error(`UDP ${ip}:${port} still in use after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RtpCounter {
  packets: number;
  bytes: number;
  payloadTypes: Map<number, number>;
  close(): Promise<void>;
}

/** A UDP endpoint that counts (and optionally echoes) RTP; point a UAS SDP at it with -set sdp_port. */
export async function startRtpCounter(ip: string, port: number, echo = true): Promise<RtpCounter> {
  const s = createSocket('udp4');
  const c: RtpCounter = { packets: 0, bytes: 0, payloadTypes: new Map(), close: () => new Promise((r) => s.close(() => r())) };
  s.on('message', (msg, rinfo) => {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return; // not RTP v2
    c.packets++;
    c.bytes += msg.length;
    const pt = msg[1]! & 0x7f;
    c.payloadTypes.set(pt, (c.payloadTypes.get(pt) ?? 0) + 1);
    if (echo) s.send(msg, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, ip, () => resolve());
  });
  return c;
}

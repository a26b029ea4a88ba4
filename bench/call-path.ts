// Call-path benchmark: what a caller sees through each system under test, measured in
// the same run on the same machine (2 cores: results are ratios, not absolutes).
//   (a) post-dial delay: INVITE -> 180 at the caller, 100 calls/s for 10 s, 3 runs after an
//       uncounted 3 s warm-up;
//       median of the run medians, and p99 over all calls
//   (b) capacity: rising call rates for 8 s each, a step passes with 0 failed calls and
//       at least 95 % of the target rate achieved; the highest passing step is reported
// Targets: "kamailio-alone" (bench/kamailio-relay-only.cfg.tpl: record_route + t_relay to a
// sipp UAS, the floor), "kamailio-same-modules-static" (Leadline's own Kamailio config with a
// fixed routing rule instead of the service: bench/static-decision-target.ts, the fair
// baseline), "leadline" (the service as npm start runs it, recordings on: the default),
// "leadline-recordings-off" and "leadline-greeting" (recordings on, and the line plays a
// 0.5 s greeting as early media before the first ring: its delay is INVITE->183, the
// moment the caller hears the company). Run: npx tsx bench/call-path.ts
// Options: --quick (1 delay run, steps 500 and 1000), --steps 500,1000,... (capacity steps)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate, startKamailio } from './lib/kamailio.js';
import { median, quantile, runLoad, type LoadResult } from './lib/sipp-load.js';
import { startSipp, waitForPortFree } from '../tests/helpers/sipp.js';
import { leadline } from './leadline-target.js';
import { staticDecision } from './static-decision-target.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface RunningTarget {
  proxy: string; // host:port where the caller sends INVITEs
  callee: string; // user part the caller dials (-s)
  stop(): Promise<void>;
}

export interface Target {
  name: string;
  capacity?: boolean; // false: post-dial delay only
  ratedCps?: number; // with it: 8 s at twice this rate, then 8 s at this rate again
  earlyMedia?: boolean; // the caller hears early media (a greeting): its delay is INVITE->183
  callSeconds?: number; // how long each call lasts (a greeting): sipp's achieved rate counts the last calls' tail
  start(): Promise<RunningTarget>;
}

function startUas(name: string, uas: { ip: string; port: number; media: number }) {
  const phone = startSipp({ scenario: 'uas-answer-echo.xml', localIp: uas.ip, localPort: uas.port, mediaPort: uas.media, extraArgs: ['-max_recv_loops', '10000', '-max_sched_loops', '10000'], timeoutMs: 30 * 60 * 1000 });
  console.log(`  [${name}] UAS: ${phone.command}`);
  return phone;
}

/** Reference floor: caller straight to the sipp UAS, no proxy (sipp's own share of the delay). */
export function direct(): Target {
  const uas = { ip: '127.0.0.4', port: 25080, media: 26000 };
  return {
    name: 'sipp-direct (no proxy)',
    capacity: false,
    async start() {
      await waitForPortFree(uas.port, uas.ip);
      const phone = startUas(this.name, uas);
      await new Promise((r) => setTimeout(r, 500));
      return { proxy: `${uas.ip}:${uas.port}`, callee: '2000', stop: async () => void (await phone.stop()) };
    },
  };
}

/** Kamailio alone: stateful relay with Record-Route to a sipp UAS that answers at once. */
export function kamailioAlone(): Target {
  const sip = { ip: '127.0.0.1', port: 25060 };
  const uas = { ip: '127.0.0.4', port: 25080, media: 26000 };
  return {
    name: 'kamailio-alone',
    async start() {
      const tpl = readFileSync(join(HERE, 'kamailio-relay-only.cfg.tpl'), 'utf8');
      const config = renderTemplate(tpl, { LISTEN_IP: sip.ip, LISTEN_PORT: sip.port, DEST: `${uas.ip}:${uas.port}`, CHILDREN: 4 });
      const kamailio = await startKamailio({ config, listenIp: sip.ip, listenPort: sip.port, shmMb: 1024, pkgMb: 8 });
      await waitForPortFree(uas.port, uas.ip);
      console.log(`  [${this.name}] ${kamailio.command}`);
      const phone = startUas(this.name, uas);
      await new Promise((r) => setTimeout(r, 500));
      return {
        proxy: `${sip.ip}:${sip.port}`,
        callee: '2000',
        async stop() {
          await phone.stop();
          await kamailio.stop();
        },
      };
    },
  };
}

interface TargetReport {
  name: string;
  delayMedianMs: number;
  delayP99Ms: number;
  delayRuns: number[];
  delayFailed: number;
  capacityCps: number; // highest passing step, 0 if none
  steps: { rate: number; achieved: number; failed: number; pass: boolean }[];
  overload?: { rated: number; offered: number; rejected503: number; timedOut: number; otherFailures: number; recoveredFailed: number };
}

/** Twice the rated rate: the excess must get a fast 503, not time out; then the rated rate must pass again at once. */
async function overload(running: RunningTarget, rated: number): Promise<NonNullable<TargetReport['overload']>> {
  await pause(2000);
  await waitForPortFree(CALLER.localPort, CALLER.localIp);
  // measureDelay also traces every message, which is how the final codes are counted
  const over = await runLoad({ ...CALLER, proxy: running.proxy, callee: running.callee, rate: rated * 2, durationS: 8, measureDelay: true });
  printCommand(over);
  const raw = over.sipp.stats?.raw ?? {};
  const n = (k: string) => Number(raw[`${k}(C)`] ?? 0);
  const timedOut = n('FailedMaxUDPRetrans') + n('FailedCallTimeout') + n('FailedTimeoutOnRecv') + n('FailedTimeoutOnSend');
  const refused503 = over.finals.get(503) ?? 0;
  await waitForPortFree(CALLER.localPort, CALLER.localIp);
  const again = await runLoad({ ...CALLER, proxy: running.proxy, callee: running.callee, rate: rated, durationS: 8, measureDelay: false });
  const result = { rated, offered: over.attempted, rejected503: refused503, timedOut, otherFailures: over.failed - refused503 - timedOut, recoveredFailed: again.failed };
  const finals = [...over.finals].sort(([a], [b]) => a - b).map(([code, count]) => `${code}: ${count}`).join(', ');
  console.log(`  overload ${rated * 2} calls/s: ${over.attempted} offered, ${over.successful} completed, ${timedOut} timed out; finals received ${finals}${failureKinds(over)}`);
  console.log(`  right after, ${rated} calls/s: achieved ${fmt(again.achievedCps, 0)}/s, failed ${again.failed}${failureKinds(again)}`);
  return result;
}

const CALLER = { localIp: '127.0.0.5', localPort: 25070, mediaPort: 27000 };
const STEP_SECONDS = 8;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** sipp's non-zero Failed* counters, e.g. " [FailedUnexpectedMessage 12, FailedMaxUDPRetrans 3]". */
function failureKinds(r: LoadResult): string {
  const raw = r.sipp.stats?.raw ?? {};
  const kinds = Object.entries(raw)
    .filter(([k, v]) => k.startsWith('Failed') && k.endsWith('(C)') && k !== 'FailedCall(C)' && Number(v) > 0)
    .map(([k, v]) => `${k.replace('(C)', '')} ${v}`);
  return kinds.length > 0 ? ` [${kinds.join(', ')}]` : '';
}

function printCommand(r: LoadResult): void {
  console.log(`    $ ${r.command}`);
}

async function measure(target: Target, delayRuns: number, steps: number[]): Promise<TargetReport> {
  console.log(`\n== ${target.name}`);
  const running = await target.start();
  const report: TargetReport = { name: target.name, delayMedianMs: NaN, delayP99Ms: NaN, delayRuns: [], delayFailed: 0, capacityCps: 0, steps: [] };
  try {
    // Not counted: JIT, connection pools and caches settle in the first seconds.
    await waitForPortFree(CALLER.localPort, CALLER.localIp);
    await runLoad({ ...CALLER, proxy: running.proxy, callee: running.callee, rate: 100, durationS: 3, measureDelay: false });
    const all: number[] = [];
    for (let i = 0; i < delayRuns; i++) {
      await waitForPortFree(CALLER.localPort, CALLER.localIp);
      const r = await runLoad({ ...CALLER, proxy: running.proxy, callee: running.callee, rate: 100, durationS: 10, measureDelay: true, untilEarlyMedia: target.earlyMedia });
      if (i === 0) printCommand(r);
      const m = median(r.delaysMs);
      report.delayRuns.push(m);
      report.delayFailed += r.failed;
      all.push(...r.delaysMs);
      console.log(`  delay run ${i + 1}: ${r.delaysMs.length} calls, median ${fmt(m, 3)} ms, p99 ${fmt(quantile([...r.delaysMs].sort((a, b) => a - b), 0.99), 3)} ms, failed ${r.failed}`);
    }
    report.delayMedianMs = median(report.delayRuns);
    report.delayP99Ms = quantile(all.sort((a, b) => a - b), 0.99);
    for (const rate of target.capacity === false ? [] : steps) {
      await pause(2000); // let retransmissions and timers of the previous step drain
      await waitForPortFree(CALLER.localPort, CALLER.localIp);
      const r = await runLoad({ ...CALLER, proxy: running.proxy, callee: running.callee, rate, durationS: STEP_SECONDS, measureDelay: false });
      printCommand(r);
      // sipp's achieved rate is calls created over its whole run, the last calls' length included.
      const tail = STEP_SECONDS / (STEP_SECONDS + (target.callSeconds ?? 0));
      const pass = r.failed === 0 && !r.timedOut && r.achievedCps >= 0.95 * rate * tail;
      report.steps.push({ rate, achieved: r.achievedCps, failed: r.failed, pass });
      console.log(`  capacity ${rate} calls/s: achieved ${fmt(r.achievedCps, 0)}/s, failed ${r.failed}${r.timedOut ? ' (timed out)' : ''}${failureKinds(r)} -> ${pass ? 'pass' : 'FAIL'}`);
      if (!pass) break;
      report.capacityCps = rate;
    }
    if (target.ratedCps) report.overload = await overload(running, target.ratedCps);
  } finally {
    await running.stop();
  }
  return report;
}

function printTable(reports: TargetReport[]): void {
  const base = reports.find((r) => r.name === 'kamailio-alone');
  const floor = reports.find((r) => r.capacityCps === 0 && r.steps.length === 0);
  console.log('\n| target | INVITE->180 (->183 with a greeting) median (ms) | p99 (ms) | run medians (ms) | failed (delay runs) | capacity, 0 failed (calls/s) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of reports) {
    const cap = r.steps.length === 0 ? 'not measured' : r.capacityCps || 'none passed';
    console.log(`| ${r.name} | ${fmt(r.delayMedianMs, 3)} | ${fmt(r.delayP99Ms, 3)} | ${r.delayRuns.map((x) => fmt(x, 3)).join(', ')} | ${r.delayFailed} | ${cap} |`);
  }
  for (const r of reports.filter((x) => x.overload)) {
    const o = r.overload!;
    console.log(`\n${r.name} at twice its rated ${o.rated} calls/s: ${o.offered} offered, ${o.rejected503} refused at once (503), ${o.timedOut} timed out, ${o.otherFailures} other failures; the rated rate right after: ${o.recoveredFailed} failed`);
  }
  if (base && floor) console.log(`\nKamailio alone adds ${fmt(base.delayMedianMs - floor.delayMedianMs, 3)} ms to INVITE->180 (vs ${floor.name})`);
  if (base) {
    for (const r of reports.filter((x) => x !== base && x !== floor)) {
      console.log(`\n${r.name} vs ${base.name}: delay +${fmt(r.delayMedianMs - base.delayMedianMs, 3)} ms (x${fmt(r.delayMedianMs / base.delayMedianMs)}), capacity x${fmt(r.capacityCps / base.capacityCps)}`);
    }
  }
  compare(reports, 'leadline', 'leadline-recordings-off', 'recordings on vs off (goal: p99 at most x1.25, capacity at least x0.9)');
  compare(reports, 'leadline', 'kamailio-same-modules-static', 'Leadline vs the same modules with a static decision (goal: capacity at least x0.8, at most +1 ms median and +3 ms p99)');
  compare(reports, 'leadline-greeting', 'leadline', 'a greeting (183, then rtpengine plays it) vs none, recordings on (issue 15: the speed goals hold with greetings on)');
  compare(reports, 'leadline-greeting', 'leadline-recordings-off', 'a greeting vs recordings off (goal: p99 at most x1.25, capacity at least x0.9)');
}

/** One line comparing two targets of this run, when both were measured. */
function compare(reports: TargetReport[], name: string, baseName: string, title: string): void {
  const r = reports.find((x) => x.name === name);
  const b = reports.find((x) => x.name === baseName);
  if (!r || !b) return;
  console.log(`\n${title}:\n  median +${fmt(r.delayMedianMs - b.delayMedianMs, 3)} ms, p99 +${fmt(r.delayP99Ms - b.delayP99Ms, 3)} ms (x${fmt(r.delayP99Ms / b.delayP99Ms)}), capacity x${fmt(r.capacityCps / b.capacityCps)}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const stepsArg = argv[argv.indexOf('--steps') + 1];
  const steps = argv.includes('--steps') && stepsArg ? stepsArg.split(',').map(Number) : quick ? [300, 500, 1000] : [300, 400, 500, 750, 1000, 1250, 1500];
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1]?.split(',') : undefined;
  const ratedArg = argv[argv.indexOf('--rated') + 1];
  const rated = argv.includes('--rated') && ratedArg ? Number(ratedArg) : 300;
  // The admission limit sits 10 % above the rated rate: a sipp at exactly the rated rate
  // is not even within each one-second window, and tail drop would refuse its peaks.
  const limit = Math.round(rated * 1.1);
  const targets: Target[] = [
    direct(),
    kamailioAlone(),
    staticDecision(CALLER, { maxCallsPerSecond: limit }),
    leadline(CALLER, { ratedCps: rated, maxCallsPerSecond: limit }),
    leadline(CALLER, { maxCallsPerSecond: limit, recordings: false }),
    leadline(CALLER, { maxCallsPerSecond: limit, greeting: 'default/en/beep.wav' }),
  ].filter((t) => !only || only.includes(t.name));
  const started = Date.now();
  const reports: TargetReport[] = [];
  for (const t of targets) reports.push(await measure(t, quick ? 1 : 3, steps));
  printTable(reports);
  console.log(`\nbench took ${fmt((Date.now() - started) / 1000, 0)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

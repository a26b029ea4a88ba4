// CPU Kamailio spends per call on building its route request as real JSON (jansson),
// against string concatenation with {s.escape.common} (the baseline it replaced) and
// against building nothing, measured in the same run.
// Run: npx tsx bench/kamailio-cpu-per-call.ts [--calls 3000] [--rate 300] [--runs 3]
// Each run starts one Kamailio per variant (bench/kamailio-json-events.cfg.tpl), sends
// --calls INVITEs at --rate with sipp (uac-call-expect-failure.xml: each gets a 480), and
// reads the user+system CPU of all of Kamailio's processes from /proc before and after.
// Variants alternate within a run so machine noise hits all of them. Prints, per variant,
// the median over runs of CPU microseconds per call, and the differences to the baseline.
// /proc counts CPU in 10 ms ticks: keep calls x cost well above that (3000 calls do).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate, startKamailio } from './lib/kamailio.js';
import { numberArg } from './lib/args.js';
import { processCpu, type ProcessCpu } from './lib/proc-stat.js';
import { median } from './lib/sipp-load.js';
import { runSipp } from '../tests/helpers/sipp.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const LISTEN = { ip: '127.0.0.1', port: 25060 };
const CALLER = { ip: '127.0.0.2', port: 25600, media: 25700 };
const VARIANTS = { none: 'route(EVENT_NONE);', escape: 'route(EVENT_ESCAPE);', jansson: 'route(EVENT_JANSSON);' } as const;
type Variant = keyof typeof VARIANTS;

const calls = numberArg('--calls', 3000);
const rate = numberArg('--rate', 300);
const runs = numberArg('--runs', 3);

/** utime + stime, in microseconds, of every process in the process group `pgid`. */
function groupCpuUs(pgid: number): number {
  let seconds = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cpu: ProcessCpu;
    try {
      cpu = processCpu(Number(entry));
    } catch {
      continue; // gone meanwhile
    }
    if (cpu.pgrp === pgid) seconds += cpu.user + cpu.system;
  }
  return seconds * 1_000_000;
}

async function cpuPerCall(variant: Variant): Promise<number> {
  const template = readFileSync(join(HERE, 'kamailio-json-events.cfg.tpl'), 'utf8');
  const config = renderTemplate(template, { LISTEN_IP: LISTEN.ip, LISTEN_PORT: LISTEN.port, CHILDREN: 4, BUILD: VARIANTS[variant] });
  const kamailio = await startKamailio({ config, listenIp: LISTEN.ip, listenPort: LISTEN.port });
  try {
    const before = groupCpuUs(kamailio.pid);
    const result = await runSipp({
      scenario: 'uac-call-expect-failure.xml',
      remote: `${LISTEN.ip}:${LISTEN.port}`,
      localIp: CALLER.ip,
      localPort: CALLER.port,
      mediaPort: CALLER.media,
      service: '+74951234567',
      calls,
      rate,
      timeoutMs: (calls / rate) * 1000 + 30_000,
    });
    const answered = result.logLines.filter((l) => l.includes('final=480')).length;
    if (answered !== calls) throw new Error(`${variant}: ${answered} of ${calls} calls got their 480`);
    return (groupCpuUs(kamailio.pid) - before) / calls;
  } finally {
    await kamailio.stop();
  }
}

const samples: Record<Variant, number[]> = { none: [], escape: [], jansson: [] };
for (let run = 1; run <= runs; run++) {
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const us = await cpuPerCall(variant);
    samples[variant].push(us);
    console.log(`run ${run} ${variant.padEnd(8)} ${us.toFixed(1)} us CPU per call`);
  }
}
const med = (v: Variant) => median(samples[v]);
console.log(`\n${calls} calls at ${rate}/s, ${runs} runs, medians (CPU of all Kamailio processes per call):`);
for (const v of Object.keys(VARIANTS) as Variant[]) console.log(`  ${v.padEnd(8)} ${med(v).toFixed(1)} us`);
console.log(`  jansson - escape: ${(med('jansson') - med('escape')).toFixed(1)} us per call; jansson / escape: ${(med('jansson') / med('escape')).toFixed(2)}`);
console.log(`  building the JSON: escape ${(med('escape') - med('none')).toFixed(1)} us, jansson ${(med('jansson') - med('none')).toFixed(1)} us`);

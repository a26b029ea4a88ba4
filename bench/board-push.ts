// Live-board push benchmark: how soon every open console sees a manager's change.
// Run: npx tsx bench/board-push.ts            (about 1 min)
//      npx tsx bench/board-push.ts --quick    (about 20 s)
//
// The real services (composeServices over the Redis stores with their in-memory mirrors,
// as bench/routing-decision.ts sets them up, 30 managers), the real HTTP app listening on
// loopback, and N clients in this process. A change is a pause or unpause of a manager
// through the routing console (a Lua script in Redis), timed from just before the call
// until each client holds a board showing the new status.
//   push:     N clients on GET /api/board/events (Server-Sent Events), the console's way;
//   baseline: N clients polling GET /api/managers once a second, what a board without push
//             would do, measured in the same run with the same changes.
// Per N (1, 50, 200 by default): p50 / p95 / max of the latency over every client and
// change (20 changes, 1.5 to 2.5 s apart, at random points of the board's 250 ms tick), and the ratio push / polling at p50.
import { performance } from 'node:perf_hooks';
import type { BoardSnapshot } from '../src/core/board/live-board.js';
import { buildApp } from '../src/adapters/http/app.js';
import { startHttpServer } from '../src/adapters/http/server.js';
import { engine, parseOptions, setUp, tearDown } from './routing-decision.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const CLIENTS = quick ? [1, 50] : [1, 50, 200];
const CHANGES = quick ? 8 : 20;
const GAP_MS = 1500;
const TOKEN = 'bench-token-0123456789';

type Status = string;
/** A client's view: the status of the watched manager, and who is waiting for which status. */
interface Watcher {
  status: Status | null;
  waiting: { want: Status; since: number; done: (ms: number) => void } | null;
  close(): void;
}

function see(w: Watcher, status: Status): void {
  w.status = status;
  if (w.waiting && w.waiting.want === status) {
    const { since, done } = w.waiting;
    w.waiting = null;
    done(performance.now() - since);
  }
}

async function sseWatcher(url: string, extension: string): Promise<Watcher> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/board/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
  const w: Watcher = { status: null, waiting: null, close: () => controller.abort() };
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const board = JSON.parse(data.slice(6)) as BoardSnapshot;
          see(w, board.managers.find((m) => m.extension === extension)!.status);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return w;
}

function pollingWatcher(url: string, extension: string, everyMs: number): Watcher {
  const w: Watcher = { status: null, waiting: null, close: () => clearInterval(timer) };
  const poll = async () => {
    const body = (await (await fetch(`${url}/api/managers`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { managers: { extension: string; status: string }[] };
    see(w, body.managers.find((m) => m.extension === extension)!.status);
  };
  // Spread over the second, as independent browsers would be.
  const timer = setInterval(() => void poll(), everyMs);
  setTimeout(() => void poll(), Math.random() * everyMs);
  return w;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function measure(watchers: Watcher[], change: (i: number) => Promise<Status>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const since = performance.now();
    const seen = Promise.all(
      watchers.map((w) => new Promise<void>((resolve) => (w.waiting = { want: i % 2 === 0 ? 'paused' : 'available', since, done: (ms) => (latencies.push(ms), resolve()) }))),
    );
    const status = await change(i);
    if (status !== (i % 2 === 0 ? 'paused' : 'available')) throw new Error(`unexpected status ${status}`);
    await Promise.race([seen, new Promise((r) => setTimeout(r, 10_000))]);
    // A random part, so changes fall anywhere between two of the board's ticks.
    await new Promise((r) => setTimeout(r, GAP_MS + Math.random() * 1000));
  }
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const b = await setUp({ ...parseOptions([]), managers: 30 });
  const system = engine(b, 'round-robin');
  const services = system.services;
  services.start();
  const app = buildApp({ config: { ...b.config, http: { ...b.config.http, port: 0 } }, callStore: { saveCalls: async () => {}, listCalls: async () => ({ items: [], total: 0 }), getCall: async () => null, hasCall: async () => false }, health: [], routing: services.console, board: services.board, rateLimitPerMinute: 1_000_000 });
  const url = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  const extension = b.extensions[0]!;
  const change = async (i: number) => (i % 2 === 0 ? services.console.pause(extension, 'bench') : services.console.unpause(extension)).then((v) => v.status);
  const fmt = (ms: number) => ms.toFixed(1).padStart(7);
  console.log(`changes per run: ${CHANGES}, ${GAP_MS} to ${GAP_MS + 1000} ms apart; latency = change requested -> client holds the new status (ms)\n`);
  console.log('clients | push p50     p95     max | polling 1 s p50     p95     max | push/polling p50');
  try {
    for (const n of CLIENTS) {
      const sse = await Promise.all(Array.from({ length: n }, () => sseWatcher(url, extension)));
      await new Promise((r) => setTimeout(r, 500));
      const push = await measure(sse, change);
      sse.forEach((w) => w.close());
      const polled = Array.from({ length: n }, () => pollingWatcher(url, extension, 1000));
      await new Promise((r) => setTimeout(r, 1200));
      const poll = await measure(polled, change);
      polled.forEach((w) => w.close());
      const row = (l: number[]) => `${fmt(percentile(l, 0.5))} ${fmt(percentile(l, 0.95))} ${fmt(l[l.length - 1]!)}`;
      console.log(`${String(n).padStart(7)} | ${row(push)} | ${row(poll)}         | ${(percentile(push, 0.5) / percentile(poll, 0.5)).toFixed(2)}`);
    }
  } finally {
    await app.close();
    await services.stop();
    await tearDown(b);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

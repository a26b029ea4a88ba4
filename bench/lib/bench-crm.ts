import { createServer, type Server } from 'node:http';

/**
 * The CRM a bench's Leadline posts its webhooks to: a local HTTP server that answers
 * 200 at once and counts what it receives by event type. The benches run the default
 * configuration, webhooks on: without an endpoint the router would skip the outbox
 * (a PostgreSQL row and a queued job per event), and the figures would flatter it.
 */
export const BENCH_CRM = { host: '127.0.0.1', port: 26090 };

/** The signed endpoint benchConfig gives every bench service (a fixed throwaway secret). */
export const BENCH_CRM_WEBHOOK = {
  kind: 'generic',
  name: 'bench-crm',
  url: `http://${BENCH_CRM.host}:${BENCH_CRM.port}/leadline`,
  secret: 'whsec_YmVuY2gtY3JtLXNpZ25pbmcta2V5LTAxMjM0NTY3ODk=',
};

let server: Server | null = null;
const received = new Map<string, number>();

/** Starts the receiver once per bench process (a service restarted mid-bench keeps it). */
export async function startBenchCrm(): Promise<void> {
  if (server) return;
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let type = 'unreadable';
      try {
        type = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: unknown }).type ?? 'untyped');
      } catch {
        // counted as unreadable: the bench reports it
      }
      received.set(type, (received.get(type) ?? 0) + 1);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(BENCH_CRM.port, BENCH_CRM.host, () => resolve());
  });
  server = s;
}

/** What arrived so far, e.g. "3000 (call.started 1000, call.ended 1000, ...)". */
export function benchCrmReceived(): string {
  const total = [...received.values()].reduce((a, b) => a + b, 0);
  return `${total} (${[...received].map(([type, n]) => `${type} ${n}`).join(', ') || 'none'})`;
}

export async function stopBenchCrm(): Promise<void> {
  const s = server;
  server = null;
  received.clear();
  if (s) await new Promise((r) => s.close(r));
}

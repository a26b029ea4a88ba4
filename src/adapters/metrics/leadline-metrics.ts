import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';

/**
 * Every Prometheus metric of the service, in one registry of its own (not prom-client's
 * global one, so tests and several apps in one process do not share counts).
 * Counters move at domain events (domain-event-metrics.ts) and at the router's seam;
 * gauges ask their source when Prometheus scrapes, so they cost nothing between scrapes.
 */

/** What the gauges read at scrape time; each is optional (a feature that is off has none). */
export interface GaugeSources {
  /** Managers' live statuses (available, ringing, on-call, paused, offline ...). */
  managerStatuses?: () => Promise<string[]>;
  /** Calls waiting for a free manager, per scenario. */
  waitingCalls?: () => Promise<{ scenario: string; calls: number }[]>;
  /** Webhook deliveries in the delivery log by endpoint and status (delivered, pending, failed, dead). */
  webhookDeliveries?: () => Promise<{ endpoint: string; status: string; count: number }[]>;
  /** Recordings in the index by status (pending is the conversion backlog). */
  recordings?: () => Promise<{ status: string; count: number }[]>;
  /** Jobs not yet finished in the BullMQ queues (webhooks, recordings). */
  queueDepths?: () => Promise<{ queue: string; jobs: number }[]>;
}

export interface LeadlineMetrics {
  readonly registry: Registry;
  readonly calls: Counter<'direction' | 'disposition'>;
  readonly ringAttempts: Counter<'result'>;
  readonly ringMisses: Counter;
  readonly autoPauses: Counter;
  readonly recordingsReady: Counter;
  readonly routingDecisionSeconds: Histogram<'action'>;
}

export function createLeadlineMetrics(sources: GaugeSources, log: Logger): LeadlineMetrics {
  const registry = new Registry();
  // Event-loop lag, heap, GC, CPU, open handles: prom-client's standard process metrics.
  collectDefaultMetrics({ register: registry, prefix: 'leadline_' });

  const calls = new Counter({
    name: 'leadline_calls_total',
    help: 'Calls ended, by direction and disposition (answered, busy, no-answer, missed, failed, cancelled)',
    labelNames: ['direction', 'disposition'] as const,
    registers: [registry],
  });
  const ringAttempts = new Counter({
    name: 'leadline_ring_attempts_total',
    help: "Managers' phones rung, by how the attempt ended",
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const ringMisses = new Counter({ name: 'leadline_ring_misses_total', help: 'Ring attempts a manager let ring out (no answer)', registers: [registry] });
  const autoPauses = new Counter({ name: 'leadline_manager_auto_pauses_total', help: 'Managers paused after too many misses in a row', registers: [registry] });
  const recordingsReady = new Counter({ name: 'leadline_recordings_ready_total', help: 'Recordings stored and verified', registers: [registry] });
  const routingDecisionSeconds = new Histogram({
    name: 'leadline_routing_decision_seconds',
    help: 'Time to decide where a new call goes (route, wait or reject), from the request to the answer',
    labelNames: ['action'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });

  // A source that fails leaves its gauge empty for this scrape rather than failing the whole scrape.
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], read: ((g: Gauge<L>) => Promise<void>) | undefined) => {
    if (!read) return;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        await read(this).catch((err: unknown) => log.warn({ err, metric: name }, 'metric source failed; the gauge is empty for this scrape'));
      },
    });
  };

  const { managerStatuses, waitingCalls, webhookDeliveries, recordings, queueDepths } = sources;
  gauge('leadline_managers', 'Managers by live status', ['status'], managerStatuses && (async (g) => {
    const counts = new Map<string, number>();
    for (const s of await managerStatuses()) counts.set(s, (counts.get(s) ?? 0) + 1);
    for (const [status, n] of counts) g.set({ status }, n);
  }));
  gauge('leadline_waiting_calls', 'Calls waiting in line for a free manager, by scenario', ['scenario'], waitingCalls && (async (g) => {
    for (const w of await waitingCalls()) g.set({ scenario: w.scenario }, w.calls);
  }));
  gauge('leadline_webhook_deliveries', 'Webhook deliveries in the delivery log, by endpoint and status (dead = dead letters)', ['endpoint', 'status'], webhookDeliveries && (async (g) => {
    for (const d of await webhookDeliveries()) g.set({ endpoint: d.endpoint, status: d.status }, d.count);
  }));
  gauge('leadline_recordings', 'Recordings in the index, by status (pending = conversion backlog)', ['status'], recordings && (async (g) => {
    for (const r of await recordings()) g.set({ status: r.status }, r.count);
  }));
  gauge('leadline_queue_jobs', 'Jobs not yet finished (waiting, active, delayed) in each BullMQ queue', ['queue'], queueDepths && (async (g) => {
    for (const q of await queueDepths()) g.set({ queue: q.queue }, q.jobs);
  }));

  return { registry, calls, ringAttempts, ringMisses, autoPauses, recordingsReady, routingDecisionSeconds };
}

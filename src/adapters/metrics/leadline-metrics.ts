import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import type { DaemonStatistic } from './daemon-statistics.js';

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
  /** Kamailio's own statistics (stats.get_statistics over jsonrpcs). */
  kamailioStatistics?: () => Promise<DaemonStatistic[]>;
  /** rtpengine's ng `statistics`. */
  rtpengineStatistics?: () => Promise<DaemonStatistic[]>;
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

  daemonGauges(registry, { kamailio: sources.kamailioStatistics, rtpengine: sources.rtpengineStatistics }, log);

  return { registry, calls, ringAttempts, ringMisses, autoPauses, recordingsReady, routingDecisionSeconds };
}

/**
 * The daemons' own statistics, asked at scrape time: leadline_kamailio_statistic{group,name},
 * leadline_rtpengine_statistic{section,name}, and leadline_daemon_statistics_up{daemon} (1
 * when the daemon answered this scrape, 0 when not: alert on it). The answer is shared by
 * both gauges of one scrape (one question per daemon per second at most).
 */
function daemonGauges(registry: Registry, sources: Record<'kamailio' | 'rtpengine', (() => Promise<DaemonStatistic[]>) | undefined>, log: Logger): void {
  const asked = Object.entries(sources).filter((e): e is [string, () => Promise<DaemonStatistic[]>] => e[1] !== undefined);
  if (asked.length === 0) return;
  const recent = new Map<string, { at: number; answer: Promise<DaemonStatistic[] | Error> }>();
  const answerOf = (daemon: string, read: () => Promise<DaemonStatistic[]>) => {
    const now = Date.now();
    const cached = recent.get(daemon);
    if (cached && now - cached.at < 1000) return cached.answer;
    const answer = read().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    recent.set(daemon, { at: now, answer });
    return answer;
  };
  new Gauge({
    name: 'leadline_daemon_statistics_up',
    help: 'Whether the daemon (kamailio, rtpengine) answered the statistics question of this scrape',
    labelNames: ['daemon'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [daemon, read] of asked) {
        const answer = await answerOf(daemon, read);
        if (answer instanceof Error) log.warn({ err: answer, daemon }, 'daemon statistics unavailable for this scrape');
        this.set({ daemon }, answer instanceof Error ? 0 : 1);
      }
    },
  });
  for (const [daemon, read] of asked) {
    const label = daemon === 'kamailio' ? 'group' : 'section';
    new Gauge({
      name: `leadline_${daemon}_statistic`,
      help: daemon === 'kamailio'
        ? "Kamailio's statistics (kamcmd stats.get_statistics all), by group and name; counters since Kamailio started"
        : "rtpengine's statistics (ng statistics), by section (currentstatistics, totalstatistics) and name",
      labelNames: [label, 'name'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const answer = await answerOf(daemon, read);
        if (answer instanceof Error) return;
        for (const s of answer) this.set({ [label]: s.group, name: s.name } as Record<string, string>, s.value);
      },
    });
  }
}

import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { Database } from '../adapters/postgres/database.js';
import { backlogSources } from '../adapters/metrics/backlog-sources.js';
import { kamailioStatistics, rtpengineStatistics, type RpcCaller } from '../adapters/metrics/daemon-statistics.js';
import { countDomainEvents } from '../adapters/metrics/domain-event-metrics.js';
import { createLeadlineMetrics, type LeadlineMetrics } from '../adapters/metrics/leadline-metrics.js';
import type { DomainEvents } from '../services/domain-events.js';
import type { RoutingConsole } from '../services/routing-console.js';

/**
 * The service's Prometheus metrics: counters subscribed to the domain events, gauges
 * reading the routing console (managers, waiting line) and the backlogs. Subscribed
 * before the Kamailio channel opens, so every call is counted.
 */
export function startMetrics(
  deps: { config: Config; db: Database; events: DomainEvents; routing: RoutingConsole; kamailio: RpcCaller; log: Logger },
  cleanup: (() => Promise<void>)[],
): LeadlineMetrics {
  const backlog = backlogSources(deps.config, deps.db);
  cleanup.push(() => backlog.close());
  const metrics = createLeadlineMetrics(
    {
      managerStatuses: async () => (await deps.routing.managers()).map((m) => m.status),
      waitingCalls: async () => (await deps.routing.waiting()).map((w) => ({ scenario: w.scenario, calls: w.calls.length })),
      webhookDeliveries: backlog.webhookDeliveries,
      recordings: backlog.recordings,
      queueDepths: backlog.queueDepths,
      kamailioStatistics: () => kamailioStatistics(deps.kamailio),
      rtpengineStatistics: () => rtpengineStatistics(deps.config.rtpengine.ngPort),
    },
    deps.log,
  );
  const unsubscribe = countDomainEvents(deps.events, metrics);
  cleanup.push(async () => unsubscribe());
  return metrics;
}

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { countDomainEvents } from '../../../src/adapters/metrics/domain-event-metrics.js';
import { createLeadlineMetrics } from '../../../src/adapters/metrics/leadline-metrics.js';
import { DomainEvents } from '../../../src/services/domain-events.js';
import type { CallRecordJson } from '../../../src/core/calls/call-record.js';

const silent = pino({ level: 'silent' });

const ended = (over: Partial<CallRecordJson>): CallRecordJson =>
  ({ callId: 'c', direction: 'inbound', disposition: 'answered', attempts: [], ...over }) as CallRecordJson;

describe('leadline metrics', () => {
  it('counts ended calls and managers\' ring attempts from the domain events, not the trunk\'s', async () => {
    const events = new DomainEvents();
    const metrics = createLeadlineMetrics({}, silent);
    const off = countDomainEvents(events, metrics);
    const attempt = (manager: string | null, result: string) => ({ manager, result }) as CallRecordJson['attempts'][number];
    events.emit('call.ended', { record: ended({ attempts: [attempt('101', 'no-answer'), attempt('102', 'answered')] }) });
    events.emit('call.ended', { record: ended({ disposition: 'answered', attempts: [attempt(null, 'answered')] }) });
    events.emit('call.ended', { record: ended({ direction: 'outbound', disposition: 'busy' }) });
    off();
    events.emit('call.ended', { record: ended({}) }); // after unsubscribing: not counted

    const text = await metrics.registry.metrics();
    expect(text).toContain('leadline_calls_total{direction="inbound",disposition="answered"} 2');
    expect(text).toContain('leadline_calls_total{direction="outbound",disposition="busy"} 1');
    expect(text).toContain('leadline_ring_attempts_total{result="no-answer"} 1');
    expect(text).toContain('leadline_ring_attempts_total{result="answered"} 1');
    expect(text).toContain('leadline_ring_misses_total 1');
  });

  it('reads gauges at scrape time; a failing source empties its gauge without failing the scrape', async () => {
    let statuses = ['available', 'available', 'paused'];
    const metrics = createLeadlineMetrics(
      {
        managerStatuses: async () => statuses,
        queueDepths: async () => {
          throw new Error('redis is down');
        },
      },
      silent,
    );
    let text = await metrics.registry.metrics();
    expect(text).toContain('leadline_managers{status="available"} 2');
    expect(text).toContain('leadline_managers{status="paused"} 1');
    expect(text).not.toMatch(/^leadline_queue_jobs\{/m);
    statuses = ['offline'];
    text = await metrics.registry.metrics();
    expect(text).toContain('leadline_managers{status="offline"} 1');
    expect(text).not.toContain('leadline_managers{status="available"}');
  });
});

describe('the Grafana dashboard in docs/', () => {
  it('asks only for metrics the service exports', async () => {
    const { readFileSync } = await import('node:fs');
    const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const noSource = async () => [];
    const metrics = createLeadlineMetrics(
      { managerStatuses: noSource, waitingCalls: noSource, webhookDeliveries: noSource, recordings: noSource, queueDepths: noSource },
      silent,
    );
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const asked = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\bleadline_\w+/g)].map((m) => m[0])));
    expect(asked.length).toBeGreaterThan(10);
    for (const name of asked) expect(exported.has(name.replace(/_(bucket|sum|count)$/, '')), name).toBe(true);
  });
});

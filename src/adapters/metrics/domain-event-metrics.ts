import type { DomainEvents } from '../../services/domain-events.js';
import type { LeadlineMetrics } from './leadline-metrics.js';

/**
 * Moves the counters from the domain events the services already raise, so no metric
 * call sits inside routing, recording or webhook logic. Returns the unsubscriber.
 */
export function countDomainEvents(events: DomainEvents, metrics: LeadlineMetrics): () => void {
  const off = [
    events.on('call.ended', ({ record }) => {
      metrics.calls.inc({ direction: record.direction, disposition: record.disposition });
      for (const attempt of record.attempts) {
        if (attempt.manager === null) continue; // a forward through the trunk is not a manager's ring
        metrics.ringAttempts.inc({ result: attempt.result });
        if (attempt.result === 'no-answer') metrics.ringMisses.inc();
      }
    }),
    events.on('manager.auto_paused', () => metrics.autoPauses.inc()),
    events.on('recording.ready', () => metrics.recordingsReady.inc()),
  ];
  return () => off.forEach((f) => f());
}

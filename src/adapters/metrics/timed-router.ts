import { performance } from 'node:perf_hooks';
import type { CallRouter } from '../../services/call-router.js';
import type { LeadlineMetrics } from './leadline-metrics.js';

type Decider = Pick<CallRouter, 'decide'>;

/**
 * The router as Kamailio's bridge sees it, with each decision timed into the histogram:
 * the seam between the SIP edge and the service, so the routing code stays untouched.
 * A decision that throws is timed too (action "error"), then rethrown.
 */
export function timedRouter(router: Decider, metrics: LeadlineMetrics): Decider {
  return {
    async decide(request, options) {
      const started = performance.now();
      let action = 'error';
      try {
        const decision = await router.decide(request, options);
        action = decision.action;
        return decision;
      } finally {
        metrics.routingDecisionSeconds.observe({ action }, (performance.now() - started) / 1000);
      }
    },
  };
}

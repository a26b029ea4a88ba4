import type { Logger } from 'pino';
import { deliverySteps, stepRequest, stepVerdict } from '../../core/webhooks/crm-request.js';
import { isProblem, type StepVerdict } from '../../core/webhooks/outgoing-request.js';
import { nextRetryDelayMs, parseRetryAfter } from '../../core/webhooks/retry-schedule.js';
import { retryPolicyOf, type DeliverySettings, type WebhookEndpoint } from '../../core/webhooks/webhook-endpoint.js';
import type { DeliveryLog, DeliveryToSend, SendRequest } from './delivery-log.port.js';

export interface AttemptDeps {
  log: DeliveryLog;
  endpoints: ReadonlyMap<string, WebhookEndpoint>;
  delivery: DeliverySettings;
  send: SendRequest;
  /** Queues the next pending delivery of this line, now that this one is settled. */
  advance(endpoint: string, callId: string | null): Promise<void>;
  logger: Logger;
  clock: () => number;
  random: () => number;
}

export type AttemptResult =
  | { kind: 'delivered' }
  /** The row was not pending (delivered by a worker that lost its lock, or gone): nothing to send. */
  | { kind: 'skipped' }
  | { kind: 'retry'; delayMs: number; error: string }
  | { kind: 'failed' | 'dead'; error: string };

/**
 * One attempt of one delivery: its requests in order, then its result in the log.
 * `attemptsMade` counts this job's earlier attempts (a replay starts a new job, and so
 * the schedule afresh). Every settled delivery (delivered, failed, dead) lets the next
 * one of its line go; a retried one keeps the line waiting behind it.
 */
export async function attemptDelivery(deps: AttemptDeps, id: string, attemptsMade: number): Promise<AttemptResult> {
  const row = await deps.log.load(id);
  if (row === null) return { kind: 'skipped' };
  if (row.status !== 'pending') {
    // Harmless if the line already moved on; needed if the worker that settled it died before.
    await deps.advance(row.endpoint, row.callId);
    return { kind: 'skipped' };
  }
  const endpoint = deps.endpoints.get(row.endpoint);
  if (!endpoint) return settle(deps, row, 'failed', null, `endpoint "${row.endpoint}" is no longer configured`, false);
  if (row.disabledAt) {
    const why = `endpoint disabled since ${row.disabledAt.toISOString()}${row.disabledReason ? ` (${row.disabledReason})` : ''}: enable it, then replay`;
    return settle(deps, row, 'failed', null, why, false);
  }

  let crmCallId = row.crmCallId;
  let lastStatus: number | null = null;
  for (const step of deliverySteps(endpoint, row.envelope, crmCallId)) {
    const request = stepRequest(endpoint, row.envelope, step, { id: row.id, timestampSeconds: Math.floor(deps.clock() / 1000), crmCallId });
    if (isProblem(request)) return settle(deps, row, 'failed', lastStatus, request.problem, lastStatus !== null);

    const { verdict, status } = await exchange(deps, endpoint, step, request);
    if (status !== null) lastStatus = status;
    if (verdict.kind === 'ok') {
      if (verdict.crmCallId !== undefined && row.callId !== null) {
        crmCallId = verdict.crmCallId;
        await deps.log.saveCrmCallId(row.endpoint, row.callId, crmCallId);
      }
      continue;
    }
    if (verdict.kind === 'disable') {
      await deps.log.disableEndpoint(row.endpoint, verdict.error);
      deps.logger.warn({ endpoint: row.endpoint, delivery: row.id }, `webhook endpoint disabled: ${verdict.error}`);
      return settle(deps, row, 'failed', status, verdict.error, true);
    }
    if (verdict.kind === 'failed') return settle(deps, row, 'failed', status, verdict.error, true);

    const delayMs = nextRetryDelayMs(retryPolicyOf(endpoint, deps.delivery), attemptsMade + 1, verdict.retryAfterMs, deps.random);
    if (delayMs === null) return settle(deps, row, 'dead', status, `${verdict.error} (after ${attemptsMade + 1} attempts)`, true);
    await deps.log.settle({ id: row.id, status: 'pending', attempted: true, statusCode: status, error: verdict.error, nextAttemptAt: new Date(deps.clock() + delayMs) });
    deps.logger.info({ endpoint: row.endpoint, delivery: row.id, event: row.envelope.type, delayMs }, `webhook delivery will be retried: ${verdict.error}`);
    return { kind: 'retry', delayMs, error: verdict.error };
  }

  await deps.log.settle({ id: row.id, status: 'delivered', attempted: lastStatus !== null, statusCode: lastStatus, error: null, nextAttemptAt: null });
  await deps.advance(row.endpoint, row.callId);
  return { kind: 'delivered' };
}

async function exchange(
  deps: AttemptDeps,
  endpoint: WebhookEndpoint,
  step: Parameters<typeof stepVerdict>[1],
  request: Parameters<SendRequest>[0],
): Promise<{ verdict: StepVerdict; status: number | null }> {
  try {
    const answer = await deps.send(request, deps.delivery.timeoutSeconds * 1000);
    const retryAfterMs = parseRetryAfter(answer.retryAfter, deps.clock());
    return { verdict: stepVerdict(endpoint, step, answer.status, answer.body, retryAfterMs), status: answer.status };
  } catch (err) {
    return { verdict: { kind: 'retry', error: describeNetworkError(err, deps.delivery.timeoutSeconds), retryAfterMs: null }, status: null };
  }
}

async function settle(
  deps: AttemptDeps,
  row: DeliveryToSend,
  status: 'failed' | 'dead',
  statusCode: number | null,
  error: string,
  attempted: boolean,
): Promise<AttemptResult> {
  await deps.log.settle({ id: row.id, status, attempted, statusCode, error, nextAttemptAt: null });
  deps.logger.warn({ endpoint: row.endpoint, delivery: row.id, event: row.envelope.type, status }, `webhook delivery ${status}: ${error}`);
  await deps.advance(row.endpoint, row.callId);
  return { kind: status, error };
}

/** "connect ECONNREFUSED 10.0.0.5:443", "no answer within 10 s", "socket hang up" ... */
function describeNetworkError(err: unknown, timeoutSeconds: number): string {
  const e = err as { name?: string; message?: string; code?: string };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutSeconds} s`;
  const text = e.message ?? String(err);
  return e.code && !text.includes(e.code) ? `${text} (${e.code})` : text;
}

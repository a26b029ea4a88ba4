/**
 * One HTTP request a delivery makes, and what its answer means. A delivery may take
 * several requests (Bitrix24 registers a call before finishing it); each is a step.
 */

export interface OutgoingRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A request that cannot be built: the delivery fails with this reason, without sending. */
export interface RequestProblem {
  problem: string;
}

export function isProblem<T extends object>(value: T | RequestProblem): value is RequestProblem {
  return typeof (value as Partial<RequestProblem>).problem === 'string';
}

/**
 * What one answer means for the delivery:
 * - ok: this step is done (crmCallId: the CRM's id of the call, when the step returned one);
 * - retry: try the delivery again later (5xx, 408, 429, network errors), honouring Retry-After;
 * - failed: do not retry: the receiver will answer the same (a 4xx, a CRM-level error);
 * - disable: 410 Gone: the receiver asks never to be called again.
 */
export type StepVerdict =
  | { kind: 'ok'; crmCallId?: string }
  | { kind: 'retry'; error: string; retryAfterMs: number | null }
  | { kind: 'failed'; error: string }
  | { kind: 'disable'; error: string };

/**
 * The HTTP status alone: 2xx ok; 410 disables the endpoint; 429 and 503 retry when
 * Retry-After says (the others retry on the schedule); 408, 425 and 5xx retry; any
 * other status (3xx, since redirects are not followed, and 4xx) fails.
 */
export function verdictOfStatus(status: number, retryAfterMs: number | null): StepVerdict {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const error = `HTTP ${status}`;
  if (status === 410) return { kind: 'disable', error: `${error}: the receiver says the endpoint is gone` };
  if (status === 429 || status === 503) return { kind: 'retry', error, retryAfterMs };
  if (status === 408 || status === 425 || status >= 500) return { kind: 'retry', error, retryAfterMs: null };
  if (status >= 300 && status < 400) return { kind: 'failed', error: `${error}: redirects are not followed, configure the final URL` };
  return { kind: 'failed', error };
}

/** The first characters of an answer body, for last_error: enough to see the receiver's reason, never a whole page. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The console talks only to the service's own /api, with the session cookie the browser
 * keeps (HttpOnly: scripts never see it). Errors arrive as { error: { code, message } }.
 */

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Called when a request finds the session gone, so the app can show the sign-in page. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return undefined as T;
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body?.error ?? { code: 'HTTP', message: `${response.status} ${response.statusText}` };
    if (response.status === 401 && path !== '/api/session') onSignedOut();
    throw new ApiError(response.status, error.code, error.message);
  }
  return body as T;
}

/** A query string from the filled-in fields only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface Who {
  login: string;
  name: string;
  role: 'admin' | 'supervisor' | 'manager';
  extension: string | null;
  /** The account's console language; null: the browser's. */
  language?: 'ru' | 'en' | null;
}

/** The message of a failed request, for an error line on the page. */
export function problemOf(err: unknown): string {
  return err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);
}

export const isSupervising = (who: Who) => who.role !== 'manager';

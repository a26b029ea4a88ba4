import type { ManagerView } from '../services/routing-console.js';
import type { DeliveryStatus, DeliveryView } from '../core/webhooks/webhook-admin.port.js';
import type { TrunkView } from '../services/trunk-status.js';

/** The HTTP API of a running Leadline, as the operator CLI uses it. */
export class LeadlineApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async managers(): Promise<ManagerView[]> {
    return (await this.request<{ managers: ManagerView[] }>('GET', '/api/managers')).managers;
  }

  async deliveries(query: { status?: DeliveryStatus; endpoint?: string; limit?: number }): Promise<DeliveryView[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.size > 0 ? `?${params}` : '';
    return (await this.request<{ items: DeliveryView[] }>('GET', `/api/webhooks/deliveries${qs}`)).items;
  }

  async trunks(): Promise<TrunkView[]> {
    return (await this.request<{ trunks: TrunkView[] }>('GET', '/api/trunks')).trunks;
  }

  async reconvert(callId: string): Promise<{ callId: string; previousStatus: string; previousError: string | null }> {
    return this.request('POST', `/api/recordings/${encodeURIComponent(callId)}/reconvert`);
  }

  async replay(id: string): Promise<DeliveryView> {
    return this.request<DeliveryView>('POST', `/api/webhooks/deliveries/${encodeURIComponent(id)}/replay`);
  }

  /** POST /api/admin/reload: the service reads its configuration file again (admin token). */
  async reload(): Promise<{ applied: string[]; needsRestart: string[]; kamailioUpdated: boolean }> {
    return this.request('POST', '/api/admin/reload');
  }

  private async request<T>(method: string, path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), { method, headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new CliError(`Leadline does not answer at ${this.baseUrl} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}): is it running? Set --url or LEADLINE_URL.`);
    }
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    if (!res.ok) throw new CliError(`${method} ${path}: ${res.status} ${body?.error ? `${body.error.code}: ${body.error.message}` : res.statusText}`);
    return body as T;
  }
}

/** A failure the CLI prints as one sentence, without a stack. */
export class CliError extends Error {}

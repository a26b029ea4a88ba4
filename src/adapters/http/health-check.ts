/** One component /readyz (and /healthz) asks about (postgres, redis, kamailio ...). */
export interface HealthCheck {
  name: string;
  check(): Promise<HealthResult>;
}

export interface HealthResult {
  ok: boolean;
  /** Why it is down, in a few words; shown in the /readyz body. */
  detail?: string;
}

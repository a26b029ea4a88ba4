import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { HealthCheck, HealthResult } from '../health-check.js';

export interface HealthRoutesOptions {
  checks: HealthCheck[];
  /** Per check; a component that does not answer in time counts as down. */
  timeoutMs?: number;
}

const checksSchema = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['ok'],
    properties: { ok: { type: 'boolean' }, detail: { type: 'string' } },
  },
} as const;

const dependenciesSchema = (summary: string) =>
  ({
    summary,
    tags: ['health'],
    response: {
      200: {
        type: 'object',
        required: ['status', 'checks'],
        properties: { status: { type: 'string', enum: ['ok'] }, checks: checksSchema },
      },
      503: {
        type: 'object',
        required: ['status', 'down', 'checks'],
        properties: {
          status: { type: 'string', enum: ['down'] },
          down: { type: 'array', items: { type: 'string' } },
          checks: checksSchema,
        },
      },
    },
  }) as const;

/**
 * Probes, unauthenticated and not rate-limited, for load balancers and supervisors:
 * - GET /livez: the process answers (its event loop turns). It asks no dependency, so a
 *   liveness probe does not restart the service while Redis or PostgreSQL blinks; the
 *   service reconnects by itself.
 * - GET /readyz: every dependency answers (Redis, PostgreSQL, the Kamailio channel,
 *   rtpengine, storage, the queues); 503 names the ones that do not, so a balancer
 *   sends no traffic here meanwhile.
 * - GET /healthz: the same answer as /readyz, kept for probes written before the split.
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { checks, timeoutMs = 2_000 }) => {
  const startedAt = Date.now();
  app.get(
    '/livez',
    {
      config: { rateLimit: false },
      schema: {
        summary: 'Whether the process is alive; asks no dependency',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            required: ['status', 'uptimeSeconds'],
            properties: { status: { type: 'string', enum: ['ok'] }, uptimeSeconds: { type: 'integer' } },
          },
        },
      },
    },
    async () => ({ status: 'ok', uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000) }),
  );

  const readiness = async (_request: unknown, reply: FastifyReply) => {
    const results = await Promise.all(checks.map((c) => runCheck(c, timeoutMs)));
    const byName = Object.fromEntries(checks.map((c, i) => [c.name, results[i]!]));
    const down = checks.filter((_, i) => !results[i]!.ok).map((c) => c.name);
    if (down.length === 0) return { status: 'ok', checks: byName };
    return reply.status(503).send({ status: 'down', down, checks: byName });
  };
  app.get('/readyz', { config: { rateLimit: false }, schema: dependenciesSchema('Whether every dependency answers; 503 names the ones that do not') }, readiness);
  app.get('/healthz', { config: { rateLimit: false }, schema: dependenciesSchema('The same as /readyz, kept for existing probes') }, readiness);
};

/** A check that throws or hangs is reported as down rather than failing the whole probe. */
async function runCheck(check: HealthCheck, timeoutMs: number): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      check.check().catch((err: unknown): HealthResult => ({ ok: false, detail: errorText(err) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || (err as { code?: string }).code || err.name;
  return String(err);
}

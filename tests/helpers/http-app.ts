import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/adapters/http/app.js';
import type { HealthCheck } from '../../src/adapters/http/health-check.js';
import { InMemoryCallStore } from '../../src/adapters/postgres/in-memory-call-store.js';
import { configSchema, type Config } from '../../src/config/config-schema.js';
import type { CallStore } from '../../src/core/calls/call-store.port.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const OTHER_TOKEN = 'other-token-0123456789abcdef';

export function testConfig(): Config {
  return configSchema.parse({
    api: { tokens: [{ name: 'crm', token: TEST_TOKEN }, { name: 'reports', token: OTHER_TOKEN }] },
    managers: [{ extension: '101', name: 'Anna', password: 'anna-secret' }],
    trunks: [{ name: 't', address: '127.0.0.2', callerId: '+74951234567' }],
    companyNumbers: ['+74951234567'],
  });
}

export const auth = { authorization: `Bearer ${TEST_TOKEN}` };

/** The real app over fakes; the caller closes it. */
export async function buildTestApp(
  overrides: { callStore?: CallStore; health?: HealthCheck[]; rateLimitPerMinute?: number; healthCheckTimeoutMs?: number } = {},
): Promise<{ app: FastifyInstance; callStore: CallStore }> {
  const callStore = overrides.callStore ?? new InMemoryCallStore();
  const app = buildApp({
    config: testConfig(),
    callStore,
    health: overrides.health ?? [],
    rateLimitPerMinute: overrides.rateLimitPerMinute,
    healthCheckTimeoutMs: overrides.healthCheckTimeoutMs,
  });
  await app.ready();
  return { app, callStore };
}

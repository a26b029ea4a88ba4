import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/adapters/http/app.js';
import type { HealthCheck } from '../../src/adapters/http/health-check.js';
import { InMemoryCallStore } from '../../src/adapters/postgres/in-memory-call-store.js';
import { configSchema, type Config } from '../../src/config/config-schema.js';
import type { CallStore } from '../../src/core/calls/call-store.port.js';
import type { ClickToCallPort } from '../../src/adapters/http/routes/click-to-call.js';
import type { RoutingConsole } from '../../src/services/routing-console.js';
import { consoleSection } from './console-accounts.js';
import type { BoardSource } from '../../src/adapters/http/routes/board.js';
import type { SessionRevocations } from '../../src/core/auth/session-revocations.port.js';
import type { KpiDesk } from '../../src/services/kpi-report.js';
import type { RecordingLibrary } from '../../src/adapters/http/routes/recordings.js';
import type { WallboardDesk } from '../../src/services/wallboard.js';
import type { CallbackDesk } from '../../src/services/callback-desk.js';
import type { ConversationReport } from '../../src/services/conversation-report.js';
import type { ReviewQueue } from '../../src/services/review-queue.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const OTHER_TOKEN = 'other-token-0123456789abcdef';
export const SUPERVISOR_TOKEN = 'supervisor-token-0123456789';
/** Manager tokens of Anna (101) and Boris (102). */
export const ANNA_TOKEN = 'anna-token-0123456789abcdef';
export const BORIS_TOKEN = 'boris-token-0123456789abcdef';

export function testConfig(): Config {
  return configSchema.parse({
    api: {
      tokens: [
        { name: 'crm', token: TEST_TOKEN },
        { name: 'reports', token: OTHER_TOKEN },
        { name: 'floor', token: SUPERVISOR_TOKEN, role: 'supervisor' },
        { name: 'anna-phone', token: ANNA_TOKEN, role: 'manager', extension: '101' },
        { name: 'boris-phone', token: BORIS_TOKEN, role: 'manager', extension: '102' },
      ],
    },
    managers: [
      { extension: '101', name: 'Anna', password: 'anna-secret' },
      { extension: '102', name: 'Boris', password: 'boris-secret' },
    ],
    trunks: [{ name: 't', address: '127.0.0.2', callerId: '+74951234567' }],
    console: consoleSection(),
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const auth = bearer(TEST_TOKEN);

/** The real app over fakes; the caller closes it. */
export async function buildTestApp(
  overrides: {
    callStore?: CallStore;
    health?: HealthCheck[];
    routing?: RoutingConsole;
    clickToCall?: ClickToCallPort;
    rateLimitPerMinute?: number;
    healthCheckTimeoutMs?: number;
    recordings?: RecordingLibrary;
    config?: Config;
    kpi?: KpiDesk;
    board?: BoardSource;
    sessions?: SessionRevocations;
    sessionCheckMs?: number;
    wallboard?: WallboardDesk;
    callbacks?: CallbackDesk;
    conversations?: ConversationReport;
    reviews?: ReviewQueue;
  } = {},
): Promise<{ app: FastifyInstance; callStore: CallStore }> {
  const callStore = overrides.callStore ?? new InMemoryCallStore();
  const app = buildApp({
    config: overrides.config ?? testConfig(),
    callStore,
    health: overrides.health ?? [],
    routing: overrides.routing,
    clickToCall: overrides.clickToCall,
    rateLimitPerMinute: overrides.rateLimitPerMinute,
    healthCheckTimeoutMs: overrides.healthCheckTimeoutMs,
    recordings: overrides.recordings,
    kpi: overrides.kpi,
    board: overrides.board,
    sessions: overrides.sessions,
    sessionCheckMs: overrides.sessionCheckMs,
    wallboard: overrides.wallboard,
    callbacks: overrides.callbacks,
    conversations: overrides.conversations,
    reviews: overrides.reviews,
  });
  await app.ready();
  return { app, callStore };
}

import pino from 'pino';
import { configSchema, type Config } from '../../src/config/config-schema.js';
import {
  MemoryAgentActivityStore,
  MemoryLiveCallStore,
  MemoryRegistrationStore,
  MemoryRotationCounter,
} from '../../src/adapters/memory/memory-stores.js';
import type { CallRecord } from '../../src/core/calls/call-record.js';
import { CallEvents } from '../../src/services/call-events.js';
import { CallRouter } from '../../src/services/call-router.js';

export const COMPANY = '+74951234567';

export function fakeConfig(overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  return configSchema.parse({
    api: { tokens: [{ name: 't', token: 'unit-test-token-0123456789' }] },
    managers: ['101', '102', '103'].map((extension) => ({ extension, name: `M${extension}`, password: `secret-${extension}` })),
    trunks: [{ name: 'trunk', address: '127.0.0.2', port: 5080, callerId: COMPANY }],
    companyNumbers: [COMPANY],
    routing: { ringTimeoutSeconds: 10 },
    ...overrides,
  });
}

/** The services wired to in-memory stores: the twin of the launcher's composition, for unit tests. */
export function createFakeServices(config = fakeConfig()) {
  const registrations = new MemoryRegistrationStore();
  const activity = new MemoryAgentActivityStore();
  const liveCalls = new MemoryLiveCallStore();
  const records: CallRecord[] = [];
  const sink = { write: (r: CallRecord) => void records.push(r) };
  const log = pino({ level: 'silent' });
  const router = new CallRouter({ config, registrations, activity, rotation: new MemoryRotationCounter(), liveCalls, records: sink, log });
  const events = new CallEvents({ activity, liveCalls, records: sink, log });
  const register = (...extensions: string[]) =>
    Promise.all(extensions.map((e) => registrations.setRegistered(e, { contact: `sip:${e}@10.0.0.${e.slice(1)}:5060`, source: `sip:192.0.2.1:${e}` })));
  return { config, registrations, activity, liveCalls, records, router, events, register };
}

import type { CallRecord, RingAttempt } from '../../src/core/calls/call-record.js';

let counter = 0;

/** A plausible answered inbound call; override what the test is about. */
export function makeCall(overrides: Partial<CallRecord> = {}): CallRecord {
  counter += 1;
  const startedAt = overrides.startedAt ?? new Date(Date.UTC(2025, 0, 15, 10, 0, counter % 60));
  return {
    callId: `call-${counter}-${Math.random().toString(36).slice(2, 8)}@leadline.test`,
    direction: 'inbound',
    callerNumber: '+79161234567',
    calleeNumber: '+74951234567',
    companyNumber: '+74951234567',
    manager: '101',
    startedAt,
    answeredAt: new Date(startedAt.getTime() + 4_250),
    endedAt: new Date(startedAt.getTime() + 64_250),
    ringSeconds: 4.25,
    talkSeconds: 60,
    disposition: 'answered',
    sipCode: null,
    reason: null,
    attempts: [makeAttempt({ startedAt, result: 'answered', sipCode: 200 })],
    ...overrides,
  };
}

export function makeAttempt(overrides: Partial<RingAttempt> = {}): RingAttempt {
  const startedAt = overrides.startedAt ?? new Date(Date.UTC(2025, 0, 15, 10, 0, 0));
  return {
    manager: '101',
    target: 'sip:101@127.0.0.1:5080',
    startedAt,
    endedAt: new Date(startedAt.getTime() + 4_250),
    result: 'busy',
    sipCode: 486,
    ...overrides,
  };
}

/** n calls one minute apart, starting at `start`, oldest first. */
export function makeCalls(n: number, start = new Date(Date.UTC(2025, 0, 1)), overrides: Partial<CallRecord> = {}): CallRecord[] {
  return Array.from({ length: n }, (_, i) => makeCall({ startedAt: new Date(start.getTime() + i * 60_000), ...overrides }));
}

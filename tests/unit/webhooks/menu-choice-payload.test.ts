import { describe, expect, it } from 'vitest';
import { toWebhookEnvelope } from '../../../src/core/webhooks/call-event-data.js';
import { finishCall, type LiveCall } from '../../../src/core/calls/live-call.js';
import { toCallRecordJson } from '../../../src/core/calls/call-record.js';
import { fromRows, toCallRow } from '../../../src/adapters/postgres/call-record-rows.js';

const T0 = Date.parse('2026-03-02T09:15:00Z');
const live = (extra: Partial<LiveCall> = {}): LiveCall => ({
  callId: 'm1', direction: 'inbound', callerNumber: '+79161112233', calleeNumber: '+74950000001', companyNumber: '+74950000001', placedBy: null,
  startedAt: T0, answeredAt: null, canceled: true, attempts: [], rejected: null, missed: null, transaction: null, progress: null, ...extra,
});

describe('the menu choice from the live call to the record, its rows and call.ended', () => {
  it('carries the key and the step through', () => {
    const record = finishCall(live({ menuChoice: { digit: '2', step: 2 } }), T0 + 5000);
    expect(record.menuChoice).toEqual({ digit: '2', step: 2 });
    const row = toCallRow(record);
    expect([row.menu_digit, row.menu_step]).toEqual(['2', 2]);
    expect(fromRows({ ...row, created_at: new Date() } as never, []).menuChoice).toEqual({ digit: '2', step: 2 });
    const envelope = toWebhookEnvelope('call.ended', { record: toCallRecordJson(record) }, new Map(), new Date());
    expect(envelope.data.menuChoice).toEqual({ digit: '2', step: 2 });
  });

  it('keeps "no key, the default" apart from "no menu"', () => {
    const defaulted = finishCall(live({ menuChoice: { digit: null, step: 1 } }), T0 + 5000);
    expect(fromRows({ ...toCallRow(defaulted), created_at: new Date() } as never, []).menuChoice).toEqual({ digit: null, step: 1 });
    const none = finishCall(live(), T0 + 5000);
    expect(none.menuChoice).toBeUndefined();
    expect(fromRows({ ...toCallRow(none), created_at: new Date() } as never, []).menuChoice).toBeUndefined();
    expect('menuChoice' in toWebhookEnvelope('call.ended', { record: toCallRecordJson(none) }, new Map(), new Date()).data).toBe(false);
  });
});

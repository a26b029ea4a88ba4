import { describe, expect, it } from 'vitest';
import {
  applyAnswer,
  applyBranchFailure,
  attemptResultOf,
  finishCall,
  managersHeldBy,
  rejectedLiveCall,
  startLiveCall,
} from '../../../src/core/calls/live-call.js';

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const inbound = () =>
  startLiveCall({
    callId: 'c1',
    direction: 'inbound',
    callerNumber: '79161112233',
    calleeNumber: '+74951234567',
    companyNumber: '+74951234567',
    placedBy: null,
    startedAt: T0,
    targets: [
      { manager: '101', target: 'sip:101@127.0.0.1:5071' },
      { manager: '102', target: 'sip:102@127.0.0.1:5072' },
    ],
  });

describe('live call', () => {
  it('fails over from a busy manager to one who answers', () => {
    const busy = applyBranchFailure(inbound(), 486, false, T0 + 200);
    expect(busy).toMatchObject({ released: '101', ringing: '102', finished: false });
    const talking = applyAnswer(busy.call, T0 + 1200);
    expect(managersHeldBy(talking)).toEqual(['102']);
    const record = finishCall(talking, T0 + 31_200);
    expect(record).toMatchObject({ disposition: 'answered', manager: '102', ringSeconds: 1.2, talkSeconds: 30, sipCode: null, reason: null });
    expect(record.attempts.map((a) => [a.manager, a.result, a.sipCode])).toEqual([
      ['101', 'busy', 486],
      ['102', 'answered', 200],
    ]);
    expect(record.attempts[1]!.startedAt.getTime()).toBe(T0 + 200);
  });

  it('says no-answer when the ring timer expired on every manager', () => {
    let call = applyBranchFailure(inbound(), 408, false, T0 + 15_000).call;
    const last = applyBranchFailure(call, 408, false, T0 + 30_000);
    expect(last.finished).toBe(true);
    call = last.call;
    const record = finishCall(call, T0 + 30_000);
    expect(record).toMatchObject({ disposition: 'no-answer', manager: null, ringSeconds: 30, talkSeconds: 0, sipCode: 408 });
    expect(record.reason).toBe('no answer from 2 managers');
  });

  it('says busy only when every manager was busy', () => {
    const call = applyBranchFailure(applyBranchFailure(inbound(), 486, false, T0 + 10).call, 486, false, T0 + 20).call;
    expect(finishCall(call, T0 + 20)).toMatchObject({ disposition: 'busy', reason: 'all 2 managers busy', sipCode: 486 });
  });

  it('records a caller hang-up while ringing as cancelled and stops ringing anyone else', () => {
    const out = applyBranchFailure(inbound(), 487, true, T0 + 3000);
    expect(out).toMatchObject({ released: '101', ringing: null, finished: true });
    const record = finishCall(out.call, T0 + 3000);
    expect(record).toMatchObject({ disposition: 'cancelled', sipCode: 487, reason: 'the caller hung up while ringing' });
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]!.result).toBe('cancelled');
  });

  it('keeps the reason of a call the service refused', () => {
    const call = rejectedLiveCall(
      { callId: 'c2', direction: 'inbound', callerNumber: 'x', calleeNumber: 'y', companyNumber: null, placedBy: null, startedAt: T0 },
      480,
      'no manager is registered',
    );
    expect(finishCall(call, T0)).toMatchObject({ disposition: 'failed', sipCode: 480, reason: 'no manager is registered', attempts: [] });
  });

  it('maps SIP codes to attempt results', () => {
    expect([486, 600, 603, 408, 480, 404, 503].map((c) => attemptResultOf(c, false))).toEqual([
      'busy', 'busy', 'rejected', 'no-answer', 'no-answer', 'unreachable', 'unreachable',
    ]);
    expect(attemptResultOf(408, true)).toBe('cancelled');
  });
});

import { describe, expect, it } from 'vitest';
import {
  addAttempts,
  answeringManager,
  applyAnswer,
  attemptResultOf,
  endRinging,
  failOverTrunk,
  finishCall,
  missedLiveCall,
  rejectedLiveCall,
  ringingAttempts,
  startLiveCall,
  type LiveCall,
} from '../../../src/core/calls/live-call.js';

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const base = {
  callId: 'c1',
  direction: 'inbound' as const,
  callerNumber: '79161112233',
  calleeNumber: '+74951234567',
  companyNumber: '+74951234567',
  placedBy: null,
  startedAt: T0,
};
const phone = (m: string) => ({ manager: m, target: `sip:${m}@10.0.0.1:5060`, nextHop: `sip:192.0.2.1:${m}` });
const offered = (managers: string[], at = T0): LiveCall => addAttempts(startLiveCall(base), managers.map(phone), at);

describe('live call', () => {
  it('starts with no attempts, no transaction and no scenario progress', () => {
    const call = startLiveCall(base);
    expect(call).toMatchObject({ ...base, answeredAt: null, canceled: false, attempts: [], rejected: null, missed: null, transaction: null, progress: null });
    expect(startLiveCall({ ...base, transaction: { tindex: 4, tlabel: 9 } }).transaction).toEqual({ tindex: 4, tlabel: 9 });
  });

  it('appends each offer\'s attempts, ringing from the time of the offer', () => {
    const first = offered(['101']);
    const second = addAttempts(endRinging(first, 486, false, T0 + 200).call, [phone('102')], T0 + 200);
    expect(second.attempts.map((a) => [a.manager, a.startedAt, a.endedAt])).toEqual([
      ['101', T0, T0 + 200],
      ['102', T0 + 200, null],
    ]);
    expect(ringingAttempts(second).map((a) => a.manager)).toEqual(['102']);
    expect(first.attempts).toHaveLength(1); // pure: the original is untouched
  });

  it('fails over from a busy manager to one who answers', () => {
    const { call: busy, ended } = endRinging(offered(['101']), 486, false, T0 + 200);
    expect(ended.map((a) => [a.manager, a.result, a.sipCode])).toEqual([['101', 'busy', 486]]);
    const { call: talking, answeredBy } = applyAnswer(addAttempts(busy, [phone('102')], T0 + 200), T0 + 1200);
    expect(answeredBy).toMatchObject({ manager: '102', result: 'answered', sipCode: 200, endedAt: T0 + 1200 });
    expect(answeringManager(talking)).toBe('102');
    const record = finishCall(talking, T0 + 31_200);
    expect(record).toMatchObject({ disposition: 'answered', manager: '102', ringSeconds: 1.2, talkSeconds: 30, sipCode: null, reason: null });
    expect(record.attempts.map((a) => [a.manager, a.result, a.sipCode])).toEqual([
      ['101', 'busy', 486],
      ['102', 'answered', 200],
    ]);
    expect(record.attempts[1]!.startedAt.getTime()).toBe(T0 + 200);
  });

  it('ends every ringing branch of a parallel offer with the one final code', () => {
    const { call, ended } = endRinging(offered(['101', '102', '103']), 408, false, T0 + 20_000);
    expect(ended.map((a) => a.manager)).toEqual(['101', '102', '103']);
    expect(ringingAttempts(call)).toEqual([]);
    expect(endRinging(call, 408, false, T0 + 30_000).ended).toEqual([]); // nothing rings twice
  });

  it('gives a parallel call to the branch whose next hop answered and cancels the others', () => {
    const { call, answeredBy } = applyAnswer(offered(['101', '102', '103']), T0 + 3000, 'sip:192.0.2.1:102');
    expect(answeredBy?.manager).toBe('102');
    expect(call.attempts.map((a) => [a.manager, a.result, a.sipCode, a.endedAt])).toEqual([
      ['101', 'cancelled', 487, T0 + 3000],
      ['102', 'answered', 200, T0 + 3000],
      ['103', 'cancelled', 487, T0 + 3000],
    ]);
    expect(call.answeredAt).toBe(T0 + 3000);
  });

  it('takes the first ringing branch when the answer\'s source is unknown, and the only one whatever the source', () => {
    expect(applyAnswer(offered(['101', '102']), T0 + 1, 'sip:203.0.113.9:5060').answeredBy?.manager).toBe('101');
    expect(applyAnswer(offered(['102']), T0 + 1, 'sip:203.0.113.9:5060').answeredBy?.manager).toBe('102');
    expect(applyAnswer(startLiveCall(base), T0 + 1).answeredBy).toBeNull();
  });

  it('says no-answer when the ring timer expired on every manager', () => {
    let call = endRinging(offered(['101']), 408, false, T0 + 15_000).call;
    call = endRinging(addAttempts(call, [phone('102')], T0 + 15_000), 408, false, T0 + 30_000).call;
    const record = finishCall(call, T0 + 30_000);
    expect(record).toMatchObject({ disposition: 'no-answer', manager: null, ringSeconds: 30, talkSeconds: 0, sipCode: 408 });
    expect(record.reason).toBe('no answer from 2 managers');
  });

  it('says busy only when every manager was busy', () => {
    let call = endRinging(offered(['101']), 486, false, T0 + 10).call;
    call = endRinging(addAttempts(call, [phone('102')], T0 + 10), 486, false, T0 + 20).call;
    expect(finishCall(call, T0 + 20)).toMatchObject({ disposition: 'busy', reason: 'all 2 managers busy', sipCode: 486 });
  });

  it('records a caller hang-up while ringing as cancelled', () => {
    const { call } = endRinging(offered(['101']), 487, true, T0 + 3000);
    const record = finishCall(call, T0 + 3000);
    expect(record).toMatchObject({ disposition: 'cancelled', sipCode: 487, reason: 'the caller hung up while ringing' });
    expect(record.attempts.map((a) => a.result)).toEqual(['cancelled']);
  });

  it('records a hang-up in line as cancelled while waiting, also after earlier attempts', () => {
    expect(finishCall({ ...startLiveCall(base), canceled: true }, T0 + 5000)).toMatchObject({
      disposition: 'cancelled',
      sipCode: 487,
      reason: 'the caller hung up while waiting',
      ringSeconds: 5,
    });
    const triedFirst = endRinging(offered(['101']), 408, false, T0 + 15_000).call;
    const record = finishCall({ ...triedFirst, canceled: true }, T0 + 40_000);
    expect(record).toMatchObject({ disposition: 'cancelled', reason: 'the caller hung up while waiting', sipCode: 487 });
    expect(record.attempts.map((a) => a.result)).toEqual(['no-answer']);
  });

  it('records a call that ran through its scenario as missed, with the code the caller got', () => {
    const call = missedLiveCall(endRinging(offered(['101']), 408, false, T0 + 15_000).call, 'no manager answered in 1 step of main');
    expect(finishCall(call, T0 + 15_000)).toMatchObject({ disposition: 'missed', sipCode: 480, reason: 'no manager answered in 1 step of main' });
    expect(finishCall(missedLiveCall(startLiveCall(base), 'closed', 503), T0)).toMatchObject({ disposition: 'missed', sipCode: 503, reason: 'closed' });
  });

  it('keeps the reason of a call the service refused', () => {
    const call = rejectedLiveCall({ ...base, companyNumber: null }, 404, 'no scenario serves it');
    expect(finishCall(call, T0)).toMatchObject({ disposition: 'failed', sipCode: 404, reason: 'no scenario serves it', attempts: [] });
  });

  it('names the manager who placed an unanswered outbound call, and the callee in the reason', () => {
    const out = addAttempts(startLiveCall({ ...base, direction: 'outbound', placedBy: '101' }), [{ manager: null, target: 'sip:+7916@trunk' }], T0);
    const record = finishCall(endRinging(out, 486, false, T0 + 2000).call, T0 + 2000);
    expect(record).toMatchObject({ manager: '101', disposition: 'busy', reason: 'the callee was busy' });
  });

  it('never ends before it started, and closes attempts still open at the end', () => {
    const record = finishCall(offered(['101']), T0 - 5000);
    expect(record.endedAt.getTime()).toBe(T0);
    expect(record.ringSeconds).toBe(0);
    expect(record.attempts[0]).toMatchObject({ result: 'unreachable', endedAt: new Date(T0) });
  });

  it('maps SIP codes to attempt results', () => {
    expect([486, 600, 603, 408, 480, 404, 503].map((c) => attemptResultOf(c, false))).toEqual([
      'busy', 'busy', 'rejected', 'no-answer', 'no-answer', 'unreachable', 'unreachable',
    ]);
    expect(attemptResultOf(408, true)).toBe('cancelled');
    expect(attemptResultOf(487, false)).toBe('cancelled');
  });
});

describe('failOverTrunk', () => {
  const start = addAttempts(startLiveCall({ callId: 'c1', direction: 'outbound', callerNumber: '101', calleeNumber: '+79161234567', companyNumber: '+74951111111', placedBy: '101', startedAt: 1000, trunk: 'msk' }), [{ manager: null, target: 'sip:+79161234567@10.0.0.1:5060' }], 1000);

  it('ends the trunk that failed with its code and starts the next trunk\'s attempt', () => {
    const after = failOverTrunk(start, 503, { trunk: 'spb', uri: 'sip:+79161234567@10.0.0.2:5060' }, 1200);
    expect(after.trunk).toBe('spb');
    expect(after.attempts.map((a) => [a.target, a.sipCode, a.result, a.endedAt])).toEqual([
      ['sip:+79161234567@10.0.0.1:5060', 503, 'unreachable', 1200],
      ['sip:+79161234567@10.0.0.2:5060', null, null, null],
    ]);
    expect(finishCall(applyAnswer(after, 1500).call, 3000)).toMatchObject({ trunk: 'spb', disposition: 'answered' });
  });

  it('marks a trunk passed over at its limit as busy without a SIP code, and a silent one as no answer', () => {
    expect(failOverTrunk(start, 0, null, 1100).attempts[0]).toMatchObject({ sipCode: null, result: 'busy' });
    expect(failOverTrunk(start, 408, null, 1100).attempts[0]).toMatchObject({ sipCode: 408, result: 'no-answer' });
  });
});

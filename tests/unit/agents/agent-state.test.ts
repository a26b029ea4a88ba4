import { describe, expect, it } from 'vitest';
import { applyAgentEvent, isAvailable, newAgentState, statusAt, type AgentEvent, type AgentState } from '../../../src/core/agents/agent-state.js';

const T0 = 1_800_000_000_000;
const rules = { autoPauseAfterMisses: 3 };

function run(events: AgentEvent[], start = newAgentState(T0), at = T0): { state: AgentState; autoPaused: boolean[] } {
  let state = start;
  const autoPaused: boolean[] = [];
  events.forEach((e, i) => {
    const t = applyAgentEvent(state, e, at + i * 1000, rules);
    state = t.state;
    autoPaused.push(t.autoPaused);
  });
  return { state, autoPaused };
}

describe('agent state', () => {
  it('goes offline -> available -> ringing -> on-call -> wrap-up -> available', () => {
    const { state } = run([{ type: 'registered' }, { type: 'offered', callId: 'c1' }, { type: 'answered', callId: 'c1' }]);
    expect(statusAt(state, T0 + 3000)).toBe('on-call');
    const ended = applyAgentEvent(state, { type: 'call-ended', callId: 'c1', wrapUpMs: 10_000 }, T0 + 60_000, rules).state;
    expect(statusAt(ended, T0 + 65_000)).toBe('wrap-up');
    expect(isAvailable(ended, T0 + 65_000)).toBe(false);
    expect(statusAt(ended, T0 + 70_000)).toBe('available');
  });

  it('is offline whatever it was doing when the phone is not registered', () => {
    expect(statusAt(newAgentState(T0), T0)).toBe('offline');
    const { state } = run([{ type: 'registered' }, { type: 'paused', reason: 'lunch' }, { type: 'unregistered' }]);
    expect(statusAt(state, T0)).toBe('offline');
    expect(statusAt(applyAgentEvent(state, { type: 'registered' }, T0, rules).state, T0)).toBe('paused');
  });

  it('refuses an offer while ringing, talking, in wrap-up or paused', () => {
    const ringing = run([{ type: 'registered' }, { type: 'offered', callId: 'c1' }]).state;
    expect(applyAgentEvent(ringing, { type: 'offered', callId: 'c2' }, T0 + 5000, rules).state.callId).toBe('c1');
    const paused = run([{ type: 'registered' }, { type: 'paused', reason: 'training' }]).state;
    expect(applyAgentEvent(paused, { type: 'offered', callId: 'c3' }, T0 + 5000, rules).state.activity).toBe('idle');
  });

  it('ignores events of a call it no longer holds', () => {
    const { state } = run([{ type: 'registered' }, { type: 'offered', callId: 'new' }, { type: 'offer-failed', callId: 'old', outcome: 'missed' }, { type: 'call-ended', callId: 'old', wrapUpMs: 0 }]);
    expect(state).toMatchObject({ activity: 'ringing', callId: 'new', consecutiveMisses: 0 });
  });

  it('pauses a manager automatically after N missed offers in a row, once, with reason no-answer', () => {
    const misses: AgentEvent[] = ['a', 'b', 'c'].flatMap((id) => [
      { type: 'offered', callId: id },
      { type: 'offer-failed', callId: id, outcome: 'missed' },
    ]);
    const { state, autoPaused } = run([{ type: 'registered' }, ...misses]);
    expect(statusAt(state, T0 + 60_000)).toBe('paused');
    expect(state.pauseReason).toBe('no-answer');
    expect(autoPaused.filter(Boolean)).toHaveLength(1);
    expect(autoPaused.at(-1)).toBe(true);
  });

  it('does not count busy rejections, and an answer resets the count', () => {
    const events: AgentEvent[] = [
      { type: 'registered' },
      { type: 'offered', callId: 'a' }, { type: 'offer-failed', callId: 'a', outcome: 'missed' },
      { type: 'offered', callId: 'b' }, { type: 'offer-failed', callId: 'b', outcome: 'missed' },
      { type: 'offered', callId: 'c' }, { type: 'offer-failed', callId: 'c', outcome: 'rejected' },
      { type: 'offered', callId: 'd' }, { type: 'answered', callId: 'd' },
    ];
    expect(run(events).state.consecutiveMisses).toBe(0);
    expect(run(events.slice(0, 7)).state).toMatchObject({ consecutiveMisses: 2, pauseReason: null });
  });

  it('unpausing makes the manager available and forgets the misses', () => {
    const paused = { ...newAgentState(T0), registered: true, pauseReason: 'no-answer', consecutiveMisses: 3 };
    const state = applyAgentEvent(paused, { type: 'unpaused' }, T0, rules).state;
    expect(statusAt(state, T0)).toBe('available');
    expect(state.consecutiveMisses).toBe(0);
  });
});

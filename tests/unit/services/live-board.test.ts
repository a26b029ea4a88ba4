import { describe, expect, it } from 'vitest';
import { boardFor, liveCountsOf, type BoardManager, type BoardSnapshot } from '../../../src/core/board/live-board.js';
import { CLIENT, SECOND, T0, createFakeServices } from '../../helpers/fake-services.js';

/** Every board the feed pushes, in order. */
function watch(s: ReturnType<typeof createFakeServices>): BoardSnapshot[] {
  const seen: BoardSnapshot[] = [];
  s.board.subscribe((b) => void seen.push(b));
  return seen;
}

const managerOf = (b: BoardSnapshot | undefined, extension: string) => b?.managers.find((m) => m.extension === extension);

describe('the live board', () => {
  it('shows a manager ringing for the caller, then talking with him, then free; each change pushed once', async () => {
    const s = createFakeServices();
    await s.register('101', '102', '103');
    const seen = watch(s);
    await s.clock.advance(300);
    expect(managerOf(seen.at(-1), '101')).toMatchObject({ status: 'available', call: null });

    await s.clock.advance(2 * SECOND);
    await s.inbound('c1');
    await s.clock.advance(300);
    expect(managerOf(seen.at(-1), '101')).toMatchObject({
      status: 'ringing',
      call: { callId: 'c1', direction: 'inbound', state: 'ringing', otherParty: CLIENT, since: new Date(T0 + 2300).toISOString() },
    });

    await s.clock.advance(3 * SECOND);
    await s.answer('c1', '101');
    await s.clock.advance(300);
    expect(managerOf(seen.at(-1), '101')).toMatchObject({
      status: 'on-call',
      call: { state: 'talking', otherParty: CLIENT, since: new Date(T0 + 5600).toISOString() },
    });

    // Nothing changes while he talks: no board is pushed, however many ticks pass.
    const pushed = seen.length;
    await s.clock.advance(5 * SECOND);
    expect(seen.length).toBe(pushed);

    await s.hangUp('c1');
    await s.clock.advance(300);
    expect(managerOf(seen.at(-1), '101')?.call).toBeNull();
    expect(managerOf(seen.at(-1), '101')?.status).not.toBe('on-call');
  });

  it('lists callers waiting in line per scenario with the moment they joined it', async () => {
    const s = createFakeServices();
    await s.register('101');
    const seen = watch(s);
    await s.inbound('c1');
    await s.clock.advance(1 * SECOND);
    await s.inbound('c2', '+79165550000');
    await s.clock.advance(300);
    expect(seen.at(-1)?.waiting).toEqual([
      { scenario: 'sales-line', calls: [{ callId: 'c2', callerNumber: '+79165550000', priority: false, since: new Date(T0 + 1000).toISOString() }] },
    ]);
  });

  it('stops looking when nobody watches', async () => {
    const s = createFakeServices();
    await s.register('101');
    const seen: BoardSnapshot[] = [];
    const unsubscribe = s.board.subscribe((b) => void seen.push(b));
    await s.clock.advance(300);
    unsubscribe();
    const before = seen.length;
    await s.inbound('c1');
    await s.clock.advance(2 * SECOND);
    expect(seen.length).toBe(before);
    expect(s.board.watchers).toBe(0);
  });
});

describe("what a viewer sees of the board", () => {
  const board: BoardSnapshot = {
    managers: [
      { extension: '101', name: 'Anna', status: 'on-call', since: 'x', pauseReason: null, callsToday: 1, talkSecondsToday: 0,
        call: { callId: 'a', direction: 'inbound', state: 'talking', otherParty: '+79160000001', since: 'x' } },
      { extension: '102', name: 'Boris', status: 'ringing', since: 'x', pauseReason: null, callsToday: 0, talkSecondsToday: 0,
        call: { callId: 'b', direction: 'inbound', state: 'ringing', otherParty: '+79160000002', since: 'x' } },
    ],
    waiting: [{ scenario: 'sales', calls: [{ callId: 'w', callerNumber: '+79160000003', priority: false, since: 'x' }] }],
    today: null,
    live: { inbound: 3, inboundTalking: 1, outbound: 0, outboundTalking: 0 },
  };

  it('a supervisor sees everything', () => {
    expect(boardFor(board, { role: 'supervisor', extension: null })).toEqual(board);
  });

  it("a manager sees his own caller, his colleagues' states but not their clients, and the queue without numbers", () => {
    const seen = boardFor(board, { role: 'manager', extension: '101' });
    expect(seen.managers[0]?.call?.otherParty).toBe('+79160000001');
    expect(seen.managers[0]?.call?.callId).toBe('a');
    expect(seen.managers[1]).toMatchObject({ status: 'ringing', call: { state: 'ringing', otherParty: null, callId: null } });
    expect(seen.waiting[0]?.calls[0]).toMatchObject({ callId: null, callerNumber: null });
    // Nowhere in what he is sent: a colleague's or a waiting caller's Call-ID could aim a forged INVITE or CANCEL.
    expect(JSON.stringify(seen)).not.toMatch(/"callId":"[bw]"/);
  });
});

describe('calls in progress on the board', () => {
  const manager = (extension: string, call: BoardManager['call']): BoardManager => ({
    extension, name: extension, status: call ? (call.state === 'ringing' ? 'ringing' : 'on-call') : 'available', since: 'x', pauseReason: null, callsToday: 0, talkSecondsToday: 0, call,
  });
  const call = (callId: string, direction: 'inbound' | 'outbound' | 'internal', state: 'ringing' | 'talking') => ({ callId, direction, state, otherParty: null, since: 'x' });

  it('counts each call once, whether it rings two managers or waits in line while it rings', () => {
    const managers = [
      manager('101', call('in-1', 'inbound', 'ringing')),
      manager('102', call('in-1', 'inbound', 'ringing')),
      manager('103', call('in-2', 'inbound', 'talking')),
      manager('104', call('out-1', 'outbound', 'ringing')),
      manager('105', call('out-2', 'outbound', 'talking')),
      manager('106', call('int-1', 'internal', 'talking')),
      manager('107', call('int-1', 'internal', 'talking')),
      manager('108', null),
    ];
    const waiting = [{ scenario: 's', calls: [{ callId: 'in-1', callerNumber: '1', priority: false, since: 'x' }, { callId: 'in-3', callerNumber: '2', priority: false, since: 'x' }] }];
    expect(liveCountsOf(managers, waiting)).toEqual({ inbound: 3, inboundTalking: 1, outbound: 2, outboundTalking: 1 });
  });

  it('counts nothing on a quiet board', () => {
    expect(liveCountsOf([manager('101', null)], [])).toEqual({ inbound: 0, inboundTalking: 0, outbound: 0, outboundTalking: 0 });
  });
});

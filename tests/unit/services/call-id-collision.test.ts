import { describe, expect, it } from 'vitest';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { makeCall } from '../../helpers/call-records.js';
import { createFakeServices } from '../../helpers/fake-services.js';

const REFUSED = { action: 'reject', code: 482, reason: 'Call-ID In Use' };

describe('a new call with a Call-ID another call has', () => {
  it("is refused with 482 while the first call rings, and the first call's live state is untouched", async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    expect((await s.inbound('taken@pbx')).action).toBe('route');
    const before = structuredClone(await s.calls.get('taken@pbx'));
    // A manager's phone dials out reusing the caller's Call-ID; so does a second trunk INVITE.
    expect(await s.dial('taken@pbx', '102', '+79161112233')).toEqual(REFUSED);
    expect(await s.inbound('taken@pbx', '+79990000000')).toEqual(REFUSED);
    expect(await s.calls.get('taken@pbx')).toEqual(before);
    expect((await s.state('102')).calls).toEqual([]);
    // Nothing written for the refused ones: the first call's record is the only one, when it ends.
    expect(s.records).toEqual([]);
    await s.answer('taken@pbx', before!.attempts[0]!.manager!);
    await s.hangUp('taken@pbx');
    expect(s.records.map((r) => [r.callId, r.callerNumber])).toEqual([['taken@pbx', before!.callerNumber]]);
  });

  it('is refused after the first call ended too (its claim outlives it), and a refused call is not announced', async () => {
    const s = createFakeServices();
    await s.register('101');
    await s.dial('out@pbx', '101', '+79161112233');
    await s.hangUp('out@pbx');
    expect(await s.inbound('out@pbx')).toEqual(REFUSED);
    await s.flush();
    expect(s.eventsNamed('call.started').map((e) => e.callId)).toEqual(['out@pbx']);
    expect(s.records.map((r) => r.callId)).toEqual(['out@pbx']);
  });

  it('is refused when only a stored record has the Call-ID (an old call, its claim long expired)', async () => {
    const history = new InMemoryCallStore();
    await history.saveCalls([makeCall({ callId: 'old@pbx' })]);
    const s = createFakeServices({ callHistory: history });
    await s.register('101');
    expect(await s.inbound('old@pbx')).toEqual(REFUSED);
    expect((await s.state('101')).ringingFor).toBeNull();
    expect((await s.inbound('new@pbx')).action).toBe('route');
  });
});

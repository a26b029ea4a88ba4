import { describe, expect, it } from 'vitest';
import { applyCall, callFactOf, contactsOf, firstContacts } from '../../../src/core/leads/first-dial.js';
import { at, dial, inbound, makeLead } from '../../helpers/leads.js';

describe('first dial, first connected, first inbound', () => {
  const lead = makeLead({ createdAt: at(0) });

  it('takes the first outbound call after the creation as the first dial, answered or not, with its seconds', () => {
    const result = firstContacts(lead, [dial('c2', 300, { manager: '102', answeredAfter: 10 }), dial('c1', 125.5)]);
    expect(result.firstDial).toEqual({ callId: 'c1', at: at(125.5), manager: '101', seconds: 125.5 });
    // c1 was not answered; c2 was, 10 s after it started at 300 s.
    expect(result.firstConnected).toEqual({ callId: 'c2', at: at(310) });
    expect(result.firstInbound).toBeNull();
  });

  it('ignores calls from before the creation, to another number, and internal ones', () => {
    const result = firstContacts(lead, [
      dial('before', -1, { answeredAfter: 5 }),
      dial('other', 10, { clientPhone: '+74957654321' }),
      dial('no-number', 20, { clientPhone: null }),
      { ...dial('internal', 30), direction: 'internal' },
    ]);
    expect(result).toEqual(lead);
  });

  it('counts a dial in the very second of the creation (0 s)', () => {
    expect(applyCall(lead, dial('same', 0)).lead.firstDial?.seconds).toBe(0);
  });

  it('keeps the earliest whatever the order calls are seen in, and says what changed', () => {
    const late = applyCall(lead, dial('late', 600, { answeredAfter: 20 }));
    expect(late.changed).toEqual(['dial', 'connected']);
    const early = applyCall(late.lead, dial('early', 60));
    expect(early.changed).toEqual(['dial']);
    expect(early.lead.firstDial?.callId).toBe('early');
    expect(early.lead.firstConnected?.callId).toBe('late');
    // The same call again (call.started, then call.ended) changes nothing.
    expect(applyCall(early.lead, dial('early', 60)).changed).toEqual([]);
  });

  it('records an inbound call from the lead, answered or not, and never as a dial', () => {
    const result = applyCall(lead, inbound('in-1', 42, { answeredAt: at(50) }));
    expect(result.changed).toEqual(['inbound']);
    expect(result.lead.firstInbound).toEqual({ callId: 'in-1', at: at(42) });
    expect(result.lead.firstDial).toBeNull();
  });

  it('lists the contacts a call would be', () => {
    expect(contactsOf(lead, dial('x', 5, { answeredAfter: 3 }))).toEqual([{ kind: 'dial', at: at(5) }, { kind: 'connected', at: at(8) }]);
    expect(contactsOf(lead, inbound('y', 5))).toEqual([{ kind: 'inbound', at: at(5) }]);
  });
});

describe('callFactOf', () => {
  const sides = { callId: 'c', callerNumber: '101', calleeNumber: '8 (495) 123-45-67', manager: '101', startedAt: at(1), answeredAt: null };

  it('takes the dialled number of an outbound call, in E.164', () => {
    expect(callFactOf({ ...sides, direction: 'outbound' }, 'RU').clientPhone).toBe('+74951234567');
  });

  it('takes the caller of an inbound call', () => {
    expect(callFactOf({ ...sides, direction: 'inbound', callerNumber: '79161112233', calleeNumber: '+74950000000' }, 'RU').clientPhone).toBe('+79161112233');
  });

  it('gives an internal call, or an extension dialled, no client', () => {
    expect(callFactOf({ ...sides, direction: 'internal', calleeNumber: '102' }, 'RU').clientPhone).toBeNull();
    expect(callFactOf({ ...sides, direction: 'outbound', calleeNumber: '102' }, 'RU').clientPhone).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { COMPANY, createFakeServices } from '../../helpers/fake-services.js';

describe('call events for the CRM', () => {
  it('raises call.started, call.answered and call.ended (with the record) once each, in that order', async () => {
    const s = createFakeServices();
    await s.register('101');
    await s.inbound('c1');
    await s.flush();
    await s.answer('c1', '101');
    await s.clock.advance(30_000);
    await s.hangUp('c1');
    const names = s.domainEvents.map((e) => e.name).filter((n) => n.startsWith('call.'));
    expect(names).toEqual(['call.started', 'call.answered', 'call.ended']);
    expect(s.eventsNamed('call.started')[0]).toMatchObject({ callId: 'c1', direction: 'inbound', calleeNumber: COMPANY, manager: '101' });
    expect(s.eventsNamed('call.answered')[0]).toMatchObject({ callId: 'c1', manager: '101' });
    expect(s.eventsNamed('call.ended')[0]!.record).toMatchObject({ callId: 'c1', disposition: 'answered', manager: '101', talkSeconds: 30 });
  });

  it('a call refused at once only ends, with its reason', async () => {
    const s = createFakeServices();
    await s.inbound('nobody');
    await s.flush();
    expect(s.domainEvents.map((e) => e.name)).toEqual(['call.ended', 'call.missed']);
    expect(s.eventsNamed('call.ended')[0]!.record).toMatchObject({ disposition: 'missed', sipCode: 480 });
  });
});

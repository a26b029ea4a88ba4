import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryLeadStore } from '../../../src/adapters/memory/memory-lead-store.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import type { Config } from '../../../src/config/config-schema.js';
import type { LeadStore } from '../../../src/core/leads/lead-store.port.js';
import type { DomainEventMap } from '../../../src/services/domain-events.js';
import { LeadTracker } from '../../../src/services/lead-tracker.js';
import { CLIENT, SECOND, createFakeServices } from '../../helpers/fake-services.js';

const MINUTE = 60 * SECOND;

/**
 * The tracker on the services as the launcher composes them (fake time, memory
 * stores): calls go through the router and the call events, the tracker only
 * listens to the domain events.
 */
function setUp(options: { leads?: Partial<Config['leads']>; store?: LeadStore; callStore?: InMemoryCallStore } = {}) {
  const s = createFakeServices();
  const config = { ...s.config, leads: { ...s.config.leads, ...options.leads } };
  const store = options.store ?? new MemoryLeadStore();
  const tracker = new LeadTracker({
    store,
    events: s.events,
    config,
    registrations: s.stores.registrations,
    callStore: options.callStore,
    log: pino({ level: 'silent' }),
  });
  const firstDials: DomainEventMap['lead.first_dial'][] = [];
  const breaches: DomainEventMap['lead.sla_breached'][] = [];
  s.events.on('lead.first_dial', (e) => void firstDials.push(e));
  s.events.on('lead.sla_breached', (e) => void breaches.push(e));
  tracker.start();
  const settle = async () => {
    await s.flush();
    await tracker.idle();
  };
  return { s, tracker, store, firstDials, breaches, settle, advance: async (ms: number) => { await s.clock.advance(ms); await settle(); } };
}

describe('LeadTracker on the call events', () => {
  it('records the first dial of a lead when a manager dials its number written another way, and raises lead.first_dial', async () => {
    const { s, tracker, firstDials, advance, settle } = setUp();
    await s.register('101', '102');
    const createdAt = new Date(s.clock.now());
    await tracker.receive({ id: 'L1', phone: '8 (916) 111-22-33', ownerManager: '101' });
    await advance(95 * SECOND);

    await s.dial('o1', '102', '+7 916 111 22 33');
    await settle();

    expect(firstDials).toEqual([{ leadId: 'L1', callId: 'o1', manager: '102', seconds: 95, at: new Date(createdAt.getTime() + 95 * SECOND).toISOString() }]);
    expect((await tracker.get('L1'))?.firstDial).toMatchObject({ callId: 'o1', manager: '102', seconds: 95 });

    // The call ends unanswered, then 101 dials again: neither is a new first dial.
    await s.busy('o1');
    await advance(10 * SECOND);
    await s.dial('o2', '101', '89161112233');
    await settle();
    expect(firstDials).toHaveLength(1);
  });

  it('records the first connected call at its answer and the first inbound call from the lead', async () => {
    const { s, tracker, settle, advance } = setUp();
    await s.register('101');
    await tracker.receive({ id: 'L1', phone: CLIENT });
    await advance(30 * SECOND);
    await s.dial('o1', '101', CLIENT);
    await advance(5 * SECOND);
    await s.answer('o1');
    await advance(60 * SECOND);
    await s.hangUp('o1');
    await settle();
    await advance(MINUTE);
    await s.inbound('in-1', CLIENT);
    await settle();

    const lead = await tracker.get('L1');
    expect(lead?.firstDial).toMatchObject({ callId: 'o1', seconds: 30 });
    expect(lead?.firstConnected).toMatchObject({ callId: 'o1', at: new Date(lead!.createdAt.getTime() + 35 * SECOND) });
    expect(lead?.firstInbound).toMatchObject({ callId: 'in-1', at: new Date(lead!.createdAt.getTime() + 155 * SECOND) });
  });

  it('ignores internal calls and calls from before the lead existed', async () => {
    const { s, tracker, firstDials, settle, advance } = setUp();
    await s.register('101', '102');
    await s.dial('early', '101', CLIENT);
    await settle();
    await advance(SECOND);
    await tracker.receive({ id: 'L1', phone: CLIENT });
    await s.busy('early');
    await s.dial('int', '101', '102');
    await settle();
    expect(firstDials).toEqual([]);
    expect((await tracker.get('L1'))?.firstDial).toBeNull();
  });

  it('stops following calls after stop()', async () => {
    const { s, tracker, settle } = setUp();
    await s.register('101');
    await tracker.receive({ id: 'L1', phone: CLIENT });
    tracker.stop();
    await s.dial('o1', '101', CLIENT);
    await settle();
    expect((await tracker.get('L1'))?.firstDial).toBeNull();
  });

  it('logs a store failure without throwing into the event bus', async () => {
    const store = new MemoryLeadStore();
    store.recordCall = async () => {
      throw new Error('database down');
    };
    const { s, tracker, settle } = setUp({ store });
    await s.register('101');
    await tracker.receive({ id: 'L1', phone: CLIENT });
    await s.dial('o1', '101', CLIENT);
    await expect(settle()).resolves.toBeUndefined();
  });
});

describe('LeadTracker SLA', () => {
  it('raises lead.sla_breached once when nobody dials within the SLA, on the periodic check', async () => {
    const { s, tracker, breaches, advance } = setUp({ leads: { slaMinutes: 15, checkIntervalSeconds: 30 } });
    await tracker.receive({ id: 'L1', phone: '+7 495 123-45-67', ownerManager: '101' });
    await advance(15 * MINUTE);
    // The deadline has just passed: the check waits out its grace (5 s) and fires on the next tick.
    expect(breaches).toEqual([]);
    await advance(30 * SECOND);
    expect(breaches).toEqual([
      { leadId: 'L1', phone: '+74951234567', ownerManager: '101', minutes: 15, at: new Date(s.clock.now()).toISOString(), reassignedTo: null },
    ]);
    await advance(10 * MINUTE);
    expect(breaches).toHaveLength(1);
    const lead = await tracker.get('L1');
    expect(lead?.slaBreachedAt).not.toBeNull();
  });

  it("uses the lead's own SLA minutes, and raises nothing for a lead dialled in time", async () => {
    const { s, tracker, breaches, advance, settle } = setUp({ leads: { slaMinutes: 60, checkIntervalSeconds: 10 } });
    await s.register('101');
    await tracker.receive({ id: 'fast', phone: CLIENT, slaMinutes: 2 });
    await tracker.receive({ id: 'slow', phone: '+79162223344', slaMinutes: 2 });
    await advance(MINUTE);
    await s.dial('o1', '101', CLIENT);
    await settle();
    await advance(2 * MINUTE);
    expect(breaches.map((b) => [b.leadId, b.minutes])).toEqual([['slow', 2]]);
  });

  it('moves a breached lead to the registered manager with the fewest undialled leads when leads.reassignOnBreach is on', async () => {
    const { s, tracker, breaches, advance } = setUp({ leads: { reassignOnBreach: true, slaMinutes: 5, checkIntervalSeconds: 10 } });
    await s.register('101', '102', '103');
    // 102 already has an undialled lead with a long SLA; 103 has none.
    await tracker.receive({ id: 'busy-102', phone: '+79162223344', ownerManager: '102', slaMinutes: 600 });
    await tracker.receive({ id: 'L1', phone: CLIENT, ownerManager: '101' });
    await advance(6 * MINUTE);
    expect(breaches.map((b) => [b.leadId, b.ownerManager, b.reassignedTo])).toEqual([['L1', '101', '103']]);
    expect(await tracker.get('L1')).toMatchObject({ ownerManager: '103', reassignedFrom: '101' });
  });

  it('leaves the owner when nobody else is registered', async () => {
    const { s, tracker, breaches, advance } = setUp({ leads: { reassignOnBreach: true, slaMinutes: 5, checkIntervalSeconds: 10 } });
    await s.register('101');
    await tracker.receive({ id: 'L1', phone: CLIENT, ownerManager: '101' });
    await advance(6 * MINUTE);
    expect(breaches.map((b) => b.reassignedTo)).toEqual([null]);
    expect((await tracker.get('L1'))?.ownerManager).toBe('101');
  });
});

describe('LeadTracker intake', () => {
  it('finds a dial made before a late lead reached us in the finished calls', async () => {
    const callStore = new InMemoryCallStore();
    const { s, tracker, firstDials } = setUp({ callStore });
    await s.register('101');
    const createdAt = new Date(s.clock.now());
    await s.clock.advance(20 * SECOND);
    await s.dial('before-intake', '101', '8 916 111-22-33');
    await s.clock.advance(5 * SECOND);
    await s.busy('before-intake');
    await callStore.saveCalls(s.records);
    await s.clock.advance(MINUTE);

    const { lead, created } = await tracker.receive({ id: 'late', phone: CLIENT, createdAt });
    expect(created).toBe(true);
    expect(lead.firstDial).toMatchObject({ callId: 'before-intake', seconds: 20 });
    expect(firstDials.map((e) => [e.leadId, e.callId])).toEqual([['late', 'before-intake']]);
  });

  it('treats the same lead id sent again as an update', async () => {
    const { tracker } = setUp();
    expect((await tracker.receive({ id: 'L1', phone: CLIENT, ownerManager: '101' })).created).toBe(true);
    const again = await tracker.receive({ id: 'L1', phone: CLIENT, ownerManager: '102' });
    expect(again).toMatchObject({ created: false, lead: { ownerManager: '102' } });
  });
});

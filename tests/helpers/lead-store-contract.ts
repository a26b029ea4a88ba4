import { beforeEach, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../src/core/leads/lead-store.port.js';
import { at, dial, inbound, makeNewLead } from './leads.js';

/**
 * Behaviour every LeadStore must have. Run against PostgresLeadStore (integration) and
 * MemoryLeadStore (unit), so tests on the fake hold for the real store.
 * `fresh` must return an empty store.
 */
export function leadStoreContract(name: string, fresh: () => Promise<LeadStore>): void {
  describe(`${name} (LeadStore contract)`, () => {
    let store: LeadStore;
    beforeEach(async () => {
      store = await fresh();
    });

    it('adds a lead once; a resend updates phone, owner and SLA but keeps its creation and firsts', async () => {
      const first = await store.upsert(makeNewLead());
      expect(first.created).toBe(true);
      expect(first.lead).toMatchObject({ id: 'lead-1', phone: '+74951234567', createdAt: at(0), firstDial: null, slaBreachedAt: null });
      await store.recordCall(dial('c1', 60));

      const again = await store.upsert(makeNewLead({ ownerManager: '102', slaMinutes: 30, createdAt: at(50), receivedAt: at(200), phoneRaw: '+7 495 123 45 67' }));
      expect(again.created).toBe(false);
      expect(again.lead).toMatchObject({ ownerManager: '102', slaMinutes: 30, phoneRaw: '+7 495 123 45 67', createdAt: at(0), receivedAt: at(0) });
      expect(again.lead.firstDial?.callId).toBe('c1');
      expect(await store.get('lead-1')).toEqual(again.lead);
      expect(await store.get('nope')).toBeNull();
    });

    it('tells the owner of the newest lead with a number (for sticky routing), ignoring leads without one', async () => {
      expect(await store.ownerOf('+74951234567')).toBeNull();
      await store.upsert(makeNewLead({ id: 'old', ownerManager: '101', createdAt: at(0) }));
      await store.upsert(makeNewLead({ id: 'new', ownerManager: '102', createdAt: at(100) }));
      await store.upsert(makeNewLead({ id: 'newest-unowned', ownerManager: null, createdAt: at(200) }));
      expect(await store.ownerOf('+74951234567')).toBe('102');
      expect(await store.ownerOf('+79990000000')).toBeNull();
    });

    it('gives the newest lead of each number asked about, owned or not', async () => {
      expect(await store.newestByPhones([])).toEqual(new Map());
      await store.upsert(makeNewLead({ id: 'old', ownerManager: '101', createdAt: at(0) }));
      await store.upsert(makeNewLead({ id: 'newest-unowned', ownerManager: null, createdAt: at(200) }));
      await store.upsert(makeNewLead({ id: 'new', ownerManager: '102', createdAt: at(100) }));
      await store.upsert(makeNewLead({ id: 'other', phone: '+79161112233', createdAt: at(50) }));
      // Created at the same instant: the greater id wins, as in list().
      await store.upsert(makeNewLead({ id: 'tie-a', phone: '+79162223344', createdAt: at(10) }));
      await store.upsert(makeNewLead({ id: 'tie-b', phone: '+79162223344', createdAt: at(10) }));
      await store.upsert(makeNewLead({ id: 'not-asked', phone: '+79163334455', createdAt: at(10) }));

      const newest = await store.newestByPhones(['+74951234567', '+79161112233', '+79162223344', '+79990000000', '+74951234567']);
      expect([...newest.entries()].map(([phone, lead]) => [phone, lead.id]).sort()).toEqual([
        ['+74951234567', 'newest-unowned'],
        ['+79161112233', 'other'],
        ['+79162223344', 'tie-b'],
      ]);
      expect(newest.get('+74951234567')).toEqual(await store.get('newest-unowned'));
    });

    it('records the first dial once: a later call changes nothing', async () => {
      await store.upsert(makeNewLead());
      const firstContacts = await store.recordCall(dial('c1', 60.25));
      expect(firstContacts.map((c) => [c.lead.id, c.kind])).toEqual([['lead-1', 'dial']]);
      expect(firstContacts[0]!.lead.firstDial).toEqual({ callId: 'c1', at: at(60.25), manager: '101', seconds: 60.25 });
      expect(await store.recordCall(dial('c2', 120, { manager: '102' }))).toEqual([]);
      expect(await store.recordCall(dial('c1', 60.25))).toEqual([]);
      expect((await store.get('lead-1'))?.firstDial?.callId).toBe('c1');
    });

    it('does not count a dial that started before the lead was created', async () => {
      await store.upsert(makeNewLead({ createdAt: at(100) }));
      expect(await store.recordCall(dial('early', 99, { answeredAfter: 5 }))).toEqual([]);
      expect((await store.get('lead-1'))?.firstDial).toBeNull();
      expect((await store.recordCall(dial('after', 100)))[0]?.lead.firstDial?.seconds).toBe(0);
    });

    it('lets an earlier dial learnt late replace a later one', async () => {
      await store.upsert(makeNewLead());
      await store.recordCall(dial('later', 300));
      const contacts = await store.recordCall(dial('earlier', 200, { manager: '102' }));
      expect(contacts[0]?.lead.firstDial).toEqual({ callId: 'earlier', at: at(200), manager: '102', seconds: 200 });
    });

    it('records the first connected call at its answer and the first inbound call, answered or not', async () => {
      await store.upsert(makeNewLead());
      await store.recordCall(dial('missed', 10));
      const connected = await store.recordCall(dial('talk', 40, { answeredAfter: 7 }));
      expect(connected.map((c) => c.kind)).toEqual(['connected']);
      expect(connected[0]!.lead.firstConnected).toEqual({ callId: 'talk', at: at(47) });
      const inbound1 = await store.recordCall(inbound('in-1', 500));
      expect(inbound1.map((c) => c.kind)).toEqual(['inbound']);
      expect(inbound1[0]!.lead.firstInbound).toEqual({ callId: 'in-1', at: at(500) });
      expect(inbound1[0]!.lead.firstDial?.callId).toBe('missed');
    });

    it('applies a call to every lead with the number that existed when it started', async () => {
      await store.upsert(makeNewLead({ id: 'old', createdAt: at(0) }));
      await store.upsert(makeNewLead({ id: 'new', createdAt: at(100) }));
      await store.upsert(makeNewLead({ id: 'other', phone: '+79161112233' }));
      const contacts = await store.recordCall(dial('c', 50));
      expect(contacts.map((c) => c.lead.id)).toEqual(['old']);
      expect((await store.recordCall(dial('c2', 150))).map((c) => c.lead.id)).toEqual(['new']);
      expect(await store.recordCall(dial('none', 10, { clientPhone: null }))).toEqual([]);
    });

    it('marks each overdue undialled lead once, at the given time', async () => {
      await store.upsert(makeNewLead({ id: 'due', createdAt: at(0), slaMinutes: 15 }));
      await store.upsert(makeNewLead({ id: 'not-yet', createdAt: at(0), slaMinutes: 16 }));
      await store.upsert(makeNewLead({ id: 'dialled', createdAt: at(0), slaMinutes: 1, phone: '+79161112233' }));
      await store.recordCall(dial('c', 30, { clientPhone: '+79161112233' }));

      expect(await store.markBreached(at(899), at(905))).toEqual([]);
      const breached = await store.markBreached(at(900), at(905));
      expect(breached.map((l) => [l.id, l.slaBreachedAt])).toEqual([['due', at(905)]]);
      expect(await store.markBreached(at(910), at(915))).toEqual([]);
      expect((await store.list({ status: 'breached' }, { limit: 10, offset: 0 })).items.map((l) => l.id)).toEqual(['due']);
    });

    it('reassigns only from the owner it expects, remembering the former owner', async () => {
      await store.upsert(makeNewLead({ ownerManager: '101' }));
      expect(await store.reassign('lead-1', '102', '103')).toBeNull();
      expect(await store.reassign('lead-1', '101', '103')).toMatchObject({ ownerManager: '103', reassignedFrom: '101' });
      await store.upsert(makeNewLead({ id: 'nobody', ownerManager: null }));
      expect(await store.reassign('nobody', null, '102')).toMatchObject({ ownerManager: '102', reassignedFrom: null });
    });

    it('counts undialled leads per owner among the managers asked about', async () => {
      await store.upsert(makeNewLead({ id: 'a1', ownerManager: '101' }));
      await store.upsert(makeNewLead({ id: 'a2', ownerManager: '101' }));
      await store.upsert(makeNewLead({ id: 'b1', ownerManager: '102', phone: '+79161112233' }));
      await store.upsert(makeNewLead({ id: 'c1', ownerManager: '103' }));
      await store.recordCall(dial('c', 10, { clientPhone: '+79161112233' }));
      expect(await store.openLeadCounts(['101', '102'])).toEqual(new Map([['101', 2]]));
      expect(await store.openLeadCounts([])).toEqual(new Map());
    });

    it('lists newest first with filters, a page and the total', async () => {
      await store.upsert(makeNewLead({ id: 'l1', createdAt: at(0), ownerManager: '101' }));
      await store.upsert(makeNewLead({ id: 'l2', createdAt: at(60), ownerManager: '102', phone: '+79161112233' }));
      await store.upsert(makeNewLead({ id: 'l3', createdAt: at(120), ownerManager: '101', phone: '+79162223344' }));
      await store.recordCall(dial('c', 130, { clientPhone: '+79162223344' }));
      const ids = async (filter: Parameters<LeadStore['list']>[0], limit = 10, offset = 0) => {
        const page = await store.list(filter, { limit, offset });
        return [page.items.map((l) => l.id), page.total];
      };
      expect(await ids({})).toEqual([['l3', 'l2', 'l1'], 3]);
      expect(await ids({}, 1, 1)).toEqual([['l2'], 3]);
      expect(await ids({ ownerManager: '101' })).toEqual([['l3', 'l1'], 2]);
      expect(await ids({ from: at(60), to: at(120) })).toEqual([['l2'], 1]);
      expect(await ids({ status: 'dialled' })).toEqual([['l3'], 1]);
      expect(await ids({ status: 'undialled', ownerManager: '101' })).toEqual([['l1'], 1]);
      const oldest = async (filter: Parameters<LeadStore['list']>[0], limit = 10, offset = 0) =>
        (await store.list(filter, { limit, offset, order: 'oldest' })).items.map((l) => l.id);
      expect(await oldest({})).toEqual(['l1', 'l2', 'l3']);
      expect(await oldest({ status: 'undialled' }, 1, 1)).toEqual(['l2']);
    });

    it('gives the statistics the leads created in the period', async () => {
      await store.upsert(makeNewLead({ id: 'in', createdAt: at(0), ownerManager: '101' }));
      await store.upsert(makeNewLead({ id: 'out', createdAt: at(3600), ownerManager: '101', phone: '+79161112233' }));
      await store.recordCall(dial('c', 42.5));
      expect(await store.statsLeads(at(0), at(3600))).toEqual([{ ownerManager: '101', createdAt: at(0), slaMinutes: 15, firstDialSeconds: 42.5 }]);
      expect(await store.statsLeads(at(0), at(3601), '102')).toEqual([]);
    });

    it('lists the slowest leads of the period, an undialled one by its wait so far, ties by age then id', async () => {
      // Dialled at 600 s, 42.5 s and 300 s; one never dialled (2,000 s old at `now`); a tie at 300 s; one outside the period.
      const lead = (id: string, phone: string, createdAt: number, ownerManager: string | null = '101') =>
        store.upsert(makeNewLead({ id, phone, createdAt: at(createdAt), ownerManager }));
      await lead('slow', '+79160000001', 0);
      await lead('fast', '+79160000002', 0);
      await lead('tie-b', '+79160000003', 100, '102');
      await lead('tie-a', '+79160000004', 100, '102');
      await lead('tie-older', '+79160000005', 50, null);
      await lead('waiting', '+79160000006', 400);
      await lead('later', '+79160000007', 3600);
      const dialAt = (phone: string, seconds: number) => store.recordCall(dial(`c-${phone}`, seconds, { clientPhone: phone }));
      await dialAt('+79160000001', 600);
      await dialAt('+79160000002', 42.5);
      await dialAt('+79160000003', 400);
      await dialAt('+79160000004', 400);
      await dialAt('+79160000005', 350);
      await dialAt('+79160000007', 9000);
      const now = at(2400);
      const slowest = async (limit: number, owner?: string) =>
        (await store.slowestLeads(at(0), at(3600), now, limit, owner)).map((s) => [s.lead.id, s.waitSeconds]);
      expect(await slowest(10)).toEqual([['waiting', 2000], ['slow', 600], ['tie-older', 300], ['tie-a', 300], ['tie-b', 300], ['fast', 42.5]]);
      expect(await slowest(2)).toEqual([['waiting', 2000], ['slow', 600]]);
      expect(await slowest(10, '102')).toEqual([['tie-a', 300], ['tie-b', 300]]);
      expect(await slowest(0)).toEqual([]);
      expect(await store.slowestLeads(at(-7200), at(-3600), now, 10)).toEqual([]);
      const [first] = await store.slowestLeads(at(0), at(3600), now, 1);
      expect(first?.lead).toEqual(await store.get('waiting'));
    });
  });
}

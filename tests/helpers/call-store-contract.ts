import { beforeEach, describe, expect, it } from 'vitest';
import type { CallStore } from '../../src/core/calls/call-store.port.js';
import { makeAttempt, makeCall, makeCalls } from './call-records.js';

/**
 * Behaviour every CallStore must have. Run against PostgresCallStore (integration) and
 * InMemoryCallStore (unit), so the fake the HTTP tests rely on cannot drift from the real one.
 * `fresh` must return an empty store.
 */
export function callStoreContract(name: string, fresh: () => Promise<CallStore>): void {
  describe(`${name} (CallStore contract)`, () => {
    let store: CallStore;
    beforeEach(async () => {
      store = await fresh();
    });

    it('returns a saved call as it was given, attempts in ring order', async () => {
      const start = new Date('2025-02-01T09:00:00.000Z');
      const call = makeCall({
        callId: 'round-trip@test',
        startedAt: start,
        answeredAt: null,
        endedAt: new Date('2025-02-01T09:00:45.500Z'),
        ringSeconds: 45.5,
        talkSeconds: 0,
        disposition: 'no-answer',
        sipCode: 480,
        reason: 'all managers busy',
        companyNumber: null,
        attempts: [
          makeAttempt({ manager: '103', target: 'sip:103@x', startedAt: new Date('2025-02-01T09:00:30Z'), result: 'no-answer', sipCode: 408 }),
          makeAttempt({ manager: '101', target: 'sip:101@x', startedAt: new Date('2025-02-01T09:00:00Z'), result: 'busy', sipCode: 486 }),
          makeAttempt({ manager: null, target: 'sip:+7999@trunk', startedAt: new Date('2025-02-01T09:00:10Z'), endedAt: null, result: 'unreachable', sipCode: null }),
        ],
      });
      await store.saveCalls([call]);
      const got = await store.getCall('round-trip@test');
      expect(got).toEqual(call);
      // Order is the order of the array (ring order), not of startedAt.
      expect(got!.attempts.map((a) => a.manager)).toEqual(['103', '101', null]);
    });

    it('returns null for an unknown call', async () => {
      expect(await store.getCall('nope@test')).toBeNull();
    });

    it('says whether a Call-ID is taken by a stored call', async () => {
      expect(await store.hasCall('taken@test')).toBe(false);
      await store.saveCalls([makeCall({ callId: 'taken@test' })]);
      expect(await store.hasCall('taken@test')).toBe(true);
      expect(await store.hasCall('TAKEN@test')).toBe(false);
    });

    it('does not duplicate or change a call saved twice', async () => {
      const call = makeCall({ callId: 'twice@test' });
      await store.saveCalls([call]);
      await store.saveCalls([{ ...call, manager: '999', attempts: [makeAttempt(), makeAttempt(), makeAttempt()] }]);
      await store.saveCalls([call, call]);
      const page = await store.listCalls({});
      expect(page.total).toBe(1);
      expect(page.items[0]).toEqual(call);
    });

    it('saves the new calls of a batch that repeats some old ones', async () => {
      const [a, b, c] = makeCalls(3);
      await store.saveCalls([a!, b!]);
      await store.saveCalls([b!, c!]);
      const page = await store.listCalls({});
      expect(page.items.map((x) => x.callId)).toEqual([c!.callId, b!.callId, a!.callId]);
      expect((await store.getCall(c!.callId))!.attempts).toHaveLength(1);
    });

    it('accepts an empty batch', async () => {
      await store.saveCalls([]);
      expect((await store.listCalls({})).total).toBe(0);
    });

    it('filters by manager, direction, disposition and the started_at window', async () => {
      const t = (min: number) => new Date(Date.UTC(2025, 2, 1, 12, min));
      await store.saveCalls([
        makeCall({ callId: 'a', manager: '101', direction: 'inbound', disposition: 'answered', startedAt: t(0) }),
        makeCall({ callId: 'b', manager: '102', direction: 'inbound', disposition: 'busy', startedAt: t(10) }),
        makeCall({ callId: 'c', manager: '101', direction: 'outbound', disposition: 'no-answer', startedAt: t(20) }),
        makeCall({ callId: 'd', manager: null, direction: 'inbound', disposition: 'failed', startedAt: t(30) }),
        makeCall({ callId: 'e', manager: '101', direction: 'internal', disposition: 'answered', startedAt: t(40) }),
      ]);
      const ids = async (filter: Parameters<CallStore['listCalls']>[0]) => {
        const page = await store.listCalls(filter);
        expect(page.total).toBe(page.items.length);
        return page.items.map((x) => x.callId);
      };
      expect(await ids({})).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await ids({ manager: '101' })).toEqual(['e', 'c', 'a']);
      expect(await ids({ direction: 'inbound' })).toEqual(['d', 'b', 'a']);
      expect(await ids({ disposition: 'answered' })).toEqual(['e', 'a']);
      // from inclusive, to exclusive
      expect(await ids({ from: t(10), to: t(30) })).toEqual(['c', 'b']);
      expect(await ids({ from: t(40) })).toEqual(['e']);
      expect(await ids({ to: t(0) })).toEqual([]);
      expect(await ids({ manager: '101', direction: 'outbound', disposition: 'no-answer', from: t(0), to: t(60) })).toEqual(['c']);
    });

    it("filters by digits contained in either party's number, ignoring everything but digits", async () => {
      const t = (min: number) => new Date(Date.UTC(2025, 2, 2, 12, min));
      await store.saveCalls([
        makeCall({ callId: 'in', direction: 'inbound', callerNumber: '+79161234567', calleeNumber: '+74951234567', startedAt: t(0) }),
        makeCall({ callId: 'out', direction: 'outbound', callerNumber: '101', calleeNumber: '8 (916) 765-43-21', startedAt: t(10) }),
        makeCall({ callId: 'int', direction: 'internal', callerNumber: '101', calleeNumber: '102', startedAt: t(20) }),
        // A caller with no digits at all (anonymous) is matched only through the other party.
        makeCall({ callId: 'odd', direction: 'inbound', callerNumber: 'anonymous_%', calleeNumber: '+74950000000', startedAt: t(30) }),
      ]);
      const ids = async (number: string, extra: Parameters<CallStore['listCalls']>[0] = {}) => {
        const page = await store.listCalls({ ...extra, number });
        expect(page.total).toBe(page.items.length);
        return page.items.map((x) => x.callId);
      };
      expect(await ids('79161234567')).toEqual(['in']);
      // The query's own formatting does not matter: "+7 (916) 123" is 7916123.
      expect(await ids('+7 (916) 123')).toEqual(['in']);
      // The stored number's formatting does not either: "8 (916) 765-43-21" holds 9167654321.
      expect(await ids('916-765')).toEqual(['out']);
      // Either party: the company line is the callee of the inbound calls.
      expect(await ids('7495')).toEqual(['odd', 'in']);
      expect(await ids('916')).toEqual(['out', 'in']);
      expect(await ids('101')).toEqual(['int', 'out']);
      expect(await ids('102')).toEqual(['int']);
      expect(await ids('5555')).toEqual([]);
      // Combined with the other filters.
      expect(await ids('916', { direction: 'outbound' })).toEqual(['out']);
      expect(await ids('916', { from: t(5) })).toEqual(['out']);
      // No digit at all filters nothing (every number contains the empty string).
      expect(await ids('+-')).toEqual(['odd', 'int', 'out', 'in']);
      // Paged like any other filter.
      const page = await store.listCalls({ number: '7495' }, { limit: 1, offset: 1 });
      expect([page.items.map((x) => x.callId), page.total]).toEqual([['in'], 2]);
    });

    it('pages newest first with a total over all pages', async () => {
      const calls = makeCalls(7, new Date(Date.UTC(2025, 3, 1)));
      await store.saveCalls(calls);
      const newestFirst = calls.map((c) => c.callId).reverse();

      const first = await store.listCalls({}, { limit: 3, offset: 0 });
      const second = await store.listCalls({}, { limit: 3, offset: 3 });
      const third = await store.listCalls({}, { limit: 3, offset: 6 });
      const beyond = await store.listCalls({}, { limit: 3, offset: 50 });

      expect([first, second, third, beyond].map((p) => p.total)).toEqual([7, 7, 7, 7]);
      expect([...first.items, ...second.items, ...third.items].map((c) => c.callId)).toEqual(newestFirst);
      expect(third.items).toHaveLength(1);
      expect(beyond.items).toEqual([]);
    });

    it('orders calls that started at the same instant by callId, so pages do not overlap', async () => {
      const same = new Date(Date.UTC(2025, 4, 1));
      await store.saveCalls(['x1', 'x3', 'x2'].map((callId) => makeCall({ callId, startedAt: same })));
      const a = await store.listCalls({}, { limit: 2, offset: 0 });
      const b = await store.listCalls({}, { limit: 2, offset: 2 });
      expect([...a.items, ...b.items].map((c) => c.callId)).toEqual(['x3', 'x2', 'x1']);
    });

    it('applies the default limit of 50 and caps it at 500', async () => {
      await store.saveCalls(makeCalls(520, new Date(Date.UTC(2025, 5, 1)), { attempts: [] }));
      expect((await store.listCalls({})).items).toHaveLength(50);
      const capped = await store.listCalls({}, { limit: 10_000 });
      expect(capped.items).toHaveLength(500);
      expect(capped.total).toBe(520);
    });
  });
}

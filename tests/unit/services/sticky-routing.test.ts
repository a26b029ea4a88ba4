import { describe, expect, it } from 'vitest';
import { MemoryLeadStore } from '../../../src/adapters/memory/memory-lead-store.js';
import { CLIENT, SECOND, contactOf, createFakeServices, managersOf, scenarioYaml, sourceOf, type FakeServices } from '../../helpers/fake-services.js';

const DAY = 86_400_000;

/** The client's own manager (history of `days`), then sales top-down. */
const sticky = (days = 30, callback: Record<string, unknown> | undefined = undefined) =>
  scenarioYaml({
    groups: { sales: ['101', '102', '103'] },
    steps: [
      { sticky: { days }, ring_timeout: 20 },
      { group: 'sales', strategy: 'sequential', ring_timeout: 15, wrap_up: 0 },
    ],
    ...(callback ? { missed: { callback } } : {}),
  });

const withSticky = (days?: number, callback?: Record<string, unknown>) => createFakeServices({ scenarios: { 'sticky.yaml': sticky(days, callback) } });

/** The client talks to 102 once (101 declines first), so the history says 102. */
async function talkedTo102(s: FakeServices): Promise<void> {
  expect(managersOf(await s.inbound('first', CLIENT))).toEqual(['101']);
  expect(managersOf((await s.busy('first'))!)).toEqual(['102']);
  await s.answer('first', '102');
  await s.clock.advance(60 * SECOND);
  await s.hangUp('first');
  await s.clock.advance(1 * SECOND);
}

describe('sticky routing', () => {
  it('rings the manager the client last talked to first, with the sticky step\'s ring time', async () => {
    const s = withSticky();
    await s.register('101', '102', '103');
    await talkedTo102(s);
    expect(s.stores.clients.entries.get(CLIENT.replace('+', ''))).toMatchObject({ manager: '102' });
    const decision = await s.inbound('again', CLIENT);
    expect(decision).toEqual({ action: 'route', targets: [{ uri: contactOf('102'), nextHop: sourceOf('102'), ringTimeoutMs: 20_000 }], parallel: false });
    expect((await s.calls.get('again'))?.progress).toMatchObject({ step: 0, stickyManager: '102', priority: true });
    // another client still goes by the group's order
    expect(managersOf(await s.inbound('stranger', '+79990000001'))).toEqual(['101']);
  });

  it('knows the client however the trunk writes his number', async () => {
    const s = withSticky();
    await s.register('101', '102');
    await s.stores.clients.remember('+7 916 111-22-33', '102', s.clock.now() - DAY);
    expect(managersOf(await s.inbound('a', '79161112233'))).toEqual(['102']);
  });

  it('goes on to the group when his own manager does not answer', async () => {
    const s = withSticky();
    await s.register('101', '102', '103');
    await talkedTo102(s);
    await s.inbound('again', CLIENT);
    const next = await s.noAnswer('again');
    expect(managersOf(next!)).toEqual(['101']);
    expect((await s.calls.get('again'))?.progress).toMatchObject({ step: 1, tried: ['101'] });
  });

  it('goes to the group at once when his own manager is busy', async () => {
    const s = withSticky();
    await s.register('101', '102', '103');
    await talkedTo102(s);
    await s.inbound('other', '+79990000001');
    await s.answer('other', '101'); // 101 busy too
    await s.inbound('busy-102', '+79990000002');
    await s.answer('busy-102', '102');
    expect(managersOf(await s.inbound('again', CLIENT))).toEqual(['103']);
    expect((await s.calls.get('again'))?.progress).toMatchObject({ step: 1, stickyManager: '102' });
  });

  it('goes to the group at once when his own manager is offline or paused', async () => {
    const s = withSticky();
    await s.register('101', '102', '103');
    await talkedTo102(s);
    await s.unregister('102');
    expect(managersOf(await s.inbound('a', CLIENT))).toEqual(['101']);
    await s.register('102');
    await s.console.pause('102', 'training');
    expect(managersOf(await s.inbound('b', CLIENT))).toEqual(['103']);
  });

  it('ignores history older than the step\'s days', async () => {
    const s = withSticky(7);
    await s.register('101', '102', '103');
    await s.stores.clients.remember(CLIENT, '102', s.clock.now() - 7 * DAY - 1000);
    expect(managersOf(await s.inbound('old', CLIENT))).toEqual(['101']);
    expect((await s.calls.get('old'))?.progress).toMatchObject({ stickyManager: null, priority: false });
    await s.stores.clients.remember(CLIENT, '102', s.clock.now() - 6 * DAY);
    expect(managersOf(await s.inbound('recent', CLIENT))).toEqual(['102']);
  });

  it('gives the callback of a missed call to the client\'s own manager', async () => {
    const s = withSticky();
    await s.register('101', '102');
    await s.stores.clients.remember(CLIENT, '102', s.clock.now() - DAY);
    await s.inbound('a', CLIENT); // 102 (sticky), then 101, 102 again in the group
    await s.noAnswer('a');
    await s.noAnswer('a');
    expect(await s.noAnswer('a')).toMatchObject({ action: 'reject', code: 480 });
    await s.flush();
    expect(s.recordOf('a')!.attempts.map((t) => t.manager)).toEqual(['102', '101', '102']);
    expect(s.stores.callbacks.tasks.map((t) => [t.callId, t.manager])).toEqual([['a', '102']]);
    expect(s.eventsNamed('call.missed')[0]).toMatchObject({ callId: 'a', callbackManager: '102' });
  });

  it('gives the callback by the callback strategy when the client has no manager, or sticky callbacks are off', async () => {
    const s = withSticky(30, { group: 'sales', strategy: 'sequential', sticky: false });
    await s.register('101', '102');
    await s.stores.clients.remember(CLIENT, '102', s.clock.now() - DAY);
    await s.inbound('a', CLIENT);
    await s.noAnswer('a');
    await s.noAnswer('a');
    await s.noAnswer('a');
    await s.flush();
    expect(s.stores.callbacks.tasks.map((t) => [t.callId, t.manager])).toEqual([['a', '101']]);
  });

  it('rings the client\'s owner in the CRM first (crm_owner), before whoever last talked to him', async () => {
    const leads = new MemoryLeadStore();
    const t = new Date(Date.now());
    await leads.upsert({ id: 'L-1', phone: CLIENT, phoneRaw: CLIENT, createdAt: t, receivedAt: t, ownerManager: '103', scenario: null, slaMinutes: 15 });
    const s = createFakeServices({ scenarios: { 'sticky.yaml': sticky() }, leads });
    await s.register('101', '102', '103');
    await s.stores.clients.remember(CLIENT, '102', Date.now());
    expect(managersOf(await s.inbound('owned', CLIENT))).toEqual(['103']);
    // A client without a lead still goes to whoever last talked to him.
    await s.stores.clients.remember('+79990000002', '102', Date.now());
    expect(managersOf(await s.inbound('known', '+79990000002'))).toEqual(['102']);
  });

  it('with crm_owner: false only the history decides', async () => {
    const leads = new MemoryLeadStore();
    const t = new Date(Date.now());
    await leads.upsert({ id: 'L-1', phone: CLIENT, phoneRaw: CLIENT, createdAt: t, receivedAt: t, ownerManager: '103', scenario: null, slaMinutes: 15 });
    const yaml = scenarioYaml({ groups: { sales: ['101', '102', '103'] }, steps: [{ sticky: { days: 30, crm_owner: false } }, { group: 'sales', strategy: 'sequential', wrap_up: 0 }] });
    const s = createFakeServices({ scenarios: { 'sticky.yaml': yaml }, leads });
    await s.register('101', '102', '103');
    await s.stores.clients.remember(CLIENT, '102', Date.now());
    expect(managersOf(await s.inbound('history', CLIENT))).toEqual(['102']);
  });
});

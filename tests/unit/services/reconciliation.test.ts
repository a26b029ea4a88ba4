import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DialogView, RegistrationView, SipEdgeView } from '../../../src/core/calls/sip-edge-view.port.js';
import { composeServices } from '../../../src/launcher/compose-services.js';
import { Reconciliation, type ServiceHeartbeat } from '../../../src/services/reconciliation.js';
import { COMPANY, contactOf, createFakeServices, seeded, sourceOf, type FakeServices } from '../../helpers/fake-services.js';

/** What Kamailio would answer: the dialogs and bindings it still has, and when it started. */
class FakeEdge implements SipEdgeView {
  readonly dialogs = new Map<string, DialogView>();
  readonly bindings = new Map<string, RegistrationView>();
  readonly restored: string[] = [];
  started = 0;

  async dialog(callId: string) {
    return this.dialogs.get(callId) ?? null;
  }
  async earlyDialogs() {
    return [...this.dialogs].filter(([, d]) => d.state === 'early').map(([callId, d]) => ({ callId, startedAt: d.request?.receivedAt ?? 0 }));
  }
  async registration(extension: string) {
    return this.bindings.get(extension) ?? null;
  }
  async restoreRegistration(extension: string, binding: RegistrationView) {
    this.restored.push(extension);
    this.bindings.set(extension, binding);
  }
  async startedAt() {
    return this.started;
  }
}

class FakeHeartbeat implements ServiceHeartbeat {
  constructor(public seen: number | null) {}
  async lastSeen() {
    return this.seen;
  }
  async beat(at: number) {
    this.seen = at;
  }
}

/**
 * The process that died and the one that starts after it share the stores only:
 * the new one's waiting line, timers and caches start empty, as after a SIGKILL.
 */
function restartedProcess(before: FakeServices, edge: FakeEdge, heartbeat: FakeHeartbeat, media: { up?: Set<string>; times?: Map<string, { firstAt: number; lastAt: number }> } = {}) {
  before.stop();
  const after = composeServices({ config: before.config, stores: before.stores, scenarios: before.scenarios, log: pino({ level: 'silent' }), random: seeded(3), clock: () => Date.now() });
  /** Call-ID and action of each suspended call this process resumed. */
  const resumed: string[] = [];
  after.setResume((call, decision) => void resumed.push(`${call.callId} ${decision.action}`));
  const records = before.records;
  const reconciliation = new Reconciliation({
    liveCalls: before.stores.liveCalls,
    edge,
    callEvents: after.callEvents,
    distributor: after.distributor,
    registrations: after.registrations,
    registrationStore: before.stores.registrations,
    extensions: before.config.managers.map((m) => m.extension),
    heartbeat,
    mediaTimes: async (callId) => media.times?.get(callId) ?? null,
    routeAgain: async (request: NonNullable<DialogView['request']>) => {
      const decision = await after.router.decide(request, { resumed: true });
      resumed.push(`${request.callId} ${decision.action}`);
    },
    mediaUp: async (callId) => media.up?.has(callId) ?? false,
    log: pino({ level: 'silent' }),
    clock: () => Date.now(),
  });
  return { after, resumed, records, reconciliation };
}

describe('reconciliation after the service was away', () => {
  it('closes a call that ended meanwhile with its recording times, marked approximate, and frees its manager', async () => {
    const s = createFakeServices();
    await s.register('101', '102', '103');
    await s.inbound('c1');
    await s.answer('c1', '101');
    const answeredAt = s.clock.now();
    const heartbeat = new FakeHeartbeat(answeredAt + 2000);
    await s.clock.advance(10_000);
    const edge = new FakeEdge();
    edge.started = answeredAt - 60_000; // Kamailio kept running
    for (const e of ['101', '102', '103']) edge.bindings.set(e, { contact: contactOf(e), source: sourceOf(e), expiresSeconds: 3000 });
    const times = new Map([['c1', { firstAt: answeredAt + 40, lastAt: answeredAt + 6000 }]]);
    const { after, records, reconciliation } = restartedProcess(s, edge, heartbeat, { times });

    const report = await reconciliation.connected();
    reconciliation.stop();

    expect(report).toMatchObject({ kamailioRestarted: false, endedWhileAway: 1, registrations: 3 });
    const record = records.find((r) => r.callId === 'c1')!;
    expect(record.disposition).toBe('answered');
    expect(record.manager).toBe('101');
    expect(record.timesApproximate).toBe(true);
    // Answered at the known moment, ended with the recording's last packet.
    expect(record.answeredAt!.getTime()).toBe(answeredAt);
    expect(record.endedAt.getTime()).toBe(answeredAt + 6000);
    expect(await s.stores.liveCalls.ids()).toEqual([]);
    const state = (await s.stores.agents.read(['101'], Date.now())).get('101')!;
    expect(state.calls).toEqual([]);
    expect(after.distributor.waiting.size).toBe(0);
  });

  it('puts callers who waited in the dead process back in line, in arrival order, and offers them when a manager frees', async () => {
    const s = createFakeServices();
    await s.register('101', '102', '103');
    for (const id of ['c1', 'c2', 'c3']) {
      await s.inbound(id);
      await s.answer(id);
    }
    await s.inbound('w1');
    await s.clock.advance(1000);
    await s.inbound('w2');
    expect(s.waitingLine()).toEqual(['w1', 'w2']);
    const edge = new FakeEdge();
    for (const id of ['c1', 'c2', 'c3']) edge.dialogs.set(id, { state: 'answered', answeredAt: null, request: null });
    for (const id of ['w1', 'w2']) edge.dialogs.set(id, { state: 'early', answeredAt: null, request: null });
    for (const e of ['101', '102', '103']) edge.bindings.set(e, { contact: contactOf(e), source: sourceOf(e), expiresSeconds: 3000 });
    const { after, resumed, reconciliation } = restartedProcess(s, edge, new FakeHeartbeat(Date.now()));

    const report = await reconciliation.connected();
    reconciliation.stop();
    expect(report).toMatchObject({ stillUp: 3, rejoinedLine: 2 });
    expect((after.distributor.waiting.byScenario()[0]?.[1] ?? []).map((e) => e.callId)).toEqual(['w1', 'w2']);

    await after.callEvents.ended('c2', Date.now());
    await s.clock.advance(11_000); // the sales line's wrap-up is 10 s
    expect(resumed).toEqual(['w1 route']);
    after.stop();
  });

  it('notes an answer it missed from the dialog, and closes a caller who hung up meanwhile as cancelled', async () => {
    const s = createFakeServices();
    await s.register('101', '102', '103');
    await s.inbound('ringing');
    const lastSeen = Date.now() + 500;
    await s.clock.advance(5000);
    await s.inbound('gone');
    const edge = new FakeEdge();
    edge.dialogs.set('ringing', { state: 'answered', answeredAt: lastSeen + 1000, request: null });
    const { after, records, reconciliation } = restartedProcess(s, edge, new FakeHeartbeat(lastSeen));

    const report = await reconciliation.connected();
    reconciliation.stop();
    expect(report).toMatchObject({ answeredWhileAway: 1, endedWhileAway: 1 });
    const gone = records.find((r) => r.callId === 'gone')!;
    expect(gone.disposition).toBe('cancelled');
    expect(gone.timesApproximate).toBe(true);

    await after.callEvents.ended('ringing', lastSeen + 9000);
    const answered = records.find((r) => r.callId === 'ringing')!;
    expect(answered).toMatchObject({ disposition: 'answered', manager: '101', timesApproximate: true });
    expect(answered.answeredAt!.getTime()).toBe(lastSeen + 1000);
    after.stop();
  });

  it('gives a restarted Kamailio back the registrations, and closes a call it forgot only when its media stops', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    await s.inbound('talking');
    await s.answer('talking', '101');
    const heartbeat = new FakeHeartbeat(Date.now());
    await s.clock.advance(3000);
    const edge = new FakeEdge();
    edge.started = Date.now(); // younger than the last heartbeat: it restarted, empty
    const up = new Set(['talking']);
    const { records, reconciliation } = restartedProcess(s, edge, heartbeat, { up });

    const report = await reconciliation.connected();
    expect(report).toMatchObject({ kamailioRestarted: true, mediaOnly: 1, registrations: 2 });
    expect(edge.restored.sort()).toEqual(['101', '102']);
    // Still registered in the service's store: not re-read from the empty registrar.
    expect([...(await s.stores.registrations.registered(['101', '102'])).keys()].sort()).toEqual(['101', '102']);
    await s.clock.advance(5000);
    expect(records.find((r) => r.callId === 'talking')).toBeUndefined();

    up.delete('talking');
    await s.clock.advance(2500);
    reconciliation.stop();
    expect(records.find((r) => r.callId === 'talking')).toMatchObject({ disposition: 'answered', timesApproximate: true });
    expect(await s.stores.liveCalls.ids()).toEqual([]);
  });

  it('forgets a phone that unregistered while the service was away (Kamailio kept running)', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    const edge = new FakeEdge();
    edge.bindings.set('101', { contact: contactOf('101'), source: sourceOf('101'), expiresSeconds: 600 });
    const { reconciliation } = restartedProcess(s, edge, new FakeHeartbeat(Date.now() + 1000));
    await reconciliation.connected();
    reconciliation.stop();
    expect([...(await s.stores.registrations.registered(['101', '102'])).keys()]).toEqual(['101']);
  });

  it('routes a call whose route request the dead process never answered, and leaves requests of the new connection alone', async () => {
    const s = createFakeServices();
    await s.register('101');
    const edge = new FakeEdge();
    edge.bindings.set('101', { contact: contactOf('101'), source: sourceOf('101'), expiresSeconds: 600 });
    const request = (callId: string, receivedAt: number) => ({
      callId,
      source: 'trunk' as const,
      fromUser: '79161112233',
      dialled: COMPANY,
      receivedAt,
      transaction: { tindex: 7, tlabel: 9 },
    });
    // The dead process had claimed the Call-ID before it died.
    expect(await s.stores.callIds.claim('in-flight')).toBe(true);
    edge.dialogs.set('in-flight', { state: 'early', answeredAt: null, request: request('in-flight', Date.now() - 5000) });
    edge.dialogs.set('just-now', { state: 'early', answeredAt: null, request: request('just-now', Date.now()) });
    const { resumed, reconciliation, after } = restartedProcess(s, edge, new FakeHeartbeat(Date.now() - 4000));
    const report = await reconciliation.connected();
    reconciliation.stop();
    expect(report.routedAgain).toBe(1);
    expect(resumed).toEqual(['in-flight route']);
    expect((await s.stores.liveCalls.get('in-flight'))?.attempts.map((a) => a.manager)).toEqual(['101']);
    after.stop();
  });
});


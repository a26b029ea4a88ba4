import { describe, expect, it } from 'vitest';
import { COMPANY, createFakeServices, fakeConfig } from '../../helpers/fake-services.js';

const T0 = 1_800_000_000_000;
const inbound = (callId: string, at = T0) => ({ callId, source: 'trunk' as const, fromUser: '79161112233', dialled: COMPANY, receivedAt: at });

describe('call router and call events', () => {
  it('rings registered managers in rotation, with contact and the address they registered from', async () => {
    const s = createFakeServices();
    await s.register('101', '103');
    const first = await s.router.decide(inbound('a'));
    const second = await s.router.decide(inbound('b'));
    expect(first).toEqual({
      action: 'route',
      targets: [
        { uri: 'sip:101@10.0.0.01:5060', nextHop: 'sip:192.0.2.1:101', ringTimeoutMs: 10_000 },
        { uri: 'sip:103@10.0.0.03:5060', nextHop: 'sip:192.0.2.1:103', ringTimeoutMs: 10_000 },
      ],
    });
    // call a holds 101 (ringing), so call b starts at 103 and skips him
    expect(second.action === 'route' && second.targets.map((t) => t.uri)).toEqual(['sip:103@10.0.0.03:5060']);
    expect(s.activity.entries.get('101')).toMatchObject({ activity: 'ringing', callId: 'a' });
  });

  it('moves the hold along the branches and frees everyone at the end', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    await s.router.decide(inbound('c'));
    await s.events.branchFailed('c', 486, false, T0 + 100);
    expect(s.activity.entries.get('101')).toBeUndefined();
    expect(s.activity.entries.get('102')).toMatchObject({ activity: 'ringing', callId: 'c' });
    await s.events.answered('c', T0 + 1000);
    expect(s.activity.entries.get('102')).toMatchObject({ activity: 'on-call' });
    await s.events.ended('c', T0 + 61_000);
    expect(s.activity.entries.size).toBe(0);
    expect(s.liveCalls.entries.size).toBe(0);
    expect(s.records).toHaveLength(1);
    expect(s.records[0]).toMatchObject({ callId: 'c', manager: '102', disposition: 'answered', talkSeconds: 60, ringSeconds: 1 });
  });

  it('lets no late event of a finished call touch the manager now ringing for another', async () => {
    const s = createFakeServices();
    await s.register('101');
    await s.router.decide(inbound('old'));
    await s.events.branchFailed('old', 408, false, T0 + 10_000);
    await s.router.decide(inbound('new', T0 + 11_000));
    await s.events.ended('old', T0 + 12_000); // duplicate/late: the call is already finished
    expect(s.activity.entries.get('101')).toMatchObject({ callId: 'new', activity: 'ringing' });
  });

  it('refuses an inbound call when nobody is registered, and writes it down', async () => {
    const s = createFakeServices();
    expect(await s.router.decide(inbound('d'))).toEqual({ action: 'reject', code: 480, reason: 'Temporarily Unavailable' });
    expect(s.records[0]).toMatchObject({ callId: 'd', disposition: 'failed', sipCode: 480, reason: 'no manager is registered' });
  });

  it('says when every registered manager is already on a call', async () => {
    const s = createFakeServices();
    await s.register('101');
    await s.router.decide(inbound('e'));
    await s.events.answered('e', T0 + 500);
    expect(await s.router.decide(inbound('f'))).toMatchObject({ action: 'reject', code: 480 });
    expect(s.records.at(-1)?.reason).toBe('every registered manager is on a call');
  });

  it('sends a manager\'s external call through the trunk with the company caller ID and holds him', async () => {
    const s = createFakeServices();
    await s.register('101');
    const decision = await s.router.decide({ callId: 'g', source: 'phone', fromUser: '101', dialled: '+79169998877', receivedAt: T0 });
    expect(decision).toEqual({
      action: 'route',
      targets: [{ uri: 'sip:+79169998877@127.0.0.2:5080', ringTimeoutMs: 60_000, fromUri: `sip:${COMPANY}@leadline.local` }],
    });
    expect(s.activity.entries.get('101')).toMatchObject({ activity: 'on-call', callId: 'g' });
    await s.events.branchFailed('g', 486, false, T0 + 2000);
    expect(s.activity.entries.size).toBe(0);
    expect(s.records[0]).toMatchObject({ direction: 'outbound', manager: '101', disposition: 'busy', reason: 'the callee was busy', companyNumber: COMPANY });
  });

  it('connects extension to extension, and refuses a busy or offline one', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    const ok = await s.router.decide({ callId: 'h', source: 'phone', fromUser: '101', dialled: '102', receivedAt: T0 });
    expect(ok.action === 'route' && ok.targets[0]!.uri).toBe('sip:102@10.0.0.02:5060');
    const busy = await s.router.decide({ callId: 'i', source: 'phone', fromUser: '103', dialled: '102', receivedAt: T0 });
    expect(busy).toMatchObject({ action: 'reject', code: 486 });
    const offline = await s.router.decide({ callId: 'j', source: 'phone', fromUser: '101', dialled: '103', receivedAt: T0 });
    expect(offline).toMatchObject({ action: 'reject', code: 480 });
  });

  it('ignores events for calls it does not know', async () => {
    const s = createFakeServices();
    await s.events.answered('nope', T0);
    await s.events.ended('nope', T0);
    expect(s.records).toHaveLength(0);
  });
});

describe('ring list length', () => {
  it('rings at most routing.maxRingAttempts managers per call', async () => {
    const s = createFakeServices(fakeConfig({ routing: { ringTimeoutSeconds: 10, maxRingAttempts: 2 } }));
    await s.register('101', '102', '103');
    const decision = await s.router.decide(inbound('k'));
    expect(decision.action === 'route' && decision.targets.map((t) => t.uri)).toEqual(['sip:101@10.0.0.01:5060', 'sip:102@10.0.0.02:5060']);
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryAgentStateStore } from '../../../src/adapters/memory/memory-agent-state-store.js';
import { ClickToCall } from '../../../src/services/click-to-call.js';
import { fakeConfig } from '../../helpers/fake-services.js';

const T0 = 1_800_000_000_000;

const lead = { id: 'L-1', phone: '+79165550011', ownerManager: '101' } as never;

function setup(registered: string[], bridgeUp = true) {
  const agents = new MemoryAgentStateStore((e) => registered.includes(e));
  const bridged: [string, string][] = [];
  const service = new ClickToCall({
    config: fakeConfig(),
    agents,
    bridge: (m, c) => (bridgeUp ? (bridged.push([m, c]), true) : false),
    leads: { get: async (id: string) => (id === 'L-1' ? lead : null) },
    log: pino({ level: 'silent' }),
    clock: () => T0,
  });
  return { agents, bridged, service };
}

describe('click-to-call', () => {
  it('asks Kamailio to ring the manager and refer him to the client, number cleaned of its formatting', async () => {
    const s = setup(['101']);
    expect(await s.service.start('101', '+7 (916) 765-43-21')).toEqual({ manager: '101', phone: '+79167654321', status: 'ringing-manager' });
    expect(await s.service.start('101', '8 916 765 43 21')).toMatchObject({ phone: '+79167654321' });
    expect(s.bridged[0]).toEqual(['sip:101@leadline.local', 'sip:+79167654321@leadline.local']);
    expect(await s.service.start('101', { leadId: 'L-1' })).toMatchObject({ phone: '+79165550011' });
  });

  it('refuses with the reason: unknown manager, offline, busy, a number that is not one, Kamailio away', async () => {
    const s = setup(['101']);
    await expect(s.service.start('199', '+79167654321')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(s.service.start('102', '+79167654321')).rejects.toMatchObject({ code: 'CALL.MANAGER_OFFLINE', status: 409 });
    await s.agents.reserve('other-call', ['101'], 1, { maxConcurrentCalls: 1, skipBusy: true }, T0);
    await expect(s.service.start('101', '+79167654321')).rejects.toMatchObject({ code: 'CALL.MANAGER_BUSY', message: 'Manager 101 cannot take a call now (ringing).' });
    await expect(setup(['101']).service.start('101', '12')).rejects.toMatchObject({ code: 'CALL.BAD_NUMBER', status: 400 });
    await expect(setup(['101']).service.start('101', { leadId: 'L-404' })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(setup(['101'], false).service.start('101', '+79167654321')).rejects.toMatchObject({ code: 'CALL.SIP_UNAVAILABLE', status: 503 });
    expect(s.bridged).toEqual([]);
  });

  it("answers a manager asking for a colleague's lead exactly as for an unknown lead, even when he is offline", async () => {
    const s = setup(['101']);
    // Anna (101) owns L-1; Boris (102, offline) may not dial it or learn that it exists.
    const colleagues = await s.service.start('102', { leadId: 'L-1' }, '102').catch((e: unknown) => e);
    const unknown = await s.service.start('102', { leadId: 'L-1x' }, '102').catch((e: unknown) => e);
    expect(colleagues).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((colleagues as Error).message).toBe((unknown as Error).message.replace('L-1x', 'L-1'));
    // The owner, and an admin or supervisor (no asManager), still dial it.
    expect(await s.service.start('101', { leadId: 'L-1' }, '101')).toMatchObject({ phone: '+79165550011' });
    await expect(s.service.start('102', { leadId: 'L-1' })).rejects.toMatchObject({ code: 'CALL.MANAGER_OFFLINE' });
    expect(s.bridged).toHaveLength(1);
  });
});

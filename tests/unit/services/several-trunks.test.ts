import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/config-schema.js';
import { MemoryLeadStore } from '../../../src/adapters/memory/memory-lead-store.js';
import { COMPANY, SECOND, createFakeServices, scenarioYaml } from '../../helpers/fake-services.js';

/** Two trunks, each carrying one company number; 101's own line is msk's. */
const SPB = '+78123333333';
const config = configSchema.parse({
  api: { tokens: [{ name: 't', token: 'unit-test-token-0123456789' }] },
  managers: [
    { extension: '101', name: 'M101', password: 'secret-101', line: COMPANY },
    { extension: '102', name: 'M102', password: 'secret-102' },
  ],
  trunks: [
    { name: 'msk', address: '127.0.0.2', port: 5080, callerId: COMPANY },
    { name: 'spb', address: '127.0.0.3', port: 5080, callerId: SPB },
  ],
  numbers: [
    { number: COMPANY, trunk: 'msk' },
    { number: SPB, trunk: 'spb', callerId: '+78123333300' },
  ],
  routing: { ringTimeoutSeconds: 10, wrapUpSeconds: 0, timezone: 'UTC' },
});
const STEPS = { groups: { sales: ['101', '102'] }, steps: [{ group: 'sales', strategy: 'sequential', ring_timeout: 15, max_wait: 60, wrap_up: 0 }] };
const LINES = scenarioYaml({ numbers: [COMPANY, SPB], ...STEPS });

describe('outbound calls over several trunks', () => {
  it('gives Kamailio the trunks in order with the failover codes, and records each trunk tried', async () => {
    const s = createFakeServices({ config, scenarios: { 'lines.yaml': LINES } });
    await s.register('101');
    const decision = await s.dial('o1', '101', '+79169998877');
    expect(decision).toMatchObject({
      action: 'route',
      failover: '^(408|5[0-9][0-9])$',
      targets: [
        { trunk: 'msk', nextHop: 'sip:127.0.0.2:5080;trunk=msk', fromUri: `sip:${COMPANY}@leadline.local` },
        { trunk: 'spb', nextHop: 'sip:127.0.0.3:5080;trunk=spb', fromUri: 'sip:+78123333300@leadline.local' },
      ],
    });
    await s.callEvents.trunkFailedOver('o1', { code: 503, skipped: [], next: { trunk: 'spb', uri: 'sip:+79169998877@127.0.0.3:5080' } }, Date.now());
    await s.clock.advance(SECOND);
    await s.answer('o1');
    await s.clock.advance(2 * SECOND);
    await s.hangUp('o1');
    await s.clock.advance(SECOND);
    const record = s.recordOf('o1')!;
    expect(record).toMatchObject({ direction: 'outbound', trunk: 'spb', companyNumber: COMPANY, disposition: 'answered' });
    expect(record.attempts.map((a) => [a.target, a.sipCode, a.result])).toEqual([
      ['sip:+79169998877@127.0.0.2:5080', 503, 'unreachable'],
      ['sip:+79169998877@127.0.0.3:5080', 200, 'answered'],
    ]);
  });

  it('closes the call with a reason when Kamailio found no trunk with room', async () => {
    const s = createFakeServices({ config, scenarios: { 'lines.yaml': LINES } });
    await s.register('101');
    await s.dial('o2', '101', '+79169998877');
    await s.callEvents.trunkFailedOver('o2', { code: 0, skipped: ['spb'], next: null }, Date.now());
    await s.clock.advance(SECOND);
    expect(s.recordOf('o2')).toMatchObject({ disposition: 'failed', sipCode: 503, reason: 'every trunk of the call is at its concurrent-call limit' });
    expect(s.recordOf('o2')!.attempts.map((a) => a.result)).toEqual(['busy', 'busy']);
    // The manager is free again.
    expect((await s.state('101')).calls).toEqual([]);
  });

  it('remembers the number an inbound client called, and calls him back on it through its trunk', async () => {
    const s = createFakeServices({ config, scenarios: { 'lines.yaml': LINES } });
    await s.register('101', '102');
    await s.inbound('in1', '+79165550000', SPB);
    await s.answer('in1');
    await s.hangUp('in1');
    await s.clock.advance(SECOND);
    const decision = await s.dial('o3', '101', '+79165550000');
    expect(decision).toMatchObject({ targets: [{ trunk: 'spb', fromUri: 'sip:+78123333300@leadline.local' }, { trunk: 'msk', fromUri: `sip:${COMPANY}@leadline.local` }] });
    // Another client, never heard from: 101's own line.
    expect(await s.dial('o4', '102', '+79165551111')).toMatchObject({ targets: [{ trunk: 'msk' }, { trunk: 'spb' }] });
  });

  it('calls a lead back on the line of the scenario the CRM placed him in, when he never called', async () => {
    const leads = new MemoryLeadStore();
    const now = new Date();
    await leads.upsert({ id: 'L1', phone: '+79165552222', phoneRaw: '8 916 555-22-22', createdAt: now, receivedAt: now, ownerManager: '101', scenario: 'spb-line', slaMinutes: 15 });
    const s = createFakeServices({
      config,
      leads,
      scenarios: { 'msk.yaml': scenarioYaml({ name: 'msk-line', numbers: [COMPANY], ...STEPS }), 'spb.yaml': scenarioYaml({ name: 'spb-line', numbers: [SPB], ...STEPS }) },
    });
    await s.register('101');
    expect(await s.dial('o5', '101', '+79165552222')).toMatchObject({ targets: [{ trunk: 'spb', fromUri: 'sip:+78123333300@leadline.local' }, { trunk: 'msk' }] });
  });
});

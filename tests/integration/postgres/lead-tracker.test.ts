import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresLeadStore } from '../../../src/adapters/postgres/lead-store.js';
import { configSchema } from '../../../src/config/config-schema.js';
import { DomainEvents, type DomainEventMap } from '../../../src/services/domain-events.js';
import { LeadTracker } from '../../../src/services/lead-tracker.js';
import { LEAD_T0, at } from '../../helpers/leads.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

let pg: TestSchema;
beforeAll(async () => {
  pg = await createTestSchema();
});
afterAll(async () => {
  await pg?.drop();
});

const config = configSchema.parse({
  api: { tokens: [{ name: 't', token: 'integration-token-0123456789' }] },
  managers: [{ extension: '101', name: 'Anna', password: 'anna-secret' }, { extension: '102', name: 'Boris', password: 'boris-secret' }],
  trunks: [{ name: 't', address: '127.0.0.2', callerId: '+74950000000' }],
  leads: { slaMinutes: 10 },
});

/** The tracker on a DomainEvents bus and PostgreSQL, with a clock the test moves. */
function setUp() {
  let now = LEAD_T0;
  const events = new DomainEvents();
  const tracker = new LeadTracker({ store: new PostgresLeadStore(pg.db), events, config, log: pino({ level: 'silent' }), clock: () => now });
  const firstDials: DomainEventMap['lead.first_dial'][] = [];
  const breaches: DomainEventMap['lead.sla_breached'][] = [];
  events.on('lead.first_dial', (e) => void firstDials.push(e));
  events.on('lead.sla_breached', (e) => void breaches.push(e));
  tracker.start();
  return { events, tracker, firstDials, breaches, setNow: (seconds: number) => void (now = LEAD_T0 + seconds * 1000), stop: () => tracker.stop() };
}

const parties = { direction: 'outbound' as const, callerNumber: '101', companyNumber: '+74950000000', manager: '101' };

describe('LeadTracker with PostgreSQL', () => {
  it('records the first dial of a lead dialled in another spelling, with its seconds, and raises lead.first_dial', async () => {
    const { events, tracker, firstDials, stop } = setUp();
    await tracker.receive({ id: 'crm-1', phone: '8 (495) 123-45-67', ownerManager: '101' });

    events.emit('call.started', { ...parties, callId: 'dial-1', calleeNumber: '74951234567', at: at(73.5).toISOString() });
    await tracker.idle();
    // The same spelling again, later, by Boris: not a first dial.
    events.emit('call.started', { ...parties, callId: 'dial-2', calleeNumber: '+7 495 123-45-67', manager: '102', at: at(200).toISOString() });
    await tracker.idle();

    expect(firstDials).toEqual([{ leadId: 'crm-1', callId: 'dial-1', manager: '101', seconds: 73.5, at: at(73.5).toISOString() }]);
    const row = await pg.db.selectFrom('leads').selectAll().where('id', '=', 'crm-1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ phone_e164: '+74951234567', phone_raw: '8 (495) 123-45-67', first_dial_call_id: 'dial-1', first_dial_manager: '101', first_dial_seconds: '73.500' });
    stop();
  });

  it('records the first connected call from call.ended', async () => {
    const { events, tracker, stop } = setUp();
    await tracker.receive({ id: 'crm-2', phone: '+79161112233' });
    const record = {
      ...parties, callId: 'talk-1', calleeNumber: '89161112233', startedAt: at(10).toISOString(), answeredAt: at(18).toISOString(),
      endedAt: at(100).toISOString(), ringSeconds: 8, talkSeconds: 82, disposition: 'answered' as const, sipCode: null, reason: null, attempts: [],
    };
    events.emit('call.ended', { record });
    await tracker.idle();
    expect(await tracker.get('crm-2')).toMatchObject({ firstDial: { callId: 'talk-1', seconds: 10 }, firstConnected: { callId: 'talk-1', at: at(18) } });
    stop();
  });

  it('raises lead.sla_breached once for a lead nobody dialled within its minutes', async () => {
    const { tracker, breaches, setNow, stop } = setUp();
    await tracker.receive({ id: 'crm-3', phone: '+79163334455', ownerManager: '102' });
    setNow(10 * 60);
    expect((await tracker.sweep()).map((l) => l.id)).not.toContain('crm-3');
    setNow(10 * 60 + 6);
    await tracker.sweep();
    await tracker.sweep();
    expect(breaches.filter((b) => b.leadId === 'crm-3')).toEqual([
      { leadId: 'crm-3', phone: '+79163334455', ownerManager: '102', minutes: 10, at: at(606).toISOString(), reassignedTo: null },
    ]);
    stop();
  });
});

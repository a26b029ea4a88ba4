import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresLeadStore } from '../../../src/adapters/postgres/lead-store.js';
import { callFactOf } from '../../../src/core/leads/first-dial.js';
import { newLeadFrom } from '../../../src/core/leads/lead-intake.js';
import { at } from '../../helpers/leads.js';
import { leadStoreContract } from '../../helpers/lead-store-contract.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

let pg: TestSchema;
beforeAll(async () => {
  pg = await createTestSchema();
});
afterAll(async () => {
  await pg?.drop();
});

leadStoreContract('PostgresLeadStore', async () => {
  await sql`truncate leads`.execute(pg.db);
  return new PostgresLeadStore(pg.db);
});

describe('PostgresLeadStore', () => {
  const rules = { defaultRegion: 'RU', slaMinutes: 15, slaMinutesByScenario: {}, managers: ['101', '102'] };

  it('matches a dial to the lead when the CRM and the manager wrote the number differently', async () => {
    const store = new PostgresLeadStore(pg.db);
    await store.upsert(newLeadFrom({ id: 'written-apart', phone: '8 (495) 765-43-21', createdAt: at(0) }, rules, at(1)));
    const call = { callId: 'dialled-apart', direction: 'outbound' as const, callerNumber: '102', manager: '102', startedAt: at(95), answeredAt: null };
    const contacts = await store.recordCall(callFactOf({ ...call, calleeNumber: '74957654321' }, 'RU'));
    expect(contacts.map((c) => [c.lead.id, c.kind, c.lead.firstDial?.seconds])).toEqual([['written-apart', 'dial', 95]]);
    // Another spelling of the same number is the same client: the first dial stays.
    expect(await store.recordCall(callFactOf({ ...call, callId: 'later', calleeNumber: '+7 495 765-43-21', startedAt: at(200) }, 'RU'))).toEqual([]);
  });

  it('lets exactly one of many simultaneous dials win, as several instances would race', async () => {
    const store = new PostgresLeadStore(pg.db);
    await store.upsert(newLeadFrom({ id: 'race', phone: '+79165554433', createdAt: at(0) }, rules, at(0)));
    const dials = Array.from({ length: 8 }, (_, i) =>
      store.recordCall({ callId: `race-${i}`, direction: 'outbound', clientPhone: '+79165554433', manager: '101', startedAt: at(10), answeredAt: null }),
    );
    const winners = (await Promise.all(dials)).flat();
    expect(winners).toHaveLength(1);
    expect((await store.get('race'))?.firstDial?.callId).toBe(winners[0]!.lead.firstDial?.callId);
  });

  it('marks a breached lead for one of two sweeps running at once', async () => {
    const store = new PostgresLeadStore(pg.db);
    await store.upsert(newLeadFrom({ id: 'sweep-race', phone: '+79167778899', createdAt: at(0) }, rules, at(0)));
    const [a, b] = await Promise.all([store.markBreached(at(10_000), at(10_000)), store.markBreached(at(10_000), at(10_001))]);
    expect([...a, ...b].filter((l) => l.id === 'sweep-race')).toHaveLength(1);
  });
});

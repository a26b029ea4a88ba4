import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCallbackTaskStore } from '../../../src/adapters/postgres/callback-task-store.js';
import { PostgresCallStore } from '../../../src/adapters/postgres/call-store.js';
import { makeCall } from '../../helpers/call-records.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

let pg: TestSchema;
beforeAll(async () => {
  pg = await createTestSchema();
});
afterAll(async () => {
  await pg?.drop();
});

const task = (callId: string, clientNumber: string, manager: string | null, createdAt: Date) => ({
  callId,
  scenario: 'main-line',
  clientNumber,
  companyNumber: '+74951234567',
  manager,
  reason: 'no manager answered',
  createdAt,
});

describe('PostgresCallbackTaskStore', () => {
  it('stores a task once, even when a retried write repeats it', async () => {
    const store = new PostgresCallbackTaskStore(pg.db);
    const t = task('missed-1', '+7 (916) 111-22-33', '101', new Date('2026-11-29T10:00:00Z'));
    await store.add(t);
    await store.add(t);
    expect(await store.open()).toEqual([{ ...t, clientNumber: '79161112233' }]);
  });

  it('closes a client\'s open tasks when a manager calls the number back, written any way', async () => {
    const store = new PostgresCallbackTaskStore(pg.db);
    await store.add(task('missed-2', '79162223344', '102', new Date('2026-11-29T10:00:00Z')));
    await store.add(task('missed-3', '+79162223344', '102', new Date('2026-11-29T10:05:00Z')));
    // A task created after the callback started stays open.
    await store.add(task('missed-4', '79162223344', '102', new Date('2026-11-29T12:00:00Z')));
    expect(await store.closeFor('+7 916 222-33-44', 'callback-1', new Date('2026-11-29T11:00:00Z'))).toBe(2);
    expect((await store.open('102')).map((t) => t.callId)).toEqual(['missed-4']);
  });

  it('accepts the disposition missed in the calls table (migration 0002)', async () => {
    await new PostgresCallStore(pg.db).saveCalls([makeCall({ callId: 'missed-record', disposition: 'missed', reason: 'no manager answered' })]);
    const row = await pg.db.selectFrom('calls').select('disposition').where('call_id', '=', 'missed-record').executeTakeFirstOrThrow();
    expect(row.disposition).toBe('missed');
  });
});

import { sql, type SelectQueryBuilder, type UpdateObject } from 'kysely';
import type { CallFact, ContactKind } from '../../core/leads/first-dial.js';
import type { StatsLead } from '../../core/leads/first-dial-stats.js';
import type { Lead, NewLead } from '../../core/leads/lead.js';
import type { LeadContact, LeadFilter, LeadOrder, LeadPage, LeadStore, SlowLead } from '../../core/leads/lead-store.port.js';
import type { Database } from './database.js';
import type { DatabaseSchema } from './database-schema.js';
import { fromLeadRow } from './lead-rows.js';

type LeadUpdate = UpdateObject<DatabaseSchema, 'leads'>;

/**
 * Leads in PostgreSQL. Each first is written by one UPDATE whose WHERE holds the rule
 * (the lead existed when the call started, and has no earlier first of that kind), so
 * concurrent calls on several instances leave the earliest without any lock of ours.
 */
export class PostgresLeadStore implements LeadStore {
  constructor(private readonly db: Database) {}

  async upsert(lead: NewLead): Promise<{ lead: Lead; created: boolean }> {
    const row = await this.db
      .insertInto('leads')
      .values({
        id: lead.id,
        phone_e164: lead.phone,
        phone_raw: lead.phoneRaw,
        created_at: lead.createdAt,
        received_at: lead.receivedAt,
        owner_manager: lead.ownerManager,
        scenario: lead.scenario,
        sla_minutes: lead.slaMinutes,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          phone_e164: eb.ref('excluded.phone_e164'),
          phone_raw: eb.ref('excluded.phone_raw'),
          owner_manager: eb.ref('excluded.owner_manager'),
          scenario: eb.ref('excluded.scenario'),
          sla_minutes: eb.ref('excluded.sla_minutes'),
        })),
      )
      .returningAll()
      // xmax is 0 only on a row this statement inserted, not on one it updated.
      .returning(sql<boolean>`xmax = 0`.as('inserted'))
      .executeTakeFirstOrThrow();
    const { inserted, ...stored } = row;
    return { lead: fromLeadRow(stored), created: inserted };
  }

  async get(id: string): Promise<Lead | null> {
    const row = await this.db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromLeadRow(row) : null;
  }

  async ownerOf(phone: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('leads')
      .select('owner_manager')
      .where('phone_e164', '=', phone)
      .where('owner_manager', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.owner_manager ?? null;
  }

  async newestByPhones(phones: readonly string[]): Promise<Map<string, Lead>> {
    const unique = [...new Set(phones)];
    if (unique.length === 0) return new Map();
    // distinct on keeps the first row of each number in the order below: its newest lead.
    const rows = await this.db
      .selectFrom('leads')
      .distinctOn('phone_e164')
      .selectAll()
      .where('phone_e164', 'in', unique)
      .orderBy('phone_e164')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return new Map(rows.map((row) => [row.phone_e164, fromLeadRow(row)]));
  }

  async recordCall(call: CallFact): Promise<LeadContact[]> {
    if (call.clientPhone === null) return [];
    const phone = call.clientPhone;
    const contacts: LeadContact[] = [];
    const record = async (kind: ContactKind, at: Date, set: LeadUpdate) => {
      for (const lead of await this.firstOf(kind, phone, call.startedAt, set, at)) contacts.push({ lead, kind });
    };
    if (call.direction === 'inbound') {
      await record('inbound', call.startedAt, { first_inbound_at: call.startedAt, first_inbound_call_id: call.callId });
    } else if (call.direction === 'outbound') {
      await record('dial', call.startedAt, {
        first_dial_at: call.startedAt,
        first_dial_call_id: call.callId,
        first_dial_manager: call.manager,
        first_dial_seconds: sql<string>`round(extract(epoch from (${call.startedAt}::timestamptz - created_at))::numeric, 3)`,
      });
      if (call.answeredAt) {
        await record('connected', call.answeredAt, { first_connected_at: call.answeredAt, first_connected_call_id: call.callId });
      }
    }
    return contacts;
  }

  /** One first of every lead with this number that existed at `startedAt` and has no earlier first of this kind. */
  private async firstOf(kind: ContactKind, phone: string, startedAt: Date, set: LeadUpdate, at: Date): Promise<Lead[]> {
    const column = kind === 'dial' ? 'first_dial_at' : kind === 'connected' ? 'first_connected_at' : 'first_inbound_at';
    const rows = await this.db
      .updateTable('leads')
      .set(set)
      .where('phone_e164', '=', phone)
      .where('created_at', '<=', startedAt)
      .where((eb) => eb.or([eb(column, 'is', null), eb(column, '>', at)]))
      .returningAll()
      .execute();
    return rows.map(fromLeadRow);
  }

  async markBreached(dueBy: Date, at: Date): Promise<Lead[]> {
    const rows = await this.db
      .updateTable('leads')
      .set({ sla_breached_at: at })
      .where('first_dial_at', 'is', null)
      .where('sla_breached_at', 'is', null)
      .where(sql<boolean>`created_at + sla_minutes * interval '1 minute' <= ${dueBy}`)
      .returningAll()
      .execute();
    return rows.map(fromLeadRow);
  }

  async reassign(id: string, from: string | null, to: string): Promise<Lead | null> {
    const row = await this.db
      .updateTable('leads')
      .set((eb) => ({ owner_manager: to, reassigned_from: eb.ref('owner_manager') }))
      .where('id', '=', id)
      .where(sql<boolean>`owner_manager is not distinct from ${from}`)
      .returningAll()
      .executeTakeFirst();
    return row ? fromLeadRow(row) : null;
  }

  async openLeadCounts(managers: readonly string[]): Promise<Map<string, number>> {
    if (managers.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('leads')
      .select(['owner_manager', (eb) => eb.fn.countAll<string>().as('open')])
      .where('first_dial_at', 'is', null)
      .where('owner_manager', 'in', managers)
      .groupBy('owner_manager')
      .execute();
    return new Map(rows.map((r) => [r.owner_manager!, Number(r.open)]));
  }

  async list(filter: LeadFilter, page: { limit: number; offset: number; order?: LeadOrder }): Promise<LeadPage> {
    const filtered = applyFilter(this.db.selectFrom('leads'), filter);
    const direction = page.order === 'oldest' ? 'asc' : 'desc';
    const [rows, count] = await Promise.all([
      filtered.selectAll().orderBy('created_at', direction).orderBy('id', direction).limit(page.limit).offset(page.offset).execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(fromLeadRow), total: Number(count.total) };
  }

  async statsLeads(from: Date, to: Date, ownerManager?: string): Promise<StatsLead[]> {
    const rows = await applyFilter(this.db.selectFrom('leads'), { from, to, ownerManager })
      .select(['owner_manager', 'created_at', 'sla_minutes', 'first_dial_seconds'])
      .execute();
    return rows.map((r) => ({
      ownerManager: r.owner_manager,
      createdAt: r.created_at,
      slaMinutes: r.sla_minutes,
      firstDialSeconds: r.first_dial_seconds === null ? null : Number(r.first_dial_seconds),
    }));
  }

  /** The ranking of core slowestLeads in SQL, so only `limit` rows leave the database however long the period. */
  async slowestLeads(from: Date, to: Date, now: Date, limit: number, ownerManager?: string): Promise<SlowLead[]> {
    const wait = sql<string>`coalesce(first_dial_seconds, greatest(0, round(extract(epoch from (${now}::timestamptz - created_at))::numeric, 3)))`;
    const rows = await applyFilter(this.db.selectFrom('leads'), { from, to, ownerManager })
      .selectAll()
      .select(wait.as('wait_seconds'))
      .orderBy(wait, 'desc')
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(Math.max(0, limit))
      .execute();
    return rows.map(({ wait_seconds, ...row }) => ({ lead: fromLeadRow(row), waitSeconds: Number(wait_seconds) }));
  }
}

function applyFilter<O>(query: SelectQueryBuilder<DatabaseSchema, 'leads', O>, f: LeadFilter): SelectQueryBuilder<DatabaseSchema, 'leads', O> {
  let q = query;
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  if (f.ownerManager !== undefined) q = q.where('owner_manager', '=', f.ownerManager);
  if (f.status === 'undialled') q = q.where('first_dial_at', 'is', null);
  if (f.status === 'dialled') q = q.where('first_dial_at', 'is not', null);
  if (f.status === 'breached') q = q.where('sla_breached_at', 'is not', null);
  return q;
}

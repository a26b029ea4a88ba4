import type { KpiCall, KpiCallbackTask, KpiFacts, KpiPeriod } from '../../src/core/kpi/manager-kpi.js';
import type { StatsLead } from '../../src/core/leads/first-dial-stats.js';
import { at } from './leads.js';

/**
 * One day of facts, shared by the unit test (expected figures worked out by hand there)
 * and the PostgreSQL test (the views must give the same). at(0) is 4 March 2026 09:00 UTC,
 * so the day is at(-32400) .. at(54000).
 */
export const KPI_DAY: KpiPeriod = { from: at(-9 * 3600), to: at(15 * 3600) };
/** Two hours in: every 15-minute SLA below has run out except the lead created at at(7000). */
export const KPI_NOW = at(7200);

const call = (c: Partial<KpiCall> & Pick<KpiCall, 'callId' | 'direction'>): KpiCall => ({
  manager: null, disposition: 'answered', talkSeconds: 0, startedAt: at(0), attempts: [], ...c,
});

export const KPI_CALLS: KpiCall[] = [
  // 101 rang without answer, 102 answered.
  call({ callId: 'in1', direction: 'inbound', manager: '102', talkSeconds: 120.5, startedAt: at(10),
    attempts: [{ manager: '101', result: 'no-answer' }, { manager: '102', result: 'answered' }] }),
  call({ callId: 'in2', direction: 'inbound', manager: '101', talkSeconds: 60, startedAt: at(20), attempts: [{ manager: '101', result: 'answered' }] }),
  // Nobody answered; the rotation came round to 101 twice.
  call({ callId: 'in3', direction: 'inbound', disposition: 'missed', startedAt: at(30), attempts: [
    { manager: '101', result: 'no-answer' }, { manager: '102', result: 'busy' }, { manager: '101', result: 'no-answer' }] }),
  call({ callId: 'out1', direction: 'outbound', manager: '101', talkSeconds: 30.25, startedAt: at(40) }),
  call({ callId: 'out2', direction: 'outbound', manager: '101', disposition: 'no-answer', startedAt: at(50) }),
  call({ callId: 'out3', direction: 'outbound', manager: '102', talkSeconds: 200, startedAt: at(60) }),
  // Not counted: an internal call, one the day before, one at the (exclusive) end of the day.
  call({ callId: 'int1', direction: 'internal', manager: '101', talkSeconds: 500, startedAt: at(70) }),
  call({ callId: 'in-before', direction: 'inbound', manager: '101', talkSeconds: 10, startedAt: at(-9 * 3600 - 1), attempts: [{ manager: '101', result: 'answered' }] }),
  call({ callId: 'out-after', direction: 'outbound', manager: '101', talkSeconds: 10, startedAt: at(15 * 3600) }),
];

const lead = (ownerManager: string | null, createdAtSeconds: number, firstDialSeconds: number | null): StatsLead => ({
  ownerManager, createdAt: at(createdAtSeconds), slaMinutes: 15, firstDialSeconds,
});

export const KPI_LEADS: StatsLead[] = [
  lead('101', 0, 60), lead('101', 100, 1000), lead('101', 200, null),
  lead('102', 7000, null), lead('102', 10, 300),
  lead(null, 0, 45),
  lead('101', -9 * 3600 - 1, 5),
];

const task = (manager: string | null, createdAtSeconds: number, doneAtSeconds: number | null): KpiCallbackTask => ({
  manager, createdAt: at(createdAtSeconds), doneAt: doneAtSeconds === null ? null : at(doneAtSeconds),
});

export const KPI_CALLBACK_TASKS: KpiCallbackTask[] = [
  task('101', -3600, -1800), task('101', -9 * 3600 - 86400, null), task('101', 0, 600), task('101', 100, null), task('101', 200, 15 * 3600 + 60),
  task('102', 50, 350),
  task(null, 0, null),
];

export const KPI_FACTS: KpiFacts = { calls: KPI_CALLS, leads: KPI_LEADS, callbackTasks: KPI_CALLBACK_TASKS };

import { newLeadRecord, type Lead, type NewLead } from '../../src/core/leads/lead.js';
import type { CallFact } from '../../src/core/leads/first-dial.js';

/** 4 March 2026, 09:00:00 UTC: when the test leads are created. */
export const LEAD_T0 = Date.UTC(2026, 2, 4, 9, 0, 0);
export const at = (seconds: number) => new Date(LEAD_T0 + seconds * 1000);

export function makeNewLead(overrides: Partial<NewLead> = {}): NewLead {
  return {
    id: 'lead-1',
    phone: '+74951234567',
    phoneRaw: '8 (495) 123-45-67',
    createdAt: at(0),
    receivedAt: at(0),
    ownerManager: '101',
    scenario: null,
    slaMinutes: 15,
    ...overrides,
  };
}

export function makeLead(overrides: Partial<Lead> = {}): Lead {
  return { ...newLeadRecord(makeNewLead()), ...overrides };
}

/** An outbound call by 101 to the lead's number at `seconds` after LEAD_T0, not answered unless answeredAfter is given. */
export function dial(callId: string, seconds: number, overrides: Partial<CallFact> & { answeredAfter?: number } = {}): CallFact {
  const { answeredAfter, ...rest } = overrides;
  return {
    callId,
    direction: 'outbound',
    clientPhone: '+74951234567',
    manager: '101',
    startedAt: at(seconds),
    answeredAt: answeredAfter === undefined ? null : at(seconds + answeredAfter),
    ...rest,
  };
}

export function inbound(callId: string, seconds: number, overrides: Partial<CallFact> = {}): CallFact {
  return { callId, direction: 'inbound', clientPhone: '+74951234567', manager: null, startedAt: at(seconds), answeredAt: null, ...overrides };
}

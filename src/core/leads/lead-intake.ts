import { toE164 } from '../phone/e164.js';
import type { NewLead } from './lead.js';
import { InvalidLeadError } from './lead-errors.js';

/** A lead as the CRM describes it (POST /api/leads, POST /crm/leads). */
export interface LeadInput {
  id: string;
  phone: string;
  createdAt?: Date;
  ownerManager?: string | null;
  /** Overrides the configured SLA for this lead. */
  slaMinutes?: number;
  scenario?: string | null;
}

/** The configuration the intake applies (config phone.defaultRegion, leads.*, managers). */
export interface IntakeRules {
  defaultRegion: string;
  slaMinutes: number;
  slaMinutesByScenario: Readonly<Record<string, number>>;
  /** Extensions an owner may be. */
  managers: readonly string[];
}

/**
 * Checks a lead and settles what is kept: the E.164 phone, the creation time, the SLA
 * (the lead's own, else its scenario's, else the global one). The SLA is fixed here so
 * a later configuration change does not rewrite the past.
 */
export function newLeadFrom(input: LeadInput, rules: IntakeRules, now: Date): NewLead {
  const phone = toE164(input.phone, rules.defaultRegion);
  if (phone === null) {
    throw new InvalidLeadError(
      'INVALID_PHONE',
      `body/phone "${input.phone}" is not a valid phone number (read with the default region ${rules.defaultRegion}): ` +
        'send the client\'s full number, e.g. "+74951234567" or "8 (495) 123-45-67"',
    );
  }
  const owner = input.ownerManager ?? null;
  if (owner !== null && !rules.managers.includes(owner)) {
    throw new InvalidLeadError('UNKNOWN_MANAGER', `body/ownerManager ${owner} is not the extension of any manager (managers: ${rules.managers.join(', ')})`);
  }
  if (input.createdAt !== undefined && Number.isNaN(input.createdAt.getTime())) {
    throw new InvalidLeadError('INVALID_CREATED_AT', 'body/createdAt is not a date: send ISO 8601, e.g. 2026-03-04T09:00:00Z');
  }
  const scenario = input.scenario ?? null;
  return {
    id: input.id,
    phone,
    phoneRaw: input.phone,
    // A CRM clock ahead of ours would put the creation after the first dial and lose it.
    createdAt: input.createdAt && input.createdAt < now ? input.createdAt : now,
    receivedAt: now,
    ownerManager: owner,
    scenario,
    slaMinutes: input.slaMinutes ?? (scenario !== null ? rules.slaMinutesByScenario[scenario] : undefined) ?? rules.slaMinutes,
  };
}

import type { Selectable } from 'kysely';
import type { Lead } from '../../core/leads/lead.js';
import type { LeadsTable } from './database-schema.js';

/** A leads row as the core's Lead; a first is present only when its time and call are. */
export function fromLeadRow(r: Selectable<LeadsTable>): Lead {
  return {
    id: r.id,
    phone: r.phone_e164,
    phoneRaw: r.phone_raw,
    createdAt: r.created_at,
    receivedAt: r.received_at,
    ownerManager: r.owner_manager,
    scenario: r.scenario,
    slaMinutes: r.sla_minutes,
    firstDial:
      r.first_dial_at && r.first_dial_call_id
        ? { callId: r.first_dial_call_id, at: r.first_dial_at, manager: r.first_dial_manager, seconds: Number(r.first_dial_seconds) }
        : null,
    firstConnected: r.first_connected_at && r.first_connected_call_id ? { callId: r.first_connected_call_id, at: r.first_connected_at } : null,
    firstInbound: r.first_inbound_at && r.first_inbound_call_id ? { callId: r.first_inbound_call_id, at: r.first_inbound_at } : null,
    slaBreachedAt: r.sla_breached_at,
    reassignedFrom: r.reassigned_from,
  };
}

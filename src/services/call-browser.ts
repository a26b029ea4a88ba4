import { toCallRecordJson, type CallRecord, type CallRecordJson } from '../core/calls/call-record.js';
import type { CallFilter, CallStore, PageRequest } from '../core/calls/call-store.port.js';
import type { LeadStore } from '../core/leads/lead-store.port.js';
import { leadUrl } from '../core/leads/lead-url.js';
import { toE164 } from '../core/phone/e164.js';
import type { RecordingEntry } from '../core/recordings/recording-store.port.js';
import type { ConversationAnalytics } from '../core/recordings/conversation-analytics.js';
import { clientNumberOf } from '../core/webhooks/call-event-data.js';

/** What the list says of a call's recording: whether it can be played (status "stored") and what it is. */
export type BrowsedRecording = Pick<RecordingEntry, 'status' | 'format' | 'durationSeconds'> & { analytics: ConversationAnalytics | null };

/** The client's lead in the CRM; `url` is null when no URL template is configured. */
export interface BrowsedLead {
  id: string;
  url: string | null;
}

/** One row of the supervisor console's "Calls and recordings" page. */
export type BrowsedCall = CallRecordJson & {
  /** The outside party as the PBX saw it: the caller of an inbound call, the callee of an outbound one; null for internal calls. */
  clientNumber: string | null;
  /** null when the call has no recording, or recordings are off. */
  recording: BrowsedRecording | null;
  /** The newest lead with the client's number (as E.164); null when there is none, or leads are off. */
  lead: BrowsedLead | null;
};

/** What the HTTP route asks of the browser (src/adapters/http/routes/call-browser.ts). */
export interface CallBrowsing {
  list(filter: CallFilter, page: PageRequest): Promise<{ items: BrowsedCall[]; total: number }>;
}

export interface CallBrowserDeps {
  callStore: Pick<CallStore, 'listCalls'>;
  /** The recording index (PostgresRecordingIndex has this); absent when recordings are off. */
  recordings?: { loadMany(callIds: string[]): Promise<Map<string, RecordingEntry>> };
  /** Absent when leads are off: then no call has a lead. */
  leads?: Pick<LeadStore, 'newestByPhones'>;
  /** console.leadUrlTemplate, e.g. "https://crm.example.com/crm/lead/details/{id}/"; null: leads without a link. */
  leadUrlTemplate: string | null;
  /** phone.defaultRegion: how a client number written without a country code is read. */
  defaultRegion: string;
}

/**
 * Finished calls with what the console shows beside each: the client's number, the
 * recording's state and the client's lead. One page costs three queries whatever its
 * size (calls, recordings, leads), the last two run side by side.
 */
export class CallBrowser implements CallBrowsing {
  constructor(private readonly deps: CallBrowserDeps) {}

  async list(filter: CallFilter, page: PageRequest): Promise<{ items: BrowsedCall[]; total: number }> {
    const { items: calls, total } = await this.deps.callStore.listCalls(filter, page);
    const clients = calls.map((c) => this.clientOf(c));
    const [recordings, leads] = await Promise.all([this.recordingsOf(calls), this.leadsOf(clients)]);
    const items = calls.map((call, i): BrowsedCall => {
      const client = clients[i]!;
      const recording = recordings.get(call.callId);
      const lead = client.phone === null ? undefined : leads.get(client.phone);
      return {
        ...toCallRecordJson(call),
        clientNumber: client.number,
        recording: recording ? { status: recording.status, format: recording.format, durationSeconds: recording.durationSeconds, analytics: recording.analytics ?? null } : null,
        lead: lead ? { id: lead.id, url: leadUrl(this.deps.leadUrlTemplate, lead.id) } : null,
      };
    });
    return { items, total };
  }

  /** The client's number as stored and as E.164; the latter is null for an extension or an anonymous caller. */
  private clientOf(call: CallRecord): { number: string | null; phone: string | null } {
    const number = clientNumberOf(call.direction, call.callerNumber, call.calleeNumber);
    return { number, phone: number === null ? null : toE164(number, this.deps.defaultRegion) };
  }

  private async recordingsOf(calls: CallRecord[]): Promise<Map<string, RecordingEntry>> {
    if (!this.deps.recordings || calls.length === 0) return new Map();
    return this.deps.recordings.loadMany(calls.map((c) => c.callId));
  }

  private async leadsOf(clients: { phone: string | null }[]) {
    const phones = [...new Set(clients.flatMap((c) => (c.phone === null ? [] : [c.phone])))];
    if (!this.deps.leads || phones.length === 0) return new Map<string, { id: string }>();
    return this.deps.leads.newestByPhones(phones);
  }
}

import type { ConversationAnalytics } from '../core/recordings/conversation-analytics.js';
import { EventEmitter } from 'node:events';
import type { CallParties, CallRecordJson } from '../core/calls/call-record.js';
import type { DrawdownAlertMetric } from '../core/kpi/drawdown-alert.js';

/**
 * Events the business cares about, raised by the services. The CRM integration
 * delivers them as webhooks; until it subscribes they are only logged.
 */
export type { CallParties };

export interface DomainEventMap {
  /** A call the service accepted to route (refused ones only end). */
  'call.started': CallParties & { at: string };
  'call.answered': CallParties & { at: string };
  /** Every call ends once, with its record (which may say missed, cancelled ...). */
  'call.ended': { record: CallRecordJson };
  'call.missed': {
    callId: string;
    scenario: string;
    callerNumber: string;
    companyNumber: string;
    reason: string;
    callbackManager: string | null;
    at: string;
  };
  'manager.auto_paused': { extension: string; reason: string; consecutiveMisses: number; consecutiveDeclines: number; callId: string; at: string };
  /**
   * A manager's last completed local day worsened past kpi.maxWorsening against his
   * trailing average on these metrics (src/services/drawdown-watch.ts); raised once per
   * manager and day, whichever instance sees it first.
   */
  'manager.kpi_drawdown': { extension: string; name: string; day: string; metrics: DrawdownAlertMetric[]; at: string };
  /**
   * A lead's first dial, with the seconds from its creation. Raised again, with the
   * earlier call, in the rare case an earlier dial is learnt after a later one.
   */
  'lead.first_dial': { leadId: string; callId: string; manager: string | null; seconds: number; at: string };
  /** A lead nobody dialled within its SLA; reassignedTo is the new owner when leads.reassignOnBreach moved it. */
  /** A call's recording is stored and verified; url is where the API streams it (GET, bearer token). */
  /** analytics: talk, silence, interruptions measured from the stereo audio (docs/conversation-analytics.md); null when not measured. */
  'recording.ready': { callId: string; url: string; filename: string; format: 'mp3' | 'opus' | 'wav'; durationSeconds: number; analytics: ConversationAnalytics | null; at: string };
  /**
   * A registering trunk lost its registration (or never got one within a grace period
   * after start-up): the provider's calls cannot reach the PBX. trunk.up when it is back.
   */
  'trunk.down': { trunk: string; status: number; at: string };
  'trunk.up': { trunk: string; at: string };
  /**
   * A caller left a voice message (after the beep). url is the call's recording in the
   * API, the same as recording.ready's, which follows once the recording is stored.
   */
  'voicemail.left': { callId: string; scenario: string; callerNumber: string; companyNumber: string; startedAt: string; seconds: number; url: string; at: string };
  'lead.sla_breached': { leadId: string; phone: string; ownerManager: string | null; minutes: number; at: string; reassignedTo: string | null };
}

export type DomainEventName = keyof DomainEventMap;

export class DomainEvents {
  private readonly emitter = new EventEmitter();

  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends DomainEventName>(name: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}

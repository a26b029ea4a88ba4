import type { Logger } from 'pino';
import type { ApiRole } from '../config/api-roles.js';
import type { NewAudit } from '../core/recordings/recording-store.port.js';
import { AppError } from '../core/errors/app-error.js';

/** A receive-only copy of a call's media for a listener (rtpengine-subscriptions.ts). */
export interface ListenMedia {
  subscribe(callId: string): Promise<{ sdp: string; listenerTag: string }>;
  answer(callId: string, listenerTag: string, sdp: string): Promise<void>;
  unsubscribe(callId: string, listenerTag: string): Promise<void>;
}

export interface ListenAudit {
  audit(entry: NewAudit): Promise<void>;
}

export interface Listener {
  name: string;
  role: ApiRole;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Live listening for supervisors and admins: the offer of a receive-only media leg of a
 * call in progress, the listener's answer, the end. Every listen is audited (as a
 * recording listen is) before any audio can flow, and so is a refused attempt; a manager
 * may never listen, not even to his own colleagues' calls. Whisper and barge are not
 * offered: rtpengine 10.5 cannot inject a third party's audio into one direction of a
 * call (docs/browser-phone.md).
 */
export class LiveListen {
  constructor(private readonly deps: { media: ListenMedia; audit: ListenAudit; log: Logger }) {}

  async start(callId: string, who: Listener): Promise<{ sdp: string; listenId: string }> {
    await this.mayListen(callId, who);
    let offer: { sdp: string; listenerTag: string };
    try {
      offer = await this.deps.media.subscribe(callId);
    } catch (e) {
      throw new AppError('LISTEN.NO_CALL', `Call ${callId} has no media in progress to listen to (${(e as Error).message}).`, 404, { cause: e });
    }
    try {
      // Audio flows only after the answer: audited before that, or not at all.
      await this.deps.audit.audit({ action: 'live-listen', callId, who: who.name, role: who.role, ip: who.ip, userAgent: who.userAgent });
    } catch (e) {
      await this.deps.media.unsubscribe(callId, offer.listenerTag).catch(() => {});
      throw e;
    }
    this.deps.log.info({ callId, listener: who.name, role: who.role }, 'live listen started');
    return { sdp: offer.sdp, listenId: offer.listenerTag };
  }

  async answer(callId: string, listenId: string, sdp: string, who: Listener): Promise<void> {
    await this.mayListen(callId, who);
    try {
      await this.deps.media.answer(callId, listenId, sdp);
    } catch (e) {
      throw new AppError('LISTEN.NO_CALL', `No listen ${listenId} on call ${callId} (${(e as Error).message}).`, 404, { cause: e });
    }
  }

  async stop(callId: string, listenId: string, who: Listener): Promise<void> {
    await this.mayListen(callId, who);
    await this.deps.media.unsubscribe(callId, listenId).catch((e: Error) => this.deps.log.info({ callId, err: e.message }, 'live listen already gone'));
    this.deps.log.info({ callId, listener: who.name }, 'live listen stopped');
  }

  private async mayListen(callId: string, who: Listener): Promise<void> {
    if (who.role === 'supervisor' || who.role === 'admin') return;
    await this.deps.audit.audit({ action: 'live-listen-refused', callId, who: who.name, role: who.role, ip: who.ip, userAgent: who.userAgent });
    this.deps.log.warn({ callId, who: who.name, role: who.role }, 'live listen refused: not a supervisor');
    throw new AppError('AUTH.FORBIDDEN', `Only supervisors and admins may listen to calls in progress; "${who.name}" has the role ${who.role}.`, 403);
  }
}

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { coachAuditAction, mayCoach, type CoachMode, type CoachSession, type CoachSessionStore } from '../core/calls/coaching.js';
import { AppError } from '../core/errors/app-error.js';
import type { ListenAudit, Listener } from './live-listen.js';

/**
 * The supervisor's stream at rtpengine (rtpengine-coaching.ts): published from his
 * browser, and offered as a subscription to the manager's browser. A separate rtpengine
 * call (`coach-<id>`): the coached call's own media is never touched.
 */
export interface CoachMedia {
  /** The supervisor's send-only offer; returns rtpengine's answer for his browser. */
  publish(coachId: string, sdp: string): Promise<string>;
  /** A send-only offer of the supervisor's stream for the manager's browser, and its tag. */
  subscribe(coachId: string): Promise<{ sdp: string; tag: string }>;
  answer(coachId: string, tag: string, sdp: string): Promise<void>;
  end(coachId: string): Promise<void>;
}

/** Who is on a call in progress, and whether his phone is the browser phone (the only one that can mix). */
export interface CoachedCalls {
  managerOn(callId: string): Promise<{ extension: string; browserPhone: boolean } | null>;
}

export interface CoachOffer {
  coachId: string;
  callId: string;
  mode: CoachMode;
  supervisor: string;
  sdp: string;
}

/** A session not ended lapses after this: a supervisor whose page died does not coach forever. */
const DEFAULT_TTL_SECONDS = 4 * 3600;

/**
 * Whisper and barge for supervisors and admins. rtpengine 10.5 cannot mix a third party
 * into a direction of a call (docs/browser-phone.md, "Whisper and barge"), so the
 * manager's browser phone is the mixer: the supervisor's browser publishes his microphone
 * to rtpengine, the manager's browser subscribes to it and plays it (whisper), and in
 * barge also mixes it into what it sends on the call, so the client hears it too. Every
 * start is audited before the manager's phone can learn of it, a refused attempt too;
 * a manager may never coach.
 */
export class LiveCoaching {
  constructor(
    private readonly deps: {
      media: CoachMedia;
      sessions: CoachSessionStore;
      audit: ListenAudit;
      calls: CoachedCalls;
      log: Logger;
      ttlSeconds?: number;
      now?: () => Date;
    },
  ) {}

  /** The supervisor starts: his browser's offer in, rtpengine's answer out. */
  async start(callId: string, mode: CoachMode, sdp: string, who: Listener): Promise<{ coachId: string; sdp: string; extension: string }> {
    await this.mayCoach(callId, mode, who);
    const manager = await this.deps.calls.managerOn(callId);
    if (manager === null) throw new AppError('COACH.NO_CALL', `No manager is talking on call ${callId} now.`, 404);
    if (!manager.browserPhone) {
      throw new AppError(
        'COACH.NEEDS_BROWSER_PHONE',
        `Manager ${manager.extension} is on a desk phone: ${mode} needs his browser phone, which mixes the supervisor's voice in (rtpengine 10.5 cannot). Listen instead.`,
        409,
      );
    }
    const coachId = randomBytes(12).toString('hex');
    const { media } = this.deps;
    let answer: string;
    let offer: { sdp: string; tag: string };
    try {
      answer = await media.publish(coachId, sdp);
      offer = await media.subscribe(coachId);
    } catch (e) {
      await media.end(coachId).catch(() => {});
      throw new AppError('COACH.MEDIA', `rtpengine refused the supervisor's stream: ${(e as Error).message}`, 400, { cause: e });
    }
    try {
      // The manager's phone learns of the session only from the store: audited before that, or not at all.
      await this.deps.audit.audit({ action: coachAuditAction(mode, false), callId, who: who.name, role: who.role, ip: who.ip, userAgent: who.userAgent });
      const session: CoachSession = {
        coachId,
        callId,
        extension: manager.extension,
        mode,
        supervisor: who.name,
        offerSdp: offer.sdp,
        managerTag: offer.tag,
        startedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      };
      await this.deps.sessions.put(session, this.deps.ttlSeconds ?? DEFAULT_TTL_SECONDS);
    } catch (e) {
      await media.end(coachId).catch(() => {});
      throw e;
    }
    this.deps.log.info({ callId, coachId, mode, supervisor: who.name, manager: manager.extension, offerSetup: /a=setup:\w+/.exec(offer.sdp)?.[0], answerSetup: /a=setup:\w+/.exec(answer)?.[0] }, `${mode} started`);
    return { coachId, sdp: answer, extension: manager.extension };
  }

  async stop(callId: string, coachId: string, who: Listener): Promise<void> {
    const session = await this.deps.sessions.get(coachId);
    await this.mayCoach(callId, session?.mode ?? 'whisper', who);
    if (session !== null && session.callId !== callId) throw new AppError('COACH.NOT_FOUND', `No coaching ${coachId} on call ${callId}.`, 404);
    await this.end(coachId);
    this.deps.log.info({ callId, coachId, supervisor: who.name }, 'coaching stopped');
  }

  /**
   * The sessions for this manager's phone, of the call he is on now; sessions of calls
   * he is no longer on (the call ended, the supervisor's page died) end here.
   */
  async forManager(extension: string): Promise<CoachOffer[]> {
    const out: CoachOffer[] = [];
    for (const s of await this.deps.sessions.forExtension(extension)) {
      const now = await this.deps.calls.managerOn(s.callId);
      if (now?.extension !== extension) {
        await this.end(s.coachId);
        continue;
      }
      out.push({ coachId: s.coachId, callId: s.callId, mode: s.mode, supervisor: s.supervisor, sdp: s.offerSdp });
    }
    return out;
  }

  /** The manager's browser answers the subscription: from then on it receives the supervisor. */
  async managerAnswer(extension: string, coachId: string, sdp: string): Promise<void> {
    const session = await this.deps.sessions.get(coachId);
    // Another manager's session reads as unknown: a Call-ID is not his to probe.
    if (session === null || session.extension !== extension) throw new AppError('COACH.NOT_FOUND', `No coaching ${coachId} for extension ${extension}.`, 404);
    this.deps.log.debug({ coachId, offer: session.offerSdp, answer: sdp }, "coaching: the manager's answer");
    try {
      await this.deps.media.answer(coachId, session.managerTag, sdp);
    } catch (e) {
      throw new AppError('COACH.MEDIA', `rtpengine refused the manager's answer: ${(e as Error).message}`, 400, { cause: e });
    }
  }

  private async end(coachId: string): Promise<void> {
    await this.deps.sessions.remove(coachId);
    await this.deps.media.end(coachId).catch((e: Error) => this.deps.log.info({ coachId, err: e.message }, 'coaching media already gone'));
  }

  private async mayCoach(callId: string, mode: CoachMode, who: Listener): Promise<void> {
    if (mayCoach(who.role)) return;
    await this.deps.audit.audit({ action: coachAuditAction(mode, true), callId, who: who.name, role: who.role, ip: who.ip, userAgent: who.userAgent });
    this.deps.log.warn({ callId, who: who.name, role: who.role, mode }, `${mode} refused: not a supervisor`);
    throw new AppError('AUTH.FORBIDDEN', `Only supervisors and admins may ${mode} on calls in progress; "${who.name}" has the role ${who.role}.`, 403);
  }
}

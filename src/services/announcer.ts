import type { Logger } from 'pino';
import type { CallerLeg, MediaPort } from '../core/media/media-port.js';
import type { Language, WhileWaiting } from '../core/scenarios/scenario-schema.js';
import { positionSound } from '../core/scenarios/scenario-sounds.js';

export interface AnnouncerDeps {
  media: MediaPort;
  /** The prepared file rtpengine plays for a name in sounds/. */
  pathOf: (name: string) => string;
  log: Logger;
}

/** Music loops this many times: rtpengine needs a count, and a caller waits at most an hour. */
const MUSIC_REPEATS = 10_000;

interface Waiting {
  leg: CallerLeg;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/**
 * What a caller hears from rtpengine before anyone answers: the welcome (greeting,
 * recording notice) and, while he waits in line, music broken every few seconds by
 * his place in line. Only timers and ng requests: nothing waits on a call, so a
 * line of waiting callers holds no Kamailio worker and no routing work.
 * A media failure is logged and the call goes on without the sound.
 */
export class Announcer {
  private readonly waiting = new Map<string, Waiting>();
  private readonly welcomes = new Map<string, () => void>();

  constructor(private readonly deps: AnnouncerDeps) {}

  /** The caller's early-media SDP, or null when rtpengine cannot give one (he then hears ringback). */
  async open(leg: CallerLeg, offerSdp: string): Promise<string | null> {
    try {
      return await this.deps.media.openCallerMedia(leg, offerSdp);
    } catch (err) {
      this.deps.log.warn({ err, callId: leg.callId }, 'no early media for this call: the caller hears ringback only');
      return null;
    }
  }

  /**
   * Plays the files one after another; resolves when the last has finished, or at
   * once when the call leaves (skipWelcome) or a file cannot be played.
   */
  welcome(leg: CallerLeg, files: readonly string[]): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        this.welcomes.delete(leg.callId);
        resolve();
      };
      this.welcomes.set(leg.callId, finish);
      const next = async (i: number) => {
        if (!this.welcomes.has(leg.callId)) return;
        if (i >= files.length) return finish();
        try {
          const ms = await this.deps.media.play(leg, this.deps.pathOf(files[i]!));
          timer = setTimeout(() => void next(i + 1), ms);
        } catch (err) {
          this.deps.log.warn({ err, callId: leg.callId, file: files[i] }, 'announcement not played');
          void next(i + 1);
        }
      };
      void next(0);
    });
  }

  /** The caller left during the welcome: stop it (its promise resolves). */
  skipWelcome(callId: string): boolean {
    const finish = this.welcomes.get(callId);
    finish?.();
    return finish !== undefined;
  }

  /**
   * Music and place in line while the call waits. `positionOf` is asked each time,
   * so the number follows the real line (callers ahead answered or hung up).
   */
  startWaiting(leg: CallerLeg, settings: WhileWaiting, language: Language, positionOf: () => number | null): void {
    if (this.waiting.has(leg.callId)) return;
    const state: Waiting = { leg, timer: undefined, stopped: false };
    this.waiting.set(leg.callId, state);
    const music = () => (settings.music ? this.play(state, settings.music, MUSIC_REPEATS) : Promise.resolve(0));
    const announce = async () => {
      state.timer = undefined;
      if (state.stopped) return;
      const position = positionOf();
      if (position !== null) {
        const ms = await this.play(state, positionSound(language, position), 1);
        if (state.stopped) return;
        // Music resumes after the announcement; the next one comes position_every seconds later.
        if (ms > 0) await new Promise((r) => setTimeout(r, ms));
        if (state.stopped) return;
      }
      await music();
      if (!state.stopped && settings.positionEvery) state.timer = setTimeout(() => void announce(), Math.max(1000, settings.positionEvery * 1000));
    };
    if (settings.positionEvery) void announce();
    else void music();
  }

  /** The call left the line (a manager is rung, or the caller hung up): silence. */
  async stopWaiting(callId: string): Promise<void> {
    const state = this.waiting.get(callId);
    if (!state) return;
    this.waiting.delete(callId);
    state.stopped = true;
    clearTimeout(state.timer);
    await this.deps.media.stop(state.leg).catch((err: unknown) => this.deps.log.warn({ err, callId }, 'music not stopped'));
  }

  /** Before a manager's phone rings: whatever plays stops. */
  async silence(leg: CallerLeg): Promise<void> {
    this.skipWelcome(leg.callId);
    if (this.waiting.has(leg.callId)) return this.stopWaiting(leg.callId);
    await this.deps.media.stop(leg).catch((err: unknown) => this.deps.log.warn({ err, callId: leg.callId }, 'announcement not stopped'));
  }

  /** The call ended before anyone answered: rtpengine's session goes. */
  async close(leg: CallerLeg): Promise<void> {
    this.skipWelcome(leg.callId);
    await this.stopWaiting(leg.callId);
    await this.deps.media.close(leg).catch((err: unknown) => this.deps.log.warn({ err, callId: leg.callId }, 'media session not closed'));
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  private async play(state: Waiting, name: string, repeat: number): Promise<number> {
    try {
      await this.deps.media.stop(state.leg).catch(() => undefined);
      if (state.stopped) return 0;
      return await this.deps.media.play(state.leg, this.deps.pathOf(name), repeat);
    } catch (err) {
      this.deps.log.warn({ err, callId: state.leg.callId, file: name }, 'sound not played to a waiting caller');
      return 0;
    }
  }
}

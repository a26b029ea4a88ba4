import type { Logger } from 'pino';
import type { DtmfReport } from '../core/media/dtmf-digit.js';
import type { CallerLeg, MediaPort } from '../core/media/media-port.js';
import { decideMenu } from '../core/scenarios/menu-choice.js';
import type { Menu } from '../core/scenarios/scenario-schema.js';

export interface DtmfMenuDeps {
  media: Pick<MediaPort, 'play' | 'stop'>;
  /** The prepared file rtpengine plays for a name in sounds/. */
  pathOf: (name: string) => string;
  log: Logger;
}

/** The menu's answer: the step to start at (0-based) and the key that chose it (null: the default). */
export interface MenuResult {
  step: number;
  digit: string | null;
}

/** Reports taken from one call before the rest are ignored: a caller flooding digits costs nothing more. */
export const MAX_DIGITS_PER_CALL = 32;

interface Listening {
  fromTag: string;
  /** Set while a round waits for a key. */
  onDigit: ((digit: string) => void) | null;
  cancel: () => void;
  reports: number;
}

/**
 * Plays a scenario's DTMF menu to a caller in early media and collects one key
 * from rtpengine's DTMF reports (matched by Call-ID and the caller's From tag).
 * Only timers and ng requests: the call stays a suspended Kamailio transaction,
 * nothing waits on it. Keys may be pressed while the prompt plays (it stops).
 */
export class DtmfMenu {
  private readonly calls = new Map<string, Listening>();
  private ignored = 0;

  constructor(private readonly deps: DtmfMenuDeps) {}

  /** Resolves with the choice, or null when the caller left (cancel) first. */
  async run(leg: CallerLeg, menu: Menu): Promise<MenuResult | null> {
    let gone = false;
    const listening: Listening = { fromTag: leg.fromTag, onDigit: null, cancel: () => undefined, reports: 0 };
    this.calls.set(leg.callId, listening);
    try {
      for (let round = 0; ; round++) {
        const digit = await new Promise<string | null | 'gone'>((resolve) => {
          let timer: NodeJS.Timeout | undefined;
          let settled = false;
          const settle = (value: string | null | 'gone') => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            listening.onDigit = null;
            listening.cancel = () => undefined;
            resolve(value);
          };
          listening.onDigit = (d) => settle(d);
          listening.cancel = () => settle('gone');
          void this.playPrompt(leg, menu.prompt).then((ms) => {
            // The timeout counts from the end of the prompt; a key may already have settled the round.
            if (!settled) timer = setTimeout(() => settle(null), ms + menu.timeout * 1000);
          });
        });
        if (digit === 'gone') {
          gone = true;
          return null;
        }
        if (digit !== null) await this.deps.media.stop(leg).catch(() => undefined);
        const outcome = decideMenu(menu, digit, round);
        this.deps.log.info({ callId: leg.callId, digit, round, outcome: outcome.kind }, 'menu key');
        if (outcome.kind === 'route') return { step: outcome.step, digit: outcome.digit };
      }
    } finally {
      if (this.calls.get(leg.callId) === listening) this.calls.delete(leg.callId);
      if (gone) this.deps.log.info({ callId: leg.callId }, 'the caller left during the menu');
    }
  }

  /** The caller hung up (or the call left otherwise) during the menu. */
  cancel(callId: string): boolean {
    const listening = this.calls.get(callId);
    if (!listening) return false;
    this.calls.delete(callId);
    listening.cancel();
    return true;
  }

  /** One report from rtpengine. Keys of calls not in a menu, or from another party, are ignored. */
  deliver(report: DtmfReport): boolean {
    const listening = this.calls.get(report.callId);
    if (!listening || listening.fromTag !== report.sourceTag || listening.reports >= MAX_DIGITS_PER_CALL) {
      this.ignored++;
      return false;
    }
    listening.reports++;
    if (!listening.onDigit) return false;
    listening.onDigit(report.digit);
    return true;
  }

  /** Calls hearing a menu now (each a suspended transaction). */
  get listening(): number {
    return this.calls.size;
  }

  get ignoredReports(): number {
    return this.ignored;
  }

  private async playPrompt(leg: CallerLeg, prompt: string): Promise<number> {
    try {
      await this.deps.media.stop(leg).catch(() => undefined);
      return await this.deps.media.play(leg, this.deps.pathOf(prompt));
    } catch (err) {
      // Unheard prompt: the caller still gets the timeout to press, then the default.
      this.deps.log.warn({ err, callId: leg.callId, file: prompt }, 'menu prompt not played');
      return 0;
    }
  }
}

import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { AgentStateStore } from '../core/agents/agent-ports.js';
import { canOffer, statusAt } from '../core/agents/agent-state.js';
import { AppError, NotFoundError } from '../core/errors/app-error.js';
import type { Lead } from '../core/leads/lead.js';
import { toE164 } from '../core/phone/e164.js';

export interface ClickToCallDeps {
  config: Config;
  /** The managers after the last configuration reload; default: config.managers. */
  managers?: () => Config['managers'];
  agents: AgentStateStore;
  /** Asks Kamailio to ring the manager and REFER him to the client; false when it is not connected. */
  bridge: (managerUri: string, clientUri: string) => boolean;
  /** Resolves a CRM lead id to its number; without it only numbers are accepted. */
  leads?: { get(id: string): Promise<Lead | null> };
  log: Logger;
  clock?: () => number;
}

export interface ClickToCallStarted {
  manager: string;
  phone: string;
  status: 'ringing-manager';
}

/**
 * Click-to-call from the CRM card: the manager's phone rings first (auto-answer
 * hint), and once he answers Kamailio REFERs it to the client. Refuses at once,
 * with the reason, when the manager cannot take a call now.
 */
export class ClickToCall {
  constructor(private readonly deps: ClickToCallDeps) {}

  /** The managers now: a configuration reload adds and removes them (deps.managers). */
  private knows(extension: string): boolean {
    return (this.deps.managers?.() ?? this.deps.config.managers).some((m) => m.extension === extension);
  }

  /**
   * Calls `target`: a phone number in any format, or `{ leadId }` of a lead the CRM sent.
   * `asManager` (a manager's own token or account) limits leads to those he owns.
   */
  async start(extension: string, target: string | { leadId: string }, asManager?: string): Promise<ClickToCallStarted> {
    if (!this.knows(extension)) throw new NotFoundError(`Manager ${extension}`);
    const number = await this.numberOf(target, asManager);
    const now = (this.deps.clock ?? Date.now)();
    const state = (await this.deps.agents.read([extension], now)).get(extension)!;
    if (!state.registered) throw new AppError('CALL.MANAGER_OFFLINE', `Manager ${extension} is offline: his phone is not registered.`, 409);
    if (!canOffer(state, now, { maxConcurrentCalls: 1, skipBusy: true })) {
      throw new AppError('CALL.MANAGER_BUSY', `Manager ${extension} cannot take a call now (${statusAt(state, now)}).`, 409);
    }
    const domain = this.deps.config.sip.domain;
    if (!this.deps.bridge(`sip:${extension}@${domain}`, `sip:${number}@${domain}`)) {
      throw new AppError('CALL.SIP_UNAVAILABLE', 'The SIP server is not connected: try again in a moment.', 503);
    }
    this.deps.log.info({ manager: extension, phone: number }, 'click-to-call started: ringing the manager');
    return { manager: extension, phone: number, status: 'ringing-manager' };
  }

  private async numberOf(target: string | { leadId: string }, asManager: string | undefined): Promise<string> {
    if (typeof target !== 'string') {
      const lead = this.deps.leads ? await this.deps.leads.get(target.leadId) : null;
      // A colleague's lead answers exactly as a missing one, before anything else is checked:
      // otherwise 404 against 409 (offline, busy) would tell which lead ids exist.
      if (!lead || (asManager !== undefined && lead.ownerManager !== asManager)) throw new NotFoundError(`Lead ${target.leadId}`);
      return lead.phone;
    }
    const number = toE164(target, this.deps.config.phone.defaultRegion);
    if (!number) throw new AppError('CALL.BAD_NUMBER', `"${target}" is not a phone number to call.`, 400);
    return number;
  }
}

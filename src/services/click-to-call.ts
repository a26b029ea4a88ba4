import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { AgentStateStore } from '../core/agents/agent-ports.js';
import { canOffer, statusAt } from '../core/agents/agent-state.js';
import { AppError, NotFoundError } from '../core/errors/app-error.js';
import { digitsOf } from '../core/phone/phone-number.js';

export interface ClickToCallDeps {
  config: Config;
  agents: AgentStateStore;
  /** Asks Kamailio to ring the manager and REFER him to the client; false when it is not connected. */
  bridge: (managerUri: string, clientUri: string) => boolean;
  log: Logger;
  clock?: () => number;
}

export interface ClickToCallStarted {
  manager: string;
  phone: string;
  status: 'ringing-manager';
}

/** External numbers need at least this many digits, as the dial plan says for a manager's own dialling. */
const MIN_DIGITS = 5;

/**
 * Click-to-call from the CRM card: the manager's phone rings first (auto-answer
 * hint), and once he answers Kamailio REFERs it to the client. Refuses at once,
 * with the reason, when the manager cannot take a call now.
 */
export class ClickToCall {
  private readonly extensions: Set<string>;

  constructor(private readonly deps: ClickToCallDeps) {
    this.extensions = new Set(deps.config.managers.map((m) => m.extension));
  }

  async start(extension: string, phone: string): Promise<ClickToCallStarted> {
    if (!this.extensions.has(extension)) throw new NotFoundError(`Manager ${extension}`);
    const number = phone.trim().startsWith('+') ? `+${digitsOf(phone)}` : digitsOf(phone);
    if (digitsOf(number).length < MIN_DIGITS) throw new AppError('CALL.BAD_NUMBER', `"${phone}" is not a phone number to call.`, 400);
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
}

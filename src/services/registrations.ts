import type { Logger } from 'pino';
import type { AgentStateStore, Registration, RegistrationStore } from '../core/agents/agent-ports.js';

/** Keeps the registration store in step with Kamailio's registrar. */
export class Registrations {
  constructor(
    private readonly store: RegistrationStore,
    private readonly agents: Pick<AgentStateStore, 'registeredAfresh'>,
    private readonly extensions: ReadonlySet<string>,
    private readonly log: Logger,
    /** A phone came online: calls waiting in line may go to it. */
    private readonly onAvailable: () => void = () => {},
  ) {}

  async registered(user: string, registration: Registration, expiresSeconds: number, at: number): Promise<void> {
    if (!this.extensions.has(user)) return;
    const before = (await this.store.registered([user])).get(user);
    // The expiry goes with it, so a restarted Kamailio can be given the binding back.
    await this.store.setRegistered(user, { ...registration, expiresAt: at + expiresSeconds * 1000 }, expiresSeconds);
    this.log.info({ extension: user, contact: registration.contact, expiresSeconds }, 'phone registered');
    // A new registration, not a refresh (the phone was off, restarted, or is another
    // phone): whoever is at it takes calls again, so a do-not-disturb pause ends.
    const afresh = !before || before.contact !== registration.contact || before.callId !== registration.callId;
    if (afresh && (await this.agents.registeredAfresh(user, at))) this.log.info({ extension: user }, 'phone registered anew: the do-not-disturb pause ends');
    this.onAvailable();
  }

  async unregistered(user: string): Promise<void> {
    if (!this.extensions.has(user)) return;
    await this.store.setUnregistered(user);
    this.log.info({ extension: user }, 'phone unregistered');
  }
}

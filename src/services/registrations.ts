import type { Logger } from 'pino';
import type { RegistrationStore } from '../core/agents/agent-ports.js';

/** Keeps the registration store in step with Kamailio's registrar. */
export class Registrations {
  constructor(
    private readonly store: RegistrationStore,
    private readonly extensions: ReadonlySet<string>,
    private readonly log: Logger,
    /** A phone came online: calls waiting in line may go to it. */
    private readonly onAvailable: () => void = () => {},
  ) {}

  async registered(user: string, contact: string, source: string, expiresSeconds: number): Promise<void> {
    if (!this.extensions.has(user)) return;
    await this.store.setRegistered(user, { contact, source }, expiresSeconds);
    this.log.info({ extension: user, contact, expiresSeconds }, 'phone registered');
    this.onAvailable();
  }

  async unregistered(user: string): Promise<void> {
    if (!this.extensions.has(user)) return;
    await this.store.setUnregistered(user);
    this.log.info({ extension: user }, 'phone unregistered');
  }
}

import { EventEmitter } from 'node:events';

/**
 * Events the business cares about, raised by the services. The CRM integration
 * delivers them as webhooks; until it subscribes they are only logged.
 */
export interface DomainEventMap {
  'call.missed': {
    callId: string;
    scenario: string;
    callerNumber: string;
    companyNumber: string;
    reason: string;
    callbackManager: string | null;
    at: string;
  };
  'manager.auto_paused': { extension: string; consecutiveMisses: number; callId: string; at: string };
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

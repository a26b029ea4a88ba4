import type { RegistrationStore } from '../core/agents/agent-ports.js';
import type { BoardSnapshot } from '../core/board/live-board.js';
import type { CoachedCalls } from './live-coaching.js';

/**
 * Who talks on a call, from the live board (every instance builds it from Redis), and
 * whether his phone is the browser phone: Kamailio records a WebSocket binding's source
 * as `sip:ADDRESS:PORT;transport=ws` (docs/browser-phone.md).
 */
export class BoardCoachedCalls implements CoachedCalls {
  constructor(private readonly deps: { board: { snapshot(): Promise<BoardSnapshot> }; registrations: Pick<RegistrationStore, 'registered'> }) {}

  async managerOn(callId: string): Promise<{ extension: string; browserPhone: boolean } | null> {
    const snapshot = await this.deps.board.snapshot();
    const manager = snapshot.managers.find((m) => m.call?.callId === callId && m.call.state === 'talking');
    if (manager === undefined) return null;
    const registration = (await this.deps.registrations.registered([manager.extension])).get(manager.extension);
    return { extension: manager.extension, browserPhone: registration !== undefined && isWebSocketBinding(registration.source) };
  }
}

export function isWebSocketBinding(source: string): boolean {
  return /;transport=wss?$/i.test(source);
}

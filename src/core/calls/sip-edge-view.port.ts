/**
 * What the SIP edge (Kamailio) still knows, asked when the service comes back
 * after being away: the events of that time were sent to nobody.
 */
import type { NewCallRequest } from './routing-decision.js';

export interface DialogView {
  /** early: not answered yet (ringing or waiting in line); answered: in conversation. */
  state: 'early' | 'answered';
  /** When it was answered, to the second (Kamailio's dialog start). */
  answeredAt: number | null;
  /** The route request Kamailio asked the service when the call came in (kept with the dialog). */
  request: (NewCallRequest & { transaction: { tindex: number; tlabel: number } }) | null;
}

export interface RegistrationView {
  contact: string;
  /** Where the phone registered from, as the registered event gives it: sip:host:port. */
  source: string;
  expiresSeconds: number;
  /** The Call-ID of the phone's REGISTERs (tells a refresh from a phone registering afresh). */
  callId?: string;
}

export interface SipEdgeView {
  /** The call's dialog, or null when Kamailio no longer has it (it ended). */
  dialog(callId: string): Promise<DialogView | null>;
  /** The calls Kamailio has not seen answered yet, with when each came in (to the second). */
  earlyDialogs(): Promise<{ callId: string; startedAt: number }[]>;
  /** The extension's current binding, or null when it is not registered. */
  registration(extension: string): Promise<RegistrationView | null>;
  /** Gives a restarted Kamailio back a binding it lost (the phone registered before the restart). */
  restoreRegistration(extension: string, binding: RegistrationView): Promise<void>;
  /** When this Kamailio started (epoch ms, to the second): younger than the service's last heartbeat means it restarted. */
  startedAt(): Promise<number>;
}

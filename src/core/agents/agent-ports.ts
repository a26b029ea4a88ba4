/** What the routing needs to know about managers' phones and calls. No I/O here: adapters implement these. */

export interface Registration {
  /** The Contact the phone registered. */
  contact: string;
  /** Where the REGISTER came from (sip:ip:port): the address that reaches the phone through NAT. */
  source: string;
}

export interface RegistrationStore {
  setRegistered(extension: string, registration: Registration, expiresSeconds: number): Promise<void>;
  setUnregistered(extension: string): Promise<void>;
  /** The registered ones among these extensions. */
  registered(extensions: readonly string[]): Promise<Map<string, Registration>>;
}

/** A manager is held by at most one call at a time: ringing for it, or talking in it. */
export type AgentActivity = 'ringing' | 'on-call';

export interface AgentHold {
  activity: AgentActivity;
  callId: string;
  since: number;
}

export interface AgentActivityStore {
  hold(extension: string, activity: AgentActivity, callId: string, at: number): Promise<void>;
  /** Frees the manager only if this call still holds him (another call may have taken him since). */
  release(extension: string, callId: string): Promise<boolean>;
  holds(extensions: readonly string[]): Promise<Map<string, AgentHold>>;
}

/** The next number in a line's rotation, shared by every service instance. */
export interface RotationCounter {
  next(line: string): Promise<number>;
}

/** A new call as the service sees it when Kamailio asks where it goes. */
export interface NewCallRequest {
  callId: string;
  source: 'trunk' | 'phone';
  fromUser: string;
  dialled: string;
  /** Epoch ms, from Kamailio's clock. */
  receivedAt: number;
}

/** One branch of the serial fork. */
export interface RouteTarget {
  uri: string;
  /** Next hop when it differs from the URI (the address a phone registered from). */
  nextHop?: string;
  ringTimeoutMs: number;
  /** Replaces the From URI (the company line's caller ID on outbound calls). */
  fromUri?: string;
}

export type RoutingDecision =
  | { action: 'route'; targets: RouteTarget[] }
  | { action: 'reject'; code: number; reason: string };

/** A new call as the service sees it when Kamailio asks where it goes. */
export interface NewCallRequest {
  callId: string;
  source: 'trunk' | 'phone' | 'controller';
  fromUser: string;
  dialled: string;
  /** Epoch ms, from Kamailio's clock. */
  receivedAt: number;
  /** Kamailio's suspended transaction, to resume a waiting call later. */
  transaction?: { tindex: number; tlabel: number };
  /** The INVITE's source, ip:port (a CANCEL for the call must come from there). */
  invitedFrom?: string;
  /** The caller's From tag and SDP offer, for announcements before anyone answers. */
  offer?: { fromTag: string; sdp: string };
  /** The trunk an inbound call came on, as Kamailio recognised it (by address or registration). */
  trunk?: string;
}

/** One branch of the fork. */
export interface RouteTarget {
  uri: string;
  /** Next hop when it differs from the URI (the address a phone registered from). */
  nextHop?: string;
  ringTimeoutMs: number;
  /** Replaces the From URI (the company line's caller ID on outbound calls). */
  fromUri?: string;
  /** Header lines added to the INVITE (CRLF-terminated), e.g. an auto-answer hint. */
  extraHeaders?: string;
  /** The trunk this route leaves through (its concurrent-call limit applies; the call record names it). */
  trunk?: string;
}

/**
 * What Kamailio does with a suspended call: ring these targets (one after another,
 * or all at once for ring-all), refuse it with a final code, or keep it suspended
 * with ringback while it waits in line. `media` says rtpengine holds a session
 * for the call that a refusal must close.
 */
export type RoutingDecision =
  /**
   * `failover`: a serial list of trunk routes that Kamailio walks by itself: it moves on
   * when a route fails with a code matching this pattern, or gets no answer at all, and
   * skips a trunk at its concurrent-call limit. Otherwise every failure comes back here.
   */
  | { action: 'route'; targets: RouteTarget[]; parallel?: boolean; failover?: string }
  | { action: 'reject'; code: number; reason: string; media?: boolean }
  /** Keep the call suspended; `quiet`: no 180, the caller hears rtpengine (music) instead. */
  | { action: 'wait'; quiet?: boolean }
  /** 183 with rtpengine's SDP (announcements before the first ring), and keep the call suspended. */
  | { action: 'early'; sdp: string };

const PHRASES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  487: 'Request Terminated',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  603: 'Decline',
};

export function reject(code: number, media = false): RoutingDecision {
  return { action: 'reject', code, reason: PHRASES[code] ?? 'Rejected', ...(media ? { media } : {}) };
}

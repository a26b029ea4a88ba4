import { z } from 'zod';

/**
 * The messages Kamailio sends over evapi (see config/kamailio.cfg.tpl), validated
 * at the edge so the rest of the service only sees typed events.
 * `ts` is Kamailio's wall clock in seconds with microseconds.
 */
const ts = z.number();

export const routeRequestSchema = z.object({
  event: z.literal('route'),
  tindex: z.number().int(),
  tlabel: z.number().int(),
  callid: z.string().min(1),
  // controller: the first leg of a click-to-call, sent by Kamailio itself (dlg_bridge).
  source: z.enum(['trunk', 'phone', 'controller']),
  from_user: z.string(),
  from_uri: z.string(),
  to_user: z.string(),
  ruri_user: z.string(),
  src_ip: z.string(),
  src_port: z.number().int(),
  // The caller's tag and SDP offer: rtpengine plays him announcements by them.
  from_tag: z.string().max(1024).optional(),
  sdp: z.string().max(16_384).optional(),
  /** The trunk a trunk call came on (empty for phones). */
  trunk: z.string().optional(),
  ts,
});

export const kamailioEventSchema = z.discriminatedUnion('event', [
  routeRequestSchema,
  // Unless cancelled, the transaction is suspended again: the service must answer with a decision.
  z.object({
    event: z.literal('branch_failed'),
    tindex: z.number().int().optional(),
    tlabel: z.number().int().optional(),
    callid: z.string(),
    code: z.number().int(),
    canceled: z.number().int(),
    ts,
  }),
  // The caller sent CANCEL (matters for a call waiting in line: no branch reports it).
  // src_ip/src_port: where the CANCEL came from, checked against the INVITE's source.
  z.object({ event: z.literal('cancelled'), callid: z.string(), src_ip: z.string().optional(), src_port: z.number().int().optional(), ts }),
  // `src` is where the 200 OK came from: tells which phone of a ring-all answered.
  z.object({ event: z.literal('answered'), callid: z.string(), src: z.string().optional(), ts }),
  z.object({ event: z.literal('ended'), callid: z.string(), ts }),
  z.object({
    event: z.literal('registered'),
    user: z.string(),
    contact: z.string(),
    source: z.string(),
    /** The contact's expiry as an absolute time, epoch seconds (registrationSeconds turns it into a lifetime). */
    expires: z.number().int(),
    /** The REGISTER's Call-ID: the same for refreshes, new when the phone registers afresh. */
    regcallid: z.string().optional(),
    ts,
  }),
  z.object({ event: z.literal('unregistered'), user: z.string(), ts }),
  // The answer to an RpcMessage: Kamailio's JSON-RPC reply document, as jsonrpcs built it.
  z.object({
    event: z.literal('rpc'),
    reply: z.object({
      id: z.union([z.string(), z.number()]),
      result: z.unknown().optional(),
      error: z.object({ code: z.number(), message: z.string() }).optional(),
    }),
  }),
  // Kamailio moved an outbound call on along its trunk list (failure_route FAILOVER, or a
  // trunk at its concurrent-call limit): code 0 when the trunk left was never tried;
  // `skipped` the trunks passed over at their limit (comma-separated); `next` empty: none left.
  z.object({
    event: z.literal('trunk_next'),
    callid: z.string(),
    code: z.number().int(),
    skipped: z.string().default(''),
    next: z.string(),
    next_uri: z.string().default(''),
    ts,
  }),
  // Every few seconds per registering trunk: uac_reg_status's code (1: registered).
  z.object({ event: z.literal('trunk_status'), trunk: z.string(), status: z.number().int(), ts }),
]);

export type KamailioEvent = z.infer<typeof kamailioEventSchema>;

/**
 * Kamailio builds every event with jansson; a header value that is not valid UTF-8
 * cannot be a JSON string, so it arrives base64-encoded as `<field>_b64`. Decoded
 * here (invalid sequences and NUL become U+FFFD), so the schema sees plain text fields.
 */
export function restoreBase64Fields(message: unknown): unknown {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return message;
  const restored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    // NUL too becomes U+FFFD: PostgreSQL text cannot hold it.
    if (key.endsWith('_b64') && typeof value === 'string') restored[key.slice(0, -4)] = Buffer.from(value, 'base64').toString('utf8').replace(/\0/g, '\uFFFD');
    else restored[key] = value;
  }
  return restored;
}

/** A route request the schema refused, with what is needed to refuse its call in turn. */
export interface UnusableRouteRequest {
  tindex: number;
  tlabel: number;
  callId: string | undefined;
}

const numberInText = (text: string, field: string) => {
  const found = new RegExp(`"${field}"\\s*:\\s*(\\d+)`).exec(text);
  return found ? Number(found[1]) : undefined;
};

/**
 * The suspended transaction of a route request that could not be read (null when the
 * message is no route request, or its transaction cannot be told), from the parsed
 * object or, when it is not JSON at all, from its text.
 */
export function recoverTransaction(parsed: unknown, text: string): UnusableRouteRequest | null {
  if (typeof parsed === 'object' && parsed !== null) {
    const m = parsed as Record<string, unknown>;
    if (m.event !== 'route' || !Number.isInteger(m.tindex) || !Number.isInteger(m.tlabel)) return null;
    return { tindex: m.tindex as number, tlabel: m.tlabel as number, callId: typeof m.callid === 'string' ? m.callid : undefined };
  }
  if (!/"event"\s*:\s*"route"/.test(text)) return null;
  const tindex = numberInText(text, 'tindex');
  const tlabel = numberInText(text, 'tlabel');
  return tindex !== undefined && tlabel !== undefined ? { tindex, tlabel, callId: undefined } : null;
}

export type RouteRequest = z.infer<typeof routeRequestSchema>;

/** One serial-fork branch, in rtjson's route format. */
export interface RtjsonRoute {
  uri: string;
  dst_uri?: string;
  /** Ring timer of this branch in ms (rtjson applies it in the branch route). */
  fr_inv_timer?: number;
  fr_timer?: number;
  headers?: { from?: { display?: string; uri?: string }; extra?: string };
}

interface DecisionAddress {
  type: 'decision';
  tindex: number;
  tlabel: number;
}

export type RoutingDecisionMessage = DecisionAddress &
  (
    /** failover: the SIP codes (a regular expression) on which Kamailio tries the next route itself; empty: none. */
    | { action: 'route'; failover: string; routes: { version: '1.0'; routing: 'serial' | 'parallel'; routes: RtjsonRoute[] } }
    /** media 'yes' when rtpengine holds a session for the call that must be closed (a string: Kamailio compares it as one). */
    | { action: 'reject'; code: number; reason: string; media: 'yes' | 'no' }
    /** Keep the call suspended until another decision comes; ringback 'no': the caller hears rtpengine. */
    | { action: 'wait'; ringback: 'yes' | 'no' }
    /** 183 Session Progress with this SDP (rtpengine's), and keep the call suspended. */
    | { action: 'early'; sdp: string }
  );

export interface CredentialMessage {
  type: 'credential';
  user: string;
  /** md5(user:realm:password); an empty string removes the user. */
  ha1: string;
}

/** Starts a click-to-call: Kamailio rings `from` (the manager) and REFERs him to `to` (the client). */
export interface BridgeMessage {
  type: 'bridge';
  from: string;
  to: string;
}

/** Carries the TCP acknowledgement of events that get no other reply (see EvapiClient). */
export interface AckMessage {
  type: 'ack';
}

/** The first frame on the channel: Kamailio sends nothing to, and ignores, a connection that does not give its secret. */
export interface HelloMessage {
  type: 'hello';
  secret: string;
}


/**
 * Asks Kamailio a JSON-RPC question (jsonrpcs, run in the evapi worker: dialogs,
 * registrations). The document is a string so Kamailio passes it on untouched.
 */
export interface RpcMessage {
  type: 'rpc';
  rpc: string;
}

export type ServiceMessage = RoutingDecisionMessage | CredentialMessage | BridgeMessage | AckMessage | HelloMessage | RpcMessage;

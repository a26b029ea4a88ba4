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
  source: z.enum(['trunk', 'phone']),
  from_user: z.string(),
  from_uri: z.string(),
  to_user: z.string(),
  ruri_user: z.string(),
  src_ip: z.string(),
  src_port: z.number().int(),
  ts,
});

export const kamailioEventSchema = z.discriminatedUnion('event', [
  routeRequestSchema,
  z.object({ event: z.literal('branch_failed'), callid: z.string(), code: z.number().int(), canceled: z.number().int(), ts }),
  z.object({ event: z.literal('answered'), callid: z.string(), ts }),
  z.object({ event: z.literal('ended'), callid: z.string(), ts }),
  z.object({
    event: z.literal('registered'),
    user: z.string(),
    contact: z.string(),
    source: z.string(),
    expires: z.number().int(),
    ts,
  }),
  z.object({ event: z.literal('unregistered'), user: z.string(), ts }),
]);

export type KamailioEvent = z.infer<typeof kamailioEventSchema>;
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

export type RoutingDecisionMessage =
  | { type: 'decision'; tindex: number; tlabel: number; action: 'route'; routes: { version: '1.0'; routing: 'serial'; routes: RtjsonRoute[] } }
  | { type: 'decision'; tindex: number; tlabel: number; action: 'reject'; code: number; reason: string };

export interface CredentialMessage {
  type: 'credential';
  user: string;
  /** md5(user:realm:password); an empty string removes the user. */
  ha1: string;
}

/** Carries the TCP acknowledgement of events that get no other reply (see EvapiClient). */
export interface AckMessage {
  type: 'ack';
}

export type ServiceMessage = RoutingDecisionMessage | CredentialMessage | AckMessage;

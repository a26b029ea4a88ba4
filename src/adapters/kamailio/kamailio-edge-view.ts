import { z } from 'zod';
import type { DialogView, RegistrationView, SipEdgeView } from '../../core/calls/sip-edge-view.port.js';
import { KamailioRpcError, type KamailioRpc } from './kamailio-rpc.js';

/** Kamailio's dialog states (dialog module): 1 unconfirmed, 2 early, 3 answered without ACK, 4 confirmed, 5 deleted. */
const dialogsSchema = z.array(
  z.object({
    state: z.number().int(),
    start_ts: z.number(),
    init_ts: z.number(),
    // [{ name: value }, ...]: set in route[ASK_SERVICE]
    variables: z.array(z.record(z.string(), z.string())).default([]),
  }),
);
const briefingSchema = z.array(z.object({ 'call-id': z.string(), state: z.number().int(), init_ts: z.number() }));
const requestSchema = z.object({
  tindex: z.coerce.number().int(),
  tlabel: z.coerce.number().int(),
  source: z.enum(['trunk', 'phone', 'controller']),
  from_user: z.string().default(''),
  ruri_user: z.string().default(''),
});
const lookupSchema = z.object({
  Contacts: z.array(z.object({ Contact: z.object({ Address: z.string(), Expires: z.number(), Received: z.string().optional(), 'Call-ID': z.string().optional() }) })),
});

/** The SipEdgeView port over Kamailio's RPC (dlg.list_match, ul.lookup). */
export class KamailioEdgeView implements SipEdgeView {
  constructor(private readonly rpc: KamailioRpc) {}

  async dialog(callId: string): Promise<DialogView | null> {
    const dialogs = dialogsSchema.parse((await this.rpc.call('dlg.list_match', ['callid', 'eq', callId])) ?? []);
    const live = dialogs.filter((d) => d.state < 5);
    if (live.length === 0) return null;
    const answered = live.find((d) => d.state >= 3);
    if (answered) return { state: 'answered', answeredAt: answered.start_ts * 1000, request: null };
    const first = live[0]!;
    const vars = requestSchema.safeParse(Object.assign({}, ...first.variables));
    const request = vars.success
      ? {
          callId,
          source: vars.data.source,
          fromUser: vars.data.from_user,
          dialled: vars.data.ruri_user,
          receivedAt: first.init_ts * 1000,
          transaction: { tindex: vars.data.tindex, tlabel: vars.data.tlabel },
        }
      : null;
    return { state: 'early', answeredAt: null, request };
  }

  /** dlg.briefing's field letters (Kamailio 5.6): call-id, state, start and init times, hash ids. */
  async earlyDialogs(): Promise<{ callId: string; startedAt: number }[]> {
    const dialogs = briefingSchema.parse((await this.rpc.call('dlg.briefing', ['csSiI'])) ?? []);
    return dialogs.filter((d) => d.state < 3).map((d) => ({ callId: d['call-id'], startedAt: d.init_ts * 1000 }));
  }

  async registration(extension: string): Promise<RegistrationView | null> {
    let result: unknown;
    try {
      result = await this.rpc.call('ul.lookup', ['location', extension]);
    } catch (err) {
      if (err instanceof KamailioRpcError && /not found/i.test(err.message)) return null;
      throw err;
    }
    if (result === null) return null;
    const newest = lookupSchema.parse(result).Contacts.map((c) => c.Contact).sort((a, b) => b.Expires - a.Expires)[0];
    if (!newest) return null;
    return { contact: newest.Address, source: sourceOf(newest), expiresSeconds: newest.Expires, ...(newest['Call-ID'] ? { callId: newest['Call-ID'] } : {}) };
  }

  async restoreRegistration(extension: string, binding: RegistrationView): Promise<void> {
    // ul.add table AOR contact expires q path flags cflags methods (all methods: 0xFFFFFFFF)
    await this.rpc.call('ul.add', ['location', extension, binding.contact, binding.expiresSeconds, -1, '', 0, 0, 4294967295]);
  }

  async startedAt(): Promise<number> {
    const { uptime } = uptimeSchema.parse(await this.rpc.call('core.uptime', []));
    return Date.now() - uptime * 1000;
  }
}

const uptimeSchema = z.object({ uptime: z.number() });

/** The registration's source: the received address behind NAT, else the contact's host and port. */
function sourceOf(contact: { Address: string; Received?: string }): string {
  if (contact.Received && contact.Received.startsWith('sip:')) return contact.Received.replace(/;.*$/, '');
  const hostPort = /^sips?:(?:[^@]*@)?([^;>]+)/.exec(contact.Address)?.[1] ?? contact.Address;
  return `sip:${hostPort}`;
}

import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/**
 * Hand-built SIP over UDP, for tests that need requests no well-behaved phone
 * sends (forged in-dialog requests, hostile header values) or every byte of a
 * dialog under control (re-INVITE, BYE from either side).
 */
export interface SipMessage {
  raw: Buffer;
  text: string;
  /** The request method, or undefined for a response. */
  method: string | undefined;
  status: number | undefined;
  header(name: string): string | undefined;
  headers(name: string): string[];
  from: { ip: string; port: number };
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

export function parseSip(raw: Buffer, from: { ip: string; port: number }): SipMessage {
  const text = raw.toString('latin1');
  const [head = ''] = text.split('\r\n\r\n');
  const [firstLine = '', ...lines] = head.split('\r\n');
  const fields: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    fields.push([COMPACT[name] ?? name, line.slice(colon + 1).trim()]);
  }
  const status = /^SIP\/2\.0 (\d{3})/.exec(firstLine);
  const all = (name: string) => fields.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
  return {
    raw,
    text,
    method: status ? undefined : firstLine.split(' ')[0],
    status: status ? Number(status[1]) : undefined,
    header: (name) => all(name)[0],
    // Record-Route and Via may come as several headers or one comma-separated list.
    headers: (name) => all(name).flatMap((v) => v.split(/,(?=\s*<|\s*SIP\/)/).map((x) => x.trim())),
    from,
  };
}

/** A UDP socket on one loopback address that keeps every SIP message it receives. */
export class SipEndpoint {
  readonly received: SipMessage[] = [];
  private waiters: (() => void)[] = [];

  private responder: ((m: SipMessage) => string[]) | null = null;

  private constructor(private readonly socket: Socket, readonly ip: string, readonly port: number) {
    socket.on('message', (raw, rinfo) => {
      const message = parseSip(raw, { ip: rinfo.address, port: rinfo.port });
      this.received.push(message);
      if (message.method) for (const reply of this.responder?.(message) ?? []) socket.send(reply, rinfo.port, rinfo.address);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Answers every request it receives with the responses `respond` builds. */
  onRequest(respond: (m: SipMessage) => string[]): void {
    this.responder = respond;
  }

  static async open(ip: string, port = 0): Promise<SipEndpoint> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, ip, () => resolve());
    });
    return new SipEndpoint(socket, ip, socket.address().port);
  }

  get contact(): string {
    return `${this.ip}:${this.port}`;
  }

  send(message: string | Buffer, port: number, ip = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(message, port, ip, (err) => (err ? reject(err) : resolve())));
  }

  /** The first message (received so far or later) that matches; rejects after the timeout. */
  async waitFor(match: (m: SipMessage) => boolean, timeoutMs: number, what = 'a SIP message'): Promise<SipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} did not arrive at ${this.contact} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

export const newTag = () => randomBytes(6).toString('hex');
export const newBranch = () => `z9hG4bK${randomBytes(8).toString('hex')}`;

export interface RequestParts {
  method: string;
  uri: string;
  /** Where the request is sent from (Via, Contact). */
  local: SipEndpoint;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  routes?: string[];
  extraHeaders?: string[];
  body?: string;
  /** The Via branch: a CANCEL repeats its INVITE's. */
  branch?: string;
}

export function buildRequest(p: RequestParts): string {
  const body = p.body ?? '';
  return [
    `${p.method} ${p.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${p.local.contact};branch=${p.branch ?? newBranch()};rport`,
    'Max-Forwards: 70',
    ...(p.routes ?? []).map((r) => `Route: ${r}`),
    `From: ${p.from}`,
    `To: ${p.to}`,
    `Call-ID: ${p.callId}`,
    `CSeq: ${p.cseq} ${p.method}`,
    `Contact: <sip:leadline-test@${p.local.contact}>`,
    ...(p.extraHeaders ?? []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
    '',
    body,
  ].join('\r\n');
}

/** A response to a received request: its Via, Record-Route, From, Call-ID and CSeq copied, a To-tag added. */
export function buildResponse(request: SipMessage, status: number, reason: string, opts: { toTag?: string; contact?: string; body?: string } = {}): string {
  const body = opts.body ?? '';
  const to = request.header('to')!;
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...request.headers('via').map((v) => `Via: ${v}`),
    ...request.headers('record-route').map((r) => `Record-Route: ${r}`),
    `From: ${request.header('from')}`,
    `To: ${opts.toTag && !/;tag=/.test(to) ? `${to};tag=${opts.toTag}` : to}`,
    `Call-ID: ${request.header('call-id')}`,
    `CSeq: ${request.header('cseq')}`,
    ...(opts.contact ? [`Contact: <sip:${opts.contact}>`] : []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
    '',
    body,
  ].join('\r\n');
}

/** An audio offer or answer from `ip:port` (rtpengine rewrites it; nothing needs to flow). */
export function sdp(ip: string, port: number): string {
  return ['v=0', `o=- 1 1 IN IP4 ${ip}`, 's=-', `c=IN IP4 ${ip}`, 't=0 0', `m=audio ${port} RTP/AVP 8`, 'a=rtpmap:8 PCMA/8000', ''].join('\r\n');
}

/** The digest answer (RFC 2617, qop=auth) to a 401/407 challenge. */
export function digestAnswer(challenge: SipMessage, opts: { user: string; password: string; method: string; uri: string }): string {
  const header = challenge.header(challenge.status === 407 ? 'proxy-authenticate' : 'www-authenticate')!;
  const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(header)?.[1] ?? '';
  const realm = param('realm');
  const nonce = param('nonce');
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const cnonce = newTag();
  const nc = '00000001';
  const ha1 = md5(`${opts.user}:${realm}:${opts.password}`);
  const ha2 = md5(`${opts.method}:${opts.uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const name = challenge.status === 407 ? 'Proxy-Authorization' : 'Authorization';
  return `${name}: Digest username="${opts.user}", realm="${realm}", nonce="${nonce}", uri="${opts.uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

/** REGISTERs `user` from `phone` (challenge, then the digest answer); resolves with the final response. */
export async function register(phone: SipEndpoint, pbxPort: number, opts: { user: string; password: string; domain: string; expires?: number }): Promise<SipMessage> {
  const callId = `reg-${newTag()}`;
  const uri = `sip:${opts.domain}`;
  const aor = `<sip:${opts.user}@${opts.domain}>`;
  const parts = {
    method: 'REGISTER',
    uri,
    local: phone,
    from: `${aor};tag=${newTag()}`,
    to: aor,
    callId,
    extraHeaders: [`Expires: ${opts.expires ?? 300}`],
  };
  const final = (cseq: number) => (m: SipMessage) => m.header('call-id') === callId && m.header('cseq') === `${cseq} REGISTER` && (m.status ?? 0) >= 200;
  await phone.send(buildRequest({ ...parts, cseq: 1 }), pbxPort);
  const challenge = await phone.waitFor(final(1), 3000, 'the REGISTER challenge');
  if (challenge.status !== 401) return challenge;
  const authorization = digestAnswer(challenge, { user: opts.user, password: opts.password, method: 'REGISTER', uri });
  await phone.send(buildRequest({ ...parts, cseq: 2, extraHeaders: [...parts.extraHeaders, authorization] }), pbxPort);
  return phone.waitFor(final(2), 3000, 'the answer to the authenticated REGISTER');
}

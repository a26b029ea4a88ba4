import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from 'pino';

/** What the mailbox is told about its calls (the service decides, the UA does SIP). */
export interface VoicemailUaEvents {
  /** A new INVITE: answer it (true) or refuse it with 480 (a call the service did not send). */
  accept(callId: string): boolean;
  /** The caller's ACK arrived: media flows; `fromTag` names the caller to rtpengine. */
  confirmed(callId: string, fromTag: string): void;
  /** The dialog is over (the caller's BYE, or the answer to ours). */
  ended(callId: string): void;
}

interface Dialog {
  callId: string;
  localTag: string;
  /** The caller's From header and To (with our tag), as they go into our requests. */
  remote: string;
  local: string;
  remoteTarget: string;
  routes: string[];
  invite: string;
  answer: string;
  cseq: number;
  confirmed: boolean;
}

const header = (head: string, name: string): string[] =>
  head
    .split('\r\n')
    .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((l) => l.slice(name.length + 1).trim());

/**
 * The voice mailbox's SIP side: a user agent on a loopback port that Kamailio routes
 * calls to like to any phone (so rtpengine anchors and records them as usual). It
 * answers at once with an SDP whose media goes nowhere (port 9; sendrecv, or rtpengine
 * refuses to play to the caller "for" it): every sound the
 * caller hears is played by rtpengine, and no audio reaches this process. Only
 * Kamailio may talk to it. Signalling only: a few datagrams per message left.
 */
export class VoicemailUa {
  private socket: Socket | undefined;
  private readonly dialogs = new Map<string, Dialog>();

  constructor(
    private readonly address: { ip: string; port: number },
    private readonly proxy: { ip: string; port: number },
    private readonly events: VoicemailUaEvents,
    private readonly log: Logger,
  ) {}

  get uri(): string {
    return `sip:voicemail@${this.address.ip}:${this.address.port}`;
  }

  async start(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== this.proxy.ip || rinfo.port !== this.proxy.port) return; // only Kamailio
      try {
        this.receive(msg.toString('latin1'));
      } catch (err) {
        this.log.warn({ err }, 'voicemail: unreadable SIP message dropped');
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.address.port, this.address.ip, () => resolve());
    });
    this.socket = socket;
  }

  stop(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  /** Ends the call from the mailbox side (the message reached max_seconds). */
  hangUp(callId: string): void {
    const d = this.dialogs.get(callId);
    if (!d) return;
    d.cseq += 1;
    const request = [
      `BYE ${d.remoteTarget} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.address.ip}:${this.address.port};branch=z9hG4bK${randomBytes(8).toString('hex')};rport`,
      'Max-Forwards: 70',
      ...d.routes.map((r) => `Route: ${r}`),
      `From: ${d.local}`,
      `To: ${d.remote}`,
      `Call-ID: ${d.callId}`,
      `CSeq: ${d.cseq} BYE`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    this.send(request);
  }

  private receive(text: string): void {
    const [head = '', body = ''] = splitOnce(text, '\r\n\r\n');
    const firstLine = head.slice(0, head.indexOf('\r\n'));
    const callId = header(head, 'Call-ID')[0] ?? header(head, 'i')[0];
    if (!callId) return;
    if (firstLine.startsWith('SIP/2.0 ')) {
      // The answer to our BYE.
      if (/ BYE$/.test(header(head, 'CSeq')[0] ?? '') && this.dialogs.delete(callId)) this.events.ended(callId);
      return;
    }
    const method = firstLine.split(' ')[0];
    const dialog = this.dialogs.get(callId);
    switch (method) {
      case 'INVITE': {
        if (dialog) return this.send(dialog.answer); // a retransmission
        if (!this.events.accept(callId)) return this.send(this.response(head, 480, 'Temporarily Unavailable', randomBytes(6).toString('hex')));
        const d = this.open(head, body, callId);
        this.dialogs.set(callId, d);
        return this.send(d.answer);
      }
      case 'ACK':
        if (dialog && !dialog.confirmed) {
          dialog.confirmed = true;
          this.events.confirmed(callId, tagOf(dialog.remote));
        }
        return;
      case 'BYE':
        this.send(this.response(head, 200, 'OK'));
        if (this.dialogs.delete(callId)) this.events.ended(callId);
        return;
      case 'CANCEL':
        return this.send(this.response(head, 200, 'OK'));
      default:
        return this.send(this.response(head, 405, 'Method Not Allowed'));
    }
  }

  private open(head: string, offer: string, callId: string): Dialog {
    const localTag = randomBytes(6).toString('hex');
    const contact = /<([^>]+)>/.exec(header(head, 'Contact')[0] ?? '')?.[1] ?? header(head, 'Contact')[0] ?? '';
    const audio = /^m=audio \d+ \S+ ([^\r\n]+)/m.exec(offer);
    const formats = (audio?.[1] ?? '8').split(' ').filter((f) => f === '0' || f === '8');
    const codec = formats[0] ?? '8';
    const sdp = ['v=0', `o=leadline-voicemail 1 1 IN IP4 ${this.address.ip}`, 's=voicemail', `c=IN IP4 ${this.address.ip}`, 't=0 0', `m=audio 9 RTP/AVP ${codec}`, `a=rtpmap:${codec} ${codec === '0' ? 'PCMU' : 'PCMA'}/8000`, 'a=sendrecv', ''].join('\r\n');
    const to = header(head, 'To')[0] ?? '';
    return {
      callId,
      localTag,
      remote: header(head, 'From')[0] ?? '',
      local: /;tag=/.test(to) ? to : `${to};tag=${localTag}`,
      remoteTarget: contact,
      // A UAS keeps the Record-Route set in its order.
      routes: header(head, 'Record-Route').flatMap((r) => r.split(/,(?=\s*<)/).map((x) => x.trim())),
      invite: head,
      answer: this.response(head, 200, 'OK', localTag, sdp),
      cseq: 0,
      confirmed: false,
    };
  }

  private response(head: string, status: number, reason: string, toTag?: string, sdp = ''): string {
    const to = header(head, 'To')[0] ?? '';
    return [
      `SIP/2.0 ${status} ${reason}`,
      ...header(head, 'Via').map((v) => `Via: ${v}`),
      ...header(head, 'Record-Route').map((r) => `Record-Route: ${r}`),
      `From: ${header(head, 'From')[0] ?? ''}`,
      `To: ${toTag && !/;tag=/.test(to) ? `${to};tag=${toTag}` : to}`,
      `Call-ID: ${header(head, 'Call-ID')[0] ?? ''}`,
      `CSeq: ${header(head, 'CSeq')[0] ?? ''}`,
      `Contact: <${this.uri}>`,
      ...(sdp ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      '',
      sdp,
    ].join('\r\n');
  }

  private send(message: string): void {
    this.socket?.send(message, this.proxy.port, this.proxy.ip);
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

function tagOf(fromHeader: string): string {
  return /;tag=([^;>\s]+)/.exec(fromHeader)?.[1] ?? '';
}

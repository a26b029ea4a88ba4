import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { ListenMedia } from '../../services/live-listen.js';
import { bdecode, bencode, type Bencoded } from './bencode.js';

/**
 * Live listening through rtpengine 10.5's media subscriptions (ng `subscribe request`,
 * `subscribe answer`, `unsubscribe`): rtpengine offers a receive-only copy of both
 * parties' media (flag `all`: one audio section each) to a new endpoint, here a
 * supervisor's browser, so it speaks WebRTC to it (ICE, DTLS-SRTP, rtcp-mux). The call
 * itself is not touched: the parties see no re-INVITE and the recording is unchanged.
 */
export class RtpengineSubscriptions implements ListenMedia {
  constructor(private readonly port: number, private readonly host = '127.0.0.1', private readonly timeoutMs = 2000) {}

  async subscribe(callId: string): Promise<{ sdp: string; listenerTag: string }> {
    const reply = await this.command({
      command: 'subscribe request',
      'call-id': callId,
      flags: ['all', 'generate-mid'],
      'transport-protocol': 'UDP/TLS/RTP/SAVPF',
      ICE: 'force',
      'rtcp-mux': ['offer', 'require'],
      SDES: ['off'],
    });
    const sdp = reply.sdp;
    const tag = reply['to-tag'];
    if (typeof sdp !== 'string' || typeof tag !== 'string') throw new Error('rtpengine answered the subscription without an SDP or a to-tag');
    return { sdp: uniqueMids(sdp), listenerTag: tag };
  }

  async answer(callId: string, listenerTag: string, sdp: string): Promise<void> {
    await this.command({ command: 'subscribe answer', 'call-id': callId, 'to-tag': listenerTag, sdp, flags: ['allow transcoding'] });
  }

  async unsubscribe(callId: string, listenerTag: string): Promise<void> {
    await this.command({ command: 'unsubscribe', 'call-id': callId, 'to-tag': listenerTag });
  }

  /** One ng command; an rtpengine error ("Unknown call-id") comes back as ListenMediaError. */
  private command(fields: Record<string, Bencoded>): Promise<Record<string, Bencoded>> {
    return new Promise((resolve, reject) => {
      const cookie = randomBytes(6).toString('hex');
      const socket = createSocket('udp4');
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        socket.close();
        fn();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`rtpengine did not answer "${fields.command}" within ${this.timeoutMs} ms`))), this.timeoutMs);
      socket.on('message', (msg) => {
        const text = msg.toString();
        if (!text.startsWith(`${cookie} `)) return;
        finish(() => {
          try {
            const reply = bdecode(text.slice(cookie.length + 1));
            if (typeof reply !== 'object' || Array.isArray(reply)) throw new Error('rtpengine answered with something that is not a dictionary');
            if (reply.result !== 'ok') reject(new ListenMediaError(String(reply['error-reason'] ?? reply.result)));
            else resolve(reply);
          } catch (e) {
            reject(e as Error);
          }
        });
      });
      socket.on('error', (e) => finish(() => reject(e)));
      socket.send(`${cookie} ${bencode(fields)}`, this.port, this.host);
    });
  }
}

export class ListenMediaError extends Error {}

/**
 * rtpengine 10.5 gives each subscribed party's section the mid of its own call leg, so
 * with both parties the offer carries "a=mid:1" twice, which a browser refuses
 * ("Duplicate a=mid value"). Sections are matched by their order, so they are renumbered.
 */
export function uniqueMids(sdp: string): string {
  let section = -1;
  return sdp
    .split('\r\n')
    .map((line) => {
      if (line.startsWith('m=')) section++;
      return line.startsWith('a=mid:') ? `a=mid:${section}` : line;
    })
    .join('\r\n');
}

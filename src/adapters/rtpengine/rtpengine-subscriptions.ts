import type { ListenMedia } from '../../services/live-listen.js';
import type { Bencoded } from './bencode.js';
import { NgClient } from './ng-client.js';

/** What rtpengine offers a browser: ICE (rtpengine the only candidate), DTLS-SRTP, rtcp-mux. */
export const TO_BROWSER: Record<string, Bencoded> = {
  'transport-protocol': 'UDP/TLS/RTP/SAVPF',
  ICE: 'force',
  'rtcp-mux': ['offer', 'require'],
  SDES: ['off'],
};

/**
 * Live listening through rtpengine 10.5's media subscriptions (ng `subscribe request`,
 * `subscribe answer`, `unsubscribe`): rtpengine offers a receive-only copy of both
 * parties' media (flag `all`: one audio section each) to a new endpoint, here a
 * supervisor's browser, so it speaks WebRTC to it (ICE, DTLS-SRTP, rtcp-mux). The call
 * itself is not touched: the parties see no re-INVITE and the recording is unchanged.
 */
export class RtpengineSubscriptions implements ListenMedia {
  private readonly ng: NgClient;

  constructor(port: number, host = '127.0.0.1', timeoutMs = 2000) {
    this.ng = new NgClient(port, host, timeoutMs);
  }

  async subscribe(callId: string): Promise<{ sdp: string; listenerTag: string }> {
    const reply = await this.command({
      command: 'subscribe request',
      'call-id': callId,
      flags: ['all', 'generate-mid'],
      ...TO_BROWSER,
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

  private command({ command, ...fields }: Record<string, Bencoded>): Promise<Record<string, Bencoded>> {
    return this.ng.request(String(command), fields);
  }
}

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

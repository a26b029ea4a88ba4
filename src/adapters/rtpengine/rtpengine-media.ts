import { MediaError, type CallerLeg, type MediaPort } from '../../core/media/media-port.js';
import type { BValue } from './bencode.js';
import { NgClient } from './ng-client.js';

/** The to-tag rtpengine knows the placeholder party by (the caller's announcements). */
export const ANNOUNCER_TAG = 'leadline-announcer';

/**
 * The party that answers the caller's offer while only announcements play: it
 * takes any audio rtpengine sends and sends none. RTP to port 9 (discard) on
 * loopback goes nowhere.
 */
function placeholderAnswer(offer: string): string {
  const audio = /^m=audio \d+ ([^\r\n]+)$/m.exec(offer);
  const formats = audio ? audio[1]!.split(' ').slice(1) : ['8', '0'];
  // Keep the caller's codec order and the telephone-event it offered (DTMF).
  const keep = formats.filter((f) => f === '0' || f === '8' || /^a=rtpmap:(\d+) telephone-event\//m.exec(offer)?.[1] === f);
  const rtpmaps = keep.map((f) => (f === '0' ? 'a=rtpmap:0 PCMU/8000' : f === '8' ? 'a=rtpmap:8 PCMA/8000' : `a=rtpmap:${f} telephone-event/8000`));
  return ['v=0', 'o=leadline 1 1 IN IP4 127.0.0.1', 's=leadline', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio 9 RTP/AVP ${(keep.length ? keep : ['8']).join(' ')}`, ...rtpmaps, 'a=sendrecv', ''].join('\r\n');
}

/** MediaPort over rtpengine's ng protocol (ng-client.ts). */
export class RtpengineMedia implements MediaPort {
  private readonly ng: NgClient;

  constructor(port: number, host = '127.0.0.1', timeoutMs = 1000) {
    this.ng = new NgClient(port, host, timeoutMs);
  }

  async openCallerMedia(leg: CallerLeg, offerSdp: string): Promise<string> {
    const common = { 'call-id': leg.callId, 'from-tag': leg.fromTag, replace: ['origin', 'session-connection'], ICE: 'remove' };
    await this.request('offer', { ...common, sdp: offerSdp });
    const answer = await this.request('answer', { ...common, 'to-tag': ANNOUNCER_TAG, sdp: placeholderAnswer(offerSdp) });
    if (typeof answer.sdp !== 'string') throw new MediaError('rtpengine answered without an SDP');
    return answer.sdp;
  }

  async play(leg: CallerLeg, file: string, repeatTimes = 1): Promise<number> {
    const reply = await this.request('play media', { 'call-id': leg.callId, 'from-tag': leg.fromTag, file, 'repeat-times': repeatTimes });
    return typeof reply.duration === 'number' ? reply.duration : 0;
  }

  async stop(leg: CallerLeg): Promise<void> {
    // Nothing playing is not a fault: the file may have just ended, or the call with it.
    await this.request('stop media', { 'call-id': leg.callId, 'from-tag': leg.fromTag }).catch((err: Error) => {
      if (!/not.*playing|no media|unknown call/i.test(err.message)) throw err;
    });
  }

  async record(leg: CallerLeg): Promise<void> {
    await this.request('start recording', { 'call-id': leg.callId, 'from-tag': leg.fromTag });
  }

  async close(leg: CallerLeg): Promise<void> {
    await this.request('delete', { 'call-id': leg.callId }).catch((err: Error) => {
      if (!/unknown call/i.test(err.message)) throw err;
    });
  }

  shutdown(): void {
    this.ng.close();
  }

  /** One ng command; rejects with rtpengine's own error-reason when it refuses. */
  request(command: string, fields: Record<string, BValue>): Promise<Record<string, BValue>> {
    return this.ng.request(command, fields);
  }
}

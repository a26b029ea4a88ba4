import type { CoachMedia } from '../../services/live-coaching.js';
import type { Bencoded } from './bencode.js';
import { NgClient } from './ng-client.js';
import { TO_BROWSER, uniqueMids } from './rtpengine-subscriptions.js';

/** The supervisor's participant in the coaching call. */
const SUPERVISOR_TAG = 'supervisor';

/**
 * The supervisor's voice through rtpengine 10.5's `publish` and `subscribe request`, in a
 * call of its own (`coach-<id>`): his browser publishes a send-only stream, rtpengine
 * answers it; the manager's browser subscribes to it. Neither touches the coached call,
 * its recording or its parties' media. The ng `delete` of the coaching call ends both.
 */
export class RtpengineCoaching implements CoachMedia {
  private readonly ng: NgClient;

  constructor(port: number, host = '127.0.0.1', timeoutMs = 2000) {
    this.ng = new NgClient(port, host, timeoutMs);
  }

  async publish(coachId: string, sdp: string): Promise<string> {
    const reply = await this.command({ command: 'publish', 'call-id': callIdOf(coachId), 'from-tag': SUPERVISOR_TAG, sdp, ICE: 'force', 'rtcp-mux': ['accept'], SDES: ['off'] });
    if (typeof reply.sdp !== 'string') throw new Error('rtpengine answered the publish without an SDP');
    return reply.sdp;
  }

  /**
   * ICE-lite toward the manager's browser, so the browser nominates: without it the
   * subscription (rtpengine the offerer, hence the controlling agent) stayed in ICE
   * "checking" in about 4 of 10 runs of the e2e test, silent to the end.
   */
  async subscribe(coachId: string): Promise<{ sdp: string; tag: string }> {
    const reply = await this.command({ command: 'subscribe request', 'call-id': callIdOf(coachId), 'from-tag': SUPERVISOR_TAG, flags: ['generate-mid'], ...TO_BROWSER, 'ICE-lite': 'forward' });
    const { sdp } = reply;
    const tag = reply['to-tag'];
    if (typeof sdp !== 'string' || typeof tag !== 'string') throw new Error('rtpengine answered the subscription without an SDP or a to-tag');
    return { sdp: uniqueMids(sdp), tag };
  }

  async answer(coachId: string, tag: string, sdp: string): Promise<void> {
    await this.command({ command: 'subscribe answer', 'call-id': callIdOf(coachId), 'to-tag': tag, sdp, flags: ['allow transcoding'] });
  }

  async end(coachId: string): Promise<void> {
    await this.command({ command: 'delete', 'call-id': callIdOf(coachId) });
  }

  private command({ command, ...fields }: Record<string, Bencoded>): Promise<Record<string, Bencoded>> {
    return this.ng.request(String(command), fields);
  }
}

/** The coaching call at rtpengine: its own call-id, a random one no SIP call shares. */
export function callIdOf(coachId: string): string {
  return `coach-${coachId}`;
}

/**
 * No trickle ICE toward rtpengine: an SDP goes once the browser's candidates are in,
 * or after `maxMs` with what it has.
 */
export function iceGathered(pc: RTCPeerConnection, maxMs = 2000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, maxMs);
  });
}

/** RTP packets received (inbound) or sent (outbound) so far on every stream of the connection. */
export async function rtpPackets(pc: RTCPeerConnection, direction: 'inbound' | 'outbound'): Promise<number> {
  let n = 0;
  (await pc.getStats()).forEach((s: { type: string; packetsReceived?: number; packetsSent?: number }) => {
    if (s.type === `${direction}-rtp`) n += (direction === 'inbound' ? s.packetsReceived : s.packetsSent) ?? 0;
  });
  return n;
}

/**
 * What the service asks of the media server for announcements: open a media
 * session towards a caller before anyone answers (early media), play and stop
 * files to him, record him, and close the session. rtpengine implements it over
 * its ng protocol (src/adapters/rtpengine/rtpengine-media.ts); an in-memory fake
 * stands in for unit tests.
 */
export interface CallerLeg {
  callId: string;
  /** The caller's From tag: rtpengine names a party by it. */
  fromTag: string;
}

export interface MediaPort {
  /**
   * Anchors the caller's offer and answers it for a placeholder party: returns the SDP
   * the caller gets (in a 183 or a 200), with rtpengine as his media peer.
   */
  openCallerMedia(leg: CallerLeg, offerSdp: string): Promise<string>;
  /** Plays a prepared file to the caller; resolves with its length in ms. */
  play(leg: CallerLeg, file: string, repeatTimes?: number): Promise<number>;
  stop(leg: CallerLeg): Promise<void>;
  /** Starts recording the call (rtpengine's pcap, the same as every answered call). */
  record(leg: CallerLeg): Promise<void>;
  /** Ends rtpengine's session: the recording's metadata is written out. */
  close(leg: CallerLeg): Promise<void>;
}

export class MediaError extends Error {
  readonly code = 'MEDIA.FAILED';
}

import { PT_PCMA, PT_PCMU } from './g711.js';
import { identifyCodec, RTP_CLOCK_RATE, type AudioCodec } from './rtp-codecs.js';
import { orderBySequence, type RecordingSide, type SidePacket } from './stereo-mix.js';

/**
 * Sorts a recording's packets into what the mix decodes itself (G.711) and what an
 * external decoder must (one job per side and codec, packets in sequence order per
 * stream, streams in order of first appearance). Pure.
 */

export interface DecodeJob {
  side: RecordingSide;
  codec: Exclude<AudioCodec, 'PCMA' | 'PCMU'>;
  packets: SidePacket[];
}

export interface DecodePlan {
  /** G.711 and everything no decoder takes (telephone-event, CN, unknown codecs): for the mix as they are. */
  direct: SidePacket[];
  jobs: DecodeJob[];
  /** The codecs heard on each side, G.711 included, in order of first appearance. */
  codecs: Record<RecordingSide, AudioCodec[]>;
}

/** `rtpmapOf(stream)`: the payload-type map of the SDP that the stream's sender was given, when the recording has it. */
export type RtpmapLookup = (firstPacket: SidePacket) => ReadonlyMap<number, AudioCodec | null> | undefined;

export function planDecoding(packets: readonly SidePacket[], rtpmapOf: RtpmapLookup = () => undefined): DecodePlan {
  const streams = new Map<string, SidePacket[]>();
  const direct: SidePacket[] = [];
  const codecs: Record<RecordingSide, AudioCodec[]> = { caller: [], manager: [] };
  const heard = (side: RecordingSide, codec: AudioCodec) => {
    if (!codecs[side].includes(codec)) codecs[side].push(codec);
  };
  for (const p of packets) {
    if (p.payloadType === PT_PCMA || p.payloadType === PT_PCMU) {
      heard(p.side, p.payloadType === PT_PCMA ? 'PCMA' : 'PCMU');
      direct.push(p);
      continue;
    }
    const key = `${p.side}/${p.ssrc}/${p.payloadType}`;
    const list = streams.get(key);
    if (list) list.push(p);
    else streams.set(key, [p]);
  }
  const jobs = new Map<string, DecodeJob>();
  for (const stream of streams.values()) {
    const first = stream[0]!;
    const ordered = orderBySequence(stream);
    const codec = identifyCodec(first.payloadType, rtpmapOf(first), ordered);
    if (codec === null || codec === 'PCMA' || codec === 'PCMU') {
      direct.push(...stream); // left out by the mix (not G.711 by number): silence, as before
      continue;
    }
    heard(first.side, codec);
    const key = `${first.side}/${codec}`;
    const clockRate = RTP_CLOCK_RATE[codec];
    const withClock = ordered.map((p) => ({ ...p, clockRate }));
    const job = jobs.get(key);
    if (job) job.packets.push(...withClock);
    else jobs.set(key, { side: first.side, codec, packets: withClock });
  }
  return { direct, jobs: [...jobs.values()], codecs };
}

import { parseRtpmaps, type AudioCodec } from './rtp-codecs.js';

/**
 * Reads what a recording needs from rtpengine's per-call metadata file
 * (`<spool>/metadata/rtpengine-meta-<call>.txt`, written with --recording-method=pcap):
 * the SDP bodies rtpengine sent out, each after a "SDP mode: offer|answer" line.
 */

export interface MetadataSdp {
  mode: 'offer' | 'answer';
  /** The c= address and audio m= port of rtpengine's rewritten SDP, "ip:port": where that SDP's receiver sends its RTP. */
  audioAddress: string | null;
  /** Its audio payload types: the numbers that SDP's receiver sends with. */
  rtpmap: Map<number, AudioCodec | null>;
}

export interface RtpengineMetadata {
  /** Epoch ms rtpengine started the recording ("Timestamp started ms"). */
  startedAt: number | null;
  sdps: MetadataSdp[];
}

export function parseRtpengineMetadata(text: string): RtpengineMetadata {
  const lines = text.split(/\r?\n/);
  const started = /^Timestamp started ms:\s*([\d.]+)/m.exec(text);
  const sdps: MetadataSdp[] = [];
  for (let i = 0; i < lines.length; i++) {
    const mode = /^SDP mode:\s*(offer|answer)\s*$/.exec(lines[i]!);
    if (!mode) continue;
    let connection: string | null = null;
    let mediaConnection: string | null = null;
    let port: number | null = null;
    let inAudio = false;
    const body: string[] = [];
    // The SDP body runs until the next metadata section ("Timestamp ...", "SDP mode", "call ...").
    for (let j = i + 1; j < lines.length && !/^(SDP mode|Timestamp|call )/.test(lines[j]!); j++) {
      const line = lines[j]!;
      body.push(line);
      const c = /^c=IN IP4 (\S+)/.exec(line);
      if (c) {
        if (inAudio) mediaConnection ??= c[1]!;
        else if (port === null) connection = c[1]!;
      }
      const m = /^m=(\w+) (\d+)/.exec(line);
      if (m) {
        inAudio = m[1] === 'audio' && port === null;
        if (inAudio) port = Number(m[2]);
      }
    }
    const ip = mediaConnection ?? connection;
    sdps.push({ mode: mode[1] as 'offer' | 'answer', audioAddress: ip !== null && port !== null ? `${ip}:${port}` : null, rtpmap: parseRtpmaps(body.join('\n')) });
  }
  return { startedAt: started ? Number(started[1]) : null, sdps };
}

/**
 * The rtpengine address the caller sends to. The first SDP decides: an answer
 * goes back to the party that sent the INVITE (the caller), so the caller sends
 * to the answer's address; an offer goes to the called party, so it is the
 * manager who sends there and the caller is the other side.
 * Later SDPs (re-INVITEs) can come from either party and are not used.
 */
export function callerMediaFromMetadata(meta: RtpengineMetadata): { callerSendsTo: string } | { managerSendsTo: string } | null {
  const first = meta.sdps[0];
  if (!first?.audioAddress) return null;
  return first.mode === 'answer' ? { callerSendsTo: first.audioAddress } : { managerSendsTo: first.audioAddress };
}

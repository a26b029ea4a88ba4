/**
 * rtpengine names a call's pcap after the URL-encoded Call-ID followed by '-' and a
 * random hex part: this tells whether a file name in <spool>/pcaps is that call's.
 * The random part is hex, so "abc" never takes the pcap of a call "abc-1".
 */
export function pcapNameMatcher(callId: string): (name: string) => boolean {
  const prefixes = [...new Set([encodeURIComponent(callId), callId])];
  return (n) => prefixes.some((p) => n.startsWith(`${p}-`) && /^[0-9a-fA-F]+\.pcap$/.test(n.slice(p.length + 1)));
}

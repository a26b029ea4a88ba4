/** The packets of an Ogg stream (pages' lacing reassembled), and each page's bytes (for CRC checks). */
export function oggPackets(ogg: Buffer): { packets: Buffer[]; pages: Buffer[] } {
  const packets: Buffer[] = [];
  const pages: Buffer[] = [];
  let partial: Buffer[] = [];
  for (let at = 0; at < ogg.length; ) {
    if (ogg.toString('ascii', at, at + 4) !== 'OggS') throw new Error(`no Ogg page at byte ${at}`);
    const segments = ogg[at + 26]!;
    const lacing = ogg.subarray(at + 27, at + 27 + segments);
    let body = at + 27 + segments;
    const start = at;
    for (const l of lacing) {
      partial.push(ogg.subarray(body, body + l));
      body += l;
      if (l < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    pages.push(ogg.subarray(start, body));
    at = body;
  }
  return { packets, pages };
}

import { readFileSync } from 'node:fs';

/** One UDP datagram from an rtpengine recording. */
export interface UdpPacket {
  /** Capture time, epoch ms. */
  at: number;
  src: string;
  dst: string;
  payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;

/**
 * Reads the UDP packets of a classic pcap file, as rtpengine's pcap recording
 * writes them (raw IPv4, link type 101; Ethernet is accepted too).
 * Addresses come out as "ip:port".
 */
export function readPcapUdp(path: string): UdpPacket[] {
  const file = readFileSync(path);
  if (file.length < 24) throw new Error(`${path} is too short to be a pcap file`);
  const magic = file.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!littleEndian && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error(`${path} is not a pcap file`);
  }
  const u32 = (at: number) => (littleEndian ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const nanos = (littleEndian ? magic : file.readUInt32BE(0)) === 0xa1b23c4d;
  const linkType = u32(20) & 0xffff;
  const linkHeader = linkType === LINKTYPE_RAW ? 0 : linkType === LINKTYPE_ETHERNET ? 14 : -1;
  if (linkHeader < 0) throw new Error(`${path}: unsupported pcap link type ${linkType}`);

  const packets: UdpPacket[] = [];
  // A file cut short by a crash ends with a partial record: stop there.
  for (let at = 24; at + 16 <= file.length; ) {
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const captured = u32(at + 8);
    const start = at + 16;
    at = start + captured;
    if (at > file.length) break;
    const ip = start + linkHeader;
    if ((file[ip]! >> 4) !== 4 || file[ip + 9] !== 17) continue; // IPv4 + UDP only
    const ipHeader = (file[ip]! & 0x0f) * 4;
    const udp = ip + ipHeader;
    const udpLength = file.readUInt16BE(udp + 4);
    packets.push({
      at: seconds * 1000 + (nanos ? fraction / 1e6 : fraction / 1e3),
      src: `${file.subarray(ip + 12, ip + 16).join('.')}:${file.readUInt16BE(udp)}`,
      dst: `${file.subarray(ip + 16, ip + 20).join('.')}:${file.readUInt16BE(udp + 2)}`,
      payload: file.subarray(udp + 8, Math.min(udp + udpLength, at)),
    });
  }
  return packets;
}

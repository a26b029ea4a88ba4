import { writeFileSync } from 'node:fs';

/** One datagram to write: epoch ms, "ip:port" addresses. */
export interface PcapDatagram {
  at: number;
  src: string;
  dst: string;
  payload: Uint8Array;
}

/** A classic pcap (µs, little-endian) of raw IPv4 + UDP, link type 101: what rtpengine writes. */
export function pcapBytes(datagrams: readonly PcapDatagram[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(101, 20);
  const parts: Buffer[] = [header];
  for (const d of datagrams) {
    const [srcIp, srcPort] = splitAddress(d.src);
    const [dstIp, dstPort] = splitAddress(d.dst);
    const length = 20 + 8 + d.payload.length;
    const record = Buffer.alloc(16 + length);
    const seconds = Math.floor(d.at / 1000);
    record.writeUInt32LE(seconds, 0);
    record.writeUInt32LE(Math.round((d.at - seconds * 1000) * 1000), 4);
    record.writeUInt32LE(length, 8);
    record.writeUInt32LE(length, 12);
    const ip = 16;
    record[ip] = 0x45;
    record.writeUInt16BE(length, ip + 2);
    record[ip + 8] = 64;
    record[ip + 9] = 17;
    srcIp.forEach((b, i) => (record[ip + 12 + i] = b));
    dstIp.forEach((b, i) => (record[ip + 16 + i] = b));
    record.writeUInt16BE(srcPort, ip + 20);
    record.writeUInt16BE(dstPort, ip + 22);
    record.writeUInt16BE(8 + d.payload.length, ip + 24);
    record.set(d.payload, ip + 28);
    parts.push(record);
  }
  return Buffer.concat(parts);
}

export function writePcap(path: string, datagrams: readonly PcapDatagram[]): void {
  writeFileSync(path, pcapBytes(datagrams));
}

function splitAddress(address: string): [number[], number] {
  const [ip, port] = address.split(':');
  return [ip!.split('.').map(Number), Number(port)];
}

export interface RtpFields {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  payload: Uint8Array;
}

/** A plain RTP v2 packet (no CSRC, extension or padding). */
export function rtpBytes(f: RtpFields): Buffer {
  const b = Buffer.alloc(12 + f.payload.length);
  b[0] = 0x80;
  b[1] = (f.marker ? 0x80 : 0) | f.payloadType;
  b.writeUInt16BE(f.sequence & 0xffff, 2);
  b.writeUInt32BE(f.timestamp >>> 0, 4);
  b.writeUInt32BE(f.ssrc >>> 0, 8);
  b.set(f.payload, 12);
  return b;
}

/**
 * A call of `seconds` with both sides sending 20 ms PCMA packets: caller
 * 10.0.0.1:4000 -> 10.0.0.9:30000, manager 127.0.0.1:5000 -> 10.0.0.9:30002.
 * Payload bytes follow a formula tests can check, or loop over `speech` (PCMA
 * bytes, the manager's half a loop behind) for realistic audio.
 */
export function syntheticCall(seconds: number, startAt = 1_700_000_000_000, speech?: Uint8Array): PcapDatagram[] {
  const packets: PcapDatagram[] = [];
  const count = Math.round(seconds * 50);
  for (let i = 0; i < count; i++) {
    const at = startAt + i * 20;
    const caller = new Uint8Array(160);
    const manager = new Uint8Array(160);
    for (let k = 0; k < 160; k++) {
      if (speech) {
        caller[k] = speech[(i * 160 + k) % speech.length]!;
        manager[k] = speech[(i * 160 + k + (speech.length >> 1)) % speech.length]!;
      } else {
        caller[k] = (i * 160 + k) & 0xff;
        manager[k] = (i * 7 + k * 3) & 0xff;
      }
    }
    packets.push({ at, src: '10.0.0.1:4000', dst: '10.0.0.9:30000', payload: rtpBytes({ payloadType: 8, sequence: 1000 + i, timestamp: 5000 + i * 160, ssrc: 0x1111, payload: caller }) });
    packets.push({ at: at + 0.3, src: '127.0.0.1:5000', dst: '10.0.0.9:30002', payload: rtpBytes({ payloadType: 8, sequence: 60000 + i, timestamp: 900 + i * 160, ssrc: 0x2222, payload: manager }) });
  }
  return packets;
}

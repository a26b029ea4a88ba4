import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { bdecode, bencode, type Bencoded } from './bencode.js';

/** rtpengine refused an ng command ("Unknown call-id", "No SDP known for this from-tag"). */
export class NgCommandError extends Error {}

/**
 * One ng command over UDP, behind a random cookie, with any bencodable fields (lists,
 * numbers); resolves with the reply dictionary when `result` is ok, rejects with
 * NgCommandError carrying rtpengine's `error-reason` otherwise, or when it is silent.
 */
export function ngCommand(port: number, host: string, timeoutMs: number, fields: Record<string, Bencoded>): Promise<Record<string, Bencoded>> {
  return new Promise((resolve, reject) => {
    const cookie = randomBytes(6).toString('hex');
    const socket = createSocket('udp4');
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      socket.close();
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`rtpengine did not answer "${String(fields.command)}" within ${timeoutMs} ms`))), timeoutMs);
    socket.on('message', (msg) => {
      const text = msg.toString();
      if (!text.startsWith(`${cookie} `)) return;
      finish(() => {
        try {
          const reply = bdecode(text.slice(cookie.length + 1));
          if (typeof reply !== 'object' || Array.isArray(reply)) throw new Error('rtpengine answered with something that is not a dictionary');
          if (reply.result !== 'ok') reject(new NgCommandError(String(reply['error-reason'] ?? reply.result)));
          else resolve(reply);
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    socket.on('error', (e) => finish(() => reject(e)));
    socket.send(`${cookie} ${bencode(fields)}`, port, host);
  });
}

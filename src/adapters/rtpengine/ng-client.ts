import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { MediaError } from '../../core/media/media-port.js';
import { bdecode, bencode, type BValue } from './bencode.js';

/**
 * rtpengine's ng protocol (UDP, bencoded, a cookie per request). One socket for every
 * request; replies are matched by cookie, and a request unanswered within the timeout
 * fails (never a hang). A refusal rejects with rtpengine's own error-reason.
 */
export class NgClient {
  private socket: Socket | undefined;
  private readonly pending = new Map<string, { resolve: (v: Record<string, BValue>) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
    private readonly timeoutMs = 1000,
  ) {}

  /** One ng command; rejects with rtpengine's own error-reason when it refuses. */
  request(command: string, fields: Record<string, BValue>): Promise<Record<string, BValue>> {
    const socket = this.open();
    const cookie = randomBytes(8).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(cookie);
        reject(new MediaError(`rtpengine did not answer "${command}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(cookie, {
        timer,
        reject,
        resolve: (reply) => {
          if (reply.result === 'ok' || reply.result === 'pong') resolve(reply);
          else reject(new MediaError(`rtpengine refused "${command}": ${String(reply['error-reason'] ?? reply.result)}`));
        },
      });
      socket.send(`${cookie} ${bencode({ ...fields, command })}`, this.port, this.host);
    });
  }

  close(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new MediaError('rtpengine client closed'));
    }
    this.pending.clear();
    this.socket?.close();
    this.socket = undefined;
  }

  private open(): Socket {
    if (this.socket) return this.socket;
    const socket = createSocket('udp4');
    socket.on('message', (msg) => {
      const space = msg.indexOf(0x20);
      const cookie = msg.subarray(0, space).toString();
      const waiting = this.pending.get(cookie);
      if (!waiting) return;
      this.pending.delete(cookie);
      clearTimeout(waiting.timer);
      try {
        const reply = bdecode(msg.subarray(space + 1));
        if (typeof reply !== 'object' || Array.isArray(reply)) throw new Error('not a dictionary');
        waiting.resolve(reply);
      } catch (err) {
        waiting.reject(new MediaError(`unreadable ng reply: ${(err as Error).message}`));
      }
    });
    socket.on('error', () => undefined);
    socket.unref();
    this.socket = socket;
    return socket;
  }
}

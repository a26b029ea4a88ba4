import { connect, type Socket } from 'node:net';
import { NetstringDecoder, encodeNetstring } from '../../src/adapters/kamailio/netstring.js';

/** A raw TCP client of Kamailio's evapi: what any local process could open. */
export class EvapiPeer {
  readonly received: unknown[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    const decoder = new NetstringDecoder();
    socket.on('data', (chunk) => {
      for (const payload of decoder.push(chunk)) this.received.push(JSON.parse(payload));
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<EvapiPeer> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new EvapiPeer(socket);
  }

  send(message: unknown): void {
    this.socket.write(encodeNetstring(JSON.stringify(message)));
  }

  /** Resolves once Kamailio has closed the connection; rejects after the timeout. */
  async waitClosed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`Kamailio kept the evapi connection open for ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

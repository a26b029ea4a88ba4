import { connect, type Socket } from 'node:net';
import { NetstringDecoder, encodeNetstring } from '../../src/adapters/kamailio/netstring.js';

/** A raw TCP client of Kamailio's evapi: what any local process could open. */
export class EvapiPeer {
  readonly received: unknown[] = [];

  private constructor(private readonly socket: Socket) {
    const decoder = new NetstringDecoder();
    socket.on('data', (chunk) => {
      for (const payload of decoder.push(chunk)) this.received.push(JSON.parse(payload));
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

  close(): void {
    this.socket.destroy();
  }
}

import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { parseDtmfReport, type DtmfReport } from '../../core/media/dtmf-digit.js';

/**
 * Receives rtpengine's DTMF reports (`--dtmf-log-dest=HOST:PORT`: one JSON datagram
 * per RFC 4733 event the caller sends). Only datagrams from the addresses given
 * (rtpengine's) are read; anything that is not a valid report is dropped and counted.
 */
export class DtmfListener {
  private socket: Socket | undefined;
  private dropped = 0;

  constructor(
    private readonly bind: { host: string; port: number },
    private readonly from: ReadonlySet<string>,
    private readonly onReport: (report: DtmfReport) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('message', (message, remote) => {
      const report = this.from.has(remote.address) ? parseDtmfReport(message) : null;
      if (!report) {
        this.dropped++;
        return;
      }
      this.onReport(report);
    });
    socket.on('error', (err) => this.log.warn({ err }, 'DTMF report socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.bind.port, this.bind.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
  }

  get droppedReports(): number {
    return this.dropped;
  }

  stop(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';

/** s3rver on 127.0.0.1, a random port and a temp folder; start() again after stop() brings the same data back. */
export class TestS3 {
  readonly dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  port = 0;
  private server: { run(): Promise<{ port: number }>; close(): Promise<void> } | null = null;

  constructor(readonly bucket = 'recordings') {}

  async start(port = this.port): Promise<void> {
    this.server = new S3rver({ port, address: '127.0.0.1', directory: this.dir, silent: true, configureBuckets: [{ name: this.bucket }] });
    const addr = await this.server!.run();
    this.port = addr.port;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  config() {
    return { endPoint: '127.0.0.1', port: this.port, useSSL: false, accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: this.bucket, requestTimeoutMs: 3000 };
  }
}

import { Client } from 'minio';
import type { ObjectInfo, ObjectStorage, PutOptions, StoredObject } from '../../core/recordings/recording-store.port.js';
import { ChecksumMismatchError, StorageError } from '../../core/recordings/recording-errors.js';
import { fileChecksums } from './file-checksum.js';

export interface S3StorageConfig {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
  /** Give up a request after this long, so an endpoint that hangs counts as down. */
  requestTimeoutMs?: number;
}

/** The user metadata key the content's sha256 is kept under (x-amz-meta-sha256 on the wire). */
const SHA256_META = 'sha256';

/**
 * S3 or MinIO through the minio client. The sha256 is computed before the upload and sent
 * as metadata; afterwards statObject must show the same size and sha256, and for a
 * single-part upload an ETag equal to the file's MD5, which the server computed from the
 * bytes it received. Only then is the object confirmed.
 *
 * User metadata travels as HTTP headers, which carry Latin-1 at most: a caller's name or
 * number in another script would make every upload of that call fail. Values are
 * therefore stored percent-encoded (decodeURIComponent reads them back).
 */
export class S3Storage implements ObjectStorage {
  readonly driver = 's3' as const;
  private readonly client: Client;

  constructor(private readonly config: S3StorageConfig) {
    this.client = new Client({
      endPoint: config.endPoint,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      region: config.region,
      // Path-style: MinIO, s3rver and most on-premise stores have no wildcard DNS for buckets.
      pathStyle: true,
    });
  }

  async put(key: string, filePath: string, options: PutOptions): Promise<StoredObject> {
    const source = await fileChecksums(filePath);
    const meta: Record<string, string> = { 'Content-Type': options.contentType, [SHA256_META]: source.sha256 };
    for (const [k, v] of Object.entries(options.metadata)) meta[k] = encodeURIComponent(v);
    const uploaded = await this.call(`upload ${key}`, () => this.client.fPutObject(this.config.bucket, key, filePath, meta));
    const etag = stripQuotes(uploaded.etag);
    if (etag && !etag.includes('-') && etag.toLowerCase() !== source.md5) throw new ChecksumMismatchError(key, `md5 ${source.md5}`, etag);
    const stored = await this.head(key);
    if (!stored) throw new StorageError(`${key} is not in bucket ${this.config.bucket} right after its upload`);
    if (stored.bytes !== source.bytes || stored.checksum !== source.sha256) {
      throw new ChecksumMismatchError(key, `${source.sha256}/${source.bytes} bytes`, `${stored.checksum}/${stored.bytes} bytes`);
    }
    return { checksum: source.sha256, bytes: source.bytes };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const info = await this.client.statObject(this.config.bucket, key);
      const metaData = lowerKeys(info.metaData as Record<string, string>);
      return {
        bytes: info.size,
        contentType: metaData['content-type'] ?? 'application/octet-stream',
        checksum: metaData[SHA256_META] ?? metaData[`x-amz-meta-${SHA256_META}`] ?? null,
      };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'NotFound' || code === 'NoSuchKey') return null;
      throw new StorageError(`could not read ${key} from bucket ${this.config.bucket}: ${(err as Error).message}`, { cause: err });
    }
  }

  async getRange(key: string, start?: number, end?: number): Promise<NodeJS.ReadableStream> {
    if (start === undefined) return this.call(`read ${key}`, () => this.client.getObject(this.config.bucket, key));
    const length = end === undefined ? 0 : end - start + 1;
    return this.call(`read ${key}`, () => this.client.getPartialObject(this.config.bucket, key, start, length));
  }

  presignedGetUrl(key: string, seconds: number): Promise<string> {
    return this.call(`presign ${key}`, () => this.client.presignedGetObject(this.config.bucket, key, seconds));
  }

  async remove(key: string): Promise<void> {
    await this.call(`remove ${key}`, () => this.client.removeObject(this.config.bucket, key));
  }

  /** Creates the bucket when missing (a fresh MinIO); refused credentials show here, at start. */
  async ensureBucket(): Promise<void> {
    const exists = await this.call('check the bucket', () => this.client.bucketExists(this.config.bucket));
    if (!exists) await this.call('create the bucket', () => this.client.makeBucket(this.config.bucket, this.config.region ?? ''));
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const ms = this.config.requestTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    });
    try {
      return await Promise.race([fn(), deadline]);
    } catch (err) {
      throw new StorageError(`S3 ${this.config.endPoint}:${this.config.port}/${this.config.bucket}: could not ${what}: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}

function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

function lowerKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

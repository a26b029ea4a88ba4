import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderStorage } from '../../../src/adapters/storage/local-folder-storage.js';
import { S3Storage } from '../../../src/adapters/storage/s3-storage.js';
import type { ObjectStorage } from '../../../src/core/recordings/recording-store.port.js';
import { TestS3 } from '../../helpers/test-s3.js';

const s3 = new TestS3();
const work = mkdtempSync(join(tmpdir(), 'storage-'));
const content = randomBytes(10_000);
const file = join(work, 'a.mp3');
writeFileSync(file, content);

beforeAll(async () => {
  await s3.start();
});
afterAll(async () => {
  await s3.stop();
});

async function text(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const drivers: [string, () => ObjectStorage][] = [
  ['local folder', () => new LocalFolderStorage(join(work, 'store'))],
  ['s3 (s3rver)', () => new S3Storage(s3.config())],
];

describe.each(drivers)('%s storage', (_name, make) => {
  it('puts with a verified checksum, heads, reads ranges, removes', async () => {
    const storage = make();
    const key = 'recordings/2025/01/02/call%40host.mp3';
    const put = await storage.put(key, file, { contentType: 'audio/mpeg', metadata: { 'call-id': 'call@host', manager: '101' } });
    expect(put).toEqual({ checksum: createHash('sha256').update(content).digest('hex'), bytes: content.length });
    expect(await storage.head(key)).toEqual({ bytes: content.length, contentType: 'audio/mpeg', checksum: put.checksum });
    expect(await text(await storage.getRange(key))).toEqual(content);
    expect(await text(await storage.getRange(key, 100, 199))).toEqual(content.subarray(100, 200));
    await storage.remove(key);
    expect(await storage.head(key)).toBeNull();
    await storage.remove(key);
  });
});

describe('s3 storage', () => {
  it('stores metadata outside Latin-1 (a caller named in Cyrillic, an emoji) percent-encoded instead of failing the upload', async () => {
    const storage = new S3Storage(s3.config());
    const metadata = { 'caller-number': '+7 (495) 123-45-67', 'caller-name': 'Иван Петров 📞', 'call-id': 'a b%c@host' };
    await storage.put('unicode.mp3', file, { contentType: 'audio/mpeg', metadata });
    const c = s3.config();
    const raw = new Client({ endPoint: c.endPoint, port: c.port, useSSL: false, accessKey: c.accessKey, secretKey: c.secretKey, pathStyle: true });
    const stored = (await raw.statObject(c.bucket, 'unicode.mp3')).metaData as Record<string, string>;
    for (const [k, v] of Object.entries(metadata)) expect(decodeURIComponent(stored[k]!)).toBe(v);
  });

  it('fails with a StorageError when the endpoint is down', async () => {
    const storage = new S3Storage({ ...s3.config(), port: 1 });
    await expect(storage.put('k.mp3', file, { contentType: 'audio/mpeg', metadata: {} })).rejects.toMatchObject({ code: 'RECORDINGS.STORAGE_FAILED' });
  });

  it('presigns a URL that serves the object', async () => {
    const storage = new S3Storage(s3.config());
    await storage.put('p.mp3', file, { contentType: 'audio/mpeg', metadata: {} });
    const url = await storage.presignedGetUrl('p.mp3', 60);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(content);
  });
});

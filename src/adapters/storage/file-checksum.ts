import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 and md5 (hex) and size of a file, in one read. md5 is what S3 answers as a single-part ETag. */
export async function fileChecksums(path: string): Promise<{ sha256: string; md5: string; bytes: number }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    sha.update(chunk as Buffer);
    md5.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('hex'), bytes };
}

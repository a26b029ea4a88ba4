import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { ObjectInfo, ObjectStorage, PutOptions, StoredObject } from '../../core/recordings/recording-store.port.js';
import { ChecksumMismatchError, StorageError } from '../../core/recordings/recording-errors.js';
import { fileChecksums } from './file-checksum.js';

/**
 * Objects as files under one folder (the default: nothing to set up). Each object has a
 * `<file>.meta.json` beside it with its content type, checksum and metadata.
 */
export class LocalFolderStorage implements ObjectStorage {
  readonly driver = 'local' as const;
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  async put(key: string, filePath: string, options: PutOptions): Promise<StoredObject> {
    const target = this.pathOf(key);
    const source = await fileChecksums(filePath);
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(target), { recursive: true });
      await copyFile(filePath, temp);
      // fsync before rename: after a power cut the name must not point at a file still empty.
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Read back what landed before it gets its name: a short write or a bad disk shows here.
      const written = await fileChecksums(temp);
      if (written.sha256 !== source.sha256) throw new ChecksumMismatchError(key, source.sha256, written.sha256);
      const meta = { contentType: options.contentType, checksum: source.sha256, bytes: source.bytes, metadata: options.metadata };
      await writeFile(`${temp}.meta`, JSON.stringify(meta));
      await rename(`${temp}.meta`, `${target}.meta.json`);
      await rename(temp, target);
      return { checksum: source.sha256, bytes: source.bytes };
    } catch (err) {
      await rm(temp, { force: true });
      await rm(`${temp}.meta`, { force: true });
      if (err instanceof StorageError) throw err;
      throw new StorageError(`could not store ${key} in ${this.root}: ${(err as Error).message}`, { cause: err });
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const path = this.pathOf(key);
    try {
      const [info, meta] = await Promise.all([stat(path), readFile(`${path}.meta.json`, 'utf8')]);
      const parsed = JSON.parse(meta) as { contentType: string; checksum: string };
      return { bytes: info.size, contentType: parsed.contentType, checksum: parsed.checksum };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StorageError(`could not read ${key}: ${(err as Error).message}`, { cause: err });
    }
  }

  async getRange(key: string, start?: number, end?: number): Promise<NodeJS.ReadableStream> {
    const path = this.pathOf(key);
    // Open first, so a missing file is an error here rather than on the reply stream.
    const handle = await open(path, 'r').catch((err: unknown) => {
      throw new StorageError(`could not read ${key}: ${(err as Error).message}`, { cause: err });
    });
    return handle.createReadStream({ start, end, autoClose: true });
  }

  async remove(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(`${path}.meta.json`, { force: true });
  }

  /** Keys come from recordingKey(), but a key must never climb out of the folder. */
  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new StorageError(`object key ${key} leaves the storage folder`);
    return path;
  }
}

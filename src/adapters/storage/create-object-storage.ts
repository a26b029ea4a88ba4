import type { Config } from '../../config/config-schema.js';
import type { ObjectStorage } from '../../core/recordings/recording-store.port.js';
import { LocalFolderStorage } from './local-folder-storage.js';
import { S3Storage } from './s3-storage.js';

/** The driver the configuration names. */
export function createObjectStorage(storage: Config['recordings']['storage']): ObjectStorage {
  if (storage.driver === 'local') return new LocalFolderStorage(storage.dir);
  return new S3Storage(storage);
}

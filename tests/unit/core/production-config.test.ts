import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';

/** The configurations shipped in config/ must stay valid, and match what docker-compose.yml mounts and shares. */
describe('shipped configuration', () => {
  it('the demo configuration is valid', () => {
    expect(loadConfig('config/leadline.yaml').managers).toHaveLength(3);
  });

  it('the production example runs the daemons externally and renders where the kamailio container reads', () => {
    const config = loadConfig('config/production.example.yaml');
    expect(config.daemons.mode).toBe('external');
    const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
      services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
    };
    expect(compose.services.kamailio!.environment!.KAMAILIO_CFG).toBe(config.daemons.kamailioConfigOut);
    expect(compose.services.leadline!.volumes).toContain(`recordings:${config.paths.spoolDir}`);
    expect(compose.services.rtpengine!.environment!.RTPENGINE_NG).toBe(`127.0.0.1:${config.rtpengine.ngPort}`);
    // Recordings go to the compose file's MinIO, with its credentials.
    const storage = config.recordings.storage;
    expect(storage.driver).toBe('s3');
    if (storage.driver === 's3') {
      expect(compose.services.minio!.environment!.MINIO_ROOT_USER).toContain(storage.accessKey);
      expect(compose.services.minio!.environment!.MINIO_ROOT_PASSWORD).toContain(storage.secretKey);
    }
  });

  it('refuses external daemons without a place to render the kamailio config', () => {
    const base = readFileSync('config/leadline.yaml', 'utf8');
    expect(() => parseConfig(`${base}\ndaemons:\n  mode: external\n`, 'x.yaml')).toThrow(/daemons.kamailioConfigOut is needed/);
  });
});

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';

/** The configurations shipped in config/ must stay valid, and match what docker-compose.yml mounts and shares. */
describe('shipped configuration', () => {
  it('the demo configuration is valid', () => {
    expect(loadConfig('config/leadline.yaml').managers).toHaveLength(3);
  });

  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
    services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
  };

  /** What an operator puts in .env and the compose file passes on, plus the secrets he generates. */
  const productionEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(compose.services.leadline!.environment!)) {
      if (name.startsWith('LEADLINE_') && name.includes('__')) {
        env[name] = value.replace(/\$\{(\w+):\?[^}]*\}/g, (_, v: string) => (v === 'MINIO_ROOT_PASSWORD' ? 'minio-root-password-from-env' : 'pg-password-from-env'));
      }
    }
    const strong = () => randomBytes(32).toString('base64');
    return {
      ...env,
      LEADLINE_API__TOKENS__0__TOKEN: strong(),
      LEADLINE_API__TOKENS__1__TOKEN: strong(),
      LEADLINE_API__TOKENS__2__TOKEN: strong(),
      LEADLINE_CONSOLE__SESSION_SECRET: strong(),
      LEADLINE_CONSOLE__USERS__0__PASSWORD_HASH: 'scrypt$32768$8$1$x3YnUB+BxYhvyzFofVnkrA==$eEDIAU2+qmAlOAsM7/Wx/63CiBligWltuXL3AYZ4hFk=',
      LEADLINE_MANAGERS__0__PASSWORD: randomBytes(12).toString('base64'),
    };
  };

  it('the production example ships no secret: each empty one is refused with the command that makes it', () => {
    expect(() => loadConfig('config/production.example.yaml', {})).toThrow(
      new RegExp([
        'api\\.tokens\\.0\\.token: an API token .*`openssl rand -base64 32`',
        'managers\\.0\\.password: .*`openssl rand -base64 12`',
        'console\\.sessionSecret: .*openssl rand',
        'console\\.users\\.0\\.passwordHash: .*npm run console-password',
      ].join('[^]*')),
    );
    // The example names each command beside its empty value.
    const text = readFileSync('config/production.example.yaml', 'utf8');
    expect(text.match(/: ""\s+# openssl rand -base64 32/g)).toHaveLength(4);
  });

  it('with the secrets from the environment, runs the daemons externally and renders where the kamailio container reads', () => {
    const config = loadConfig('config/production.example.yaml', productionEnv());
    expect(config.demo).toBe(false);
    expect(config.daemons.mode).toBe('external');
    expect(compose.services.kamailio!.environment!.KAMAILIO_CFG).toBe(config.daemons.kamailioConfigOut);
    expect(compose.services.leadline!.volumes).toContain(`recordings:${config.paths.spoolDir}`);
    expect(compose.services.rtpengine!.environment!.RTPENGINE_NG).toBe(`127.0.0.1:${config.rtpengine.ngPort}`);
    // Recordings go to the compose file's MinIO, with its credentials, which compose requires from .env.
    const storage = config.recordings.storage;
    expect(storage.driver).toBe('s3');
    if (storage.driver === 's3') {
      expect(compose.services.minio!.environment!.MINIO_ROOT_USER).toContain(storage.accessKey);
      expect(storage.secretKey).toBe('minio-root-password-from-env');
      expect(compose.services.minio!.environment!.MINIO_ROOT_PASSWORD).toBe(compose.services.leadline!.environment!.LEADLINE_RECORDINGS__STORAGE__SECRET_KEY);
    }
    expect(config.postgres.url).toBe('postgres://leadline:pg-password-from-env@127.0.0.1:5432/leadline');
    expect(compose.services.postgres!.environment!.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('refuses external daemons without a place to render the kamailio config', () => {
    const base = readFileSync('config/leadline.yaml', 'utf8');
    expect(() => parseConfig(`${base}\ndaemons:\n  mode: external\n`, 'x.yaml')).toThrow(/daemons.kamailioConfigOut is needed/);
  });
});

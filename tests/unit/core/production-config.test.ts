import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';

/** The configurations shipped in config/ must stay valid, and match what docker-compose.yml mounts and shares. */
describe('shipped configuration', () => {
  it('the demo configuration is valid', () => {
    expect(loadConfig('config/leadline.yaml').managers).toHaveLength(3);
  });

  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; volumes?: string[]; image?: string }>;
  };

  /**
   * What the compose file passes on (defaults of its ${VAR:-default} taken; its secret
   * files, /run/secrets/NAME, made here), plus the secrets the operator generates.
   */
  const secretsDir = mkdtempSync(join(tmpdir(), 'compose-secrets-'));
  writeFileSync(join(secretsDir, 'postgres_password'), 'pg/password:from@file\n');
  writeFileSync(join(secretsDir, 's3_secret_key'), 's3-secret-key-from-a-file-0123456789\n');
  const productionEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(compose.services.leadline!.environment!)) {
      if (name.startsWith('LEADLINE_') && name.includes('__')) {
        env[name] = String(value).replace(/\$\{\w+:-([^}]*)\}/g, '$1').replace(/^\/run\/secrets\//, `${secretsDir}/`);
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

  it('with the secrets from the environment and files, runs the daemons externally where the compose file shares them', () => {
    const config = loadConfig('config/production.example.yaml', productionEnv());
    expect(config.demo).toBe(false);
    expect(config.daemons.mode).toBe('external');
    expect(compose.services.kamailio!.environment!.KAMAILIO_CFG).toBe(config.daemons.kamailioConfigOut);
    // The rendered config and the trunk registrations are in the run volume Kamailio mounts.
    expect(config.daemons.kamailioConfigOut!.startsWith(`${config.paths.runDir}/`)).toBe(true);
    expect(compose.services.kamailio!.volumes).toContain(`run:${config.paths.runDir}:ro`);
    expect(compose.services.leadline!.volumes).toContain(`run:${config.paths.runDir}`);
    expect(compose.services.leadline!.volumes).toContain(`recordings:${config.paths.spoolDir}`);
    expect(compose.services.rtpengine!.volumes).toContain(`recordings:${compose.services.rtpengine!.environment!.RTPENGINE_RECORDING_DIR}`);
    expect(compose.services.rtpengine!.environment!.RTPENGINE_NG).toBe(`127.0.0.1:\${RTPENGINE_NG_PORT:-${config.rtpengine.ngPort}}`);
    // Recordings go to the compose file's S3 endpoint, with the secret file both read.
    const storage = config.recordings.storage;
    expect(storage.driver).toBe('s3');
    if (storage.driver === 's3') {
      expect(storage.accessKey).toBe(compose.services.s3!.environment!.S3_ACCESS_KEY);
      expect(storage.secretKey).toBe('s3-secret-key-from-a-file-0123456789');
      expect(storage.port).toBe(9000);
      expect(compose.services.s3!.environment!.S3_SECRET_KEY_FILE).toBe(compose.services.leadline!.environment!.LEADLINE_RECORDINGS__STORAGE__SECRET_KEY_FILE);
    }
    // The password file's content, URL-encoded into the URL.
    expect(config.postgres.url).toBe('postgres://leadline:pg%2Fpassword%3Afrom%40file@127.0.0.1:5432/leadline');
    expect(compose.services.postgres!.environment!.POSTGRES_PASSWORD_FILE).toBe(compose.services.leadline!.environment!.LEADLINE_POSTGRES__PASSWORD_FILE);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379/0');
  });

  it('builds every image from the local Debian base, pulls none, and runs the service as non-root compiled JavaScript', () => {
    for (const [name, service] of Object.entries(compose.services as Record<string, { image?: string; build?: { args?: Record<string, string> } }>)) {
      expect(service.image, name).toMatch(/^localhost\/leadline-/);
      expect(service.build?.args?.BASE_IMAGE, name).toBe('${LEADLINE_BASE_IMAGE:-localhost/debian:bookworm}');
    }
    const dockerfile = readFileSync('docker/service.Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^USER leadline/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/node dist\/main\.js/);
    expect(dockerfile).not.toMatch(/tsx/);
    expect(readFileSync('docker/rtpengine.Dockerfile', 'utf8')).toMatch(/rtpengine-utils/);
    expect(readFileSync('config/kamailio.cfg.tpl', 'utf8')).not.toMatch(/^mpath=/m);
  });

  it('refuses external daemons without a place to render the kamailio config', () => {
    const base = readFileSync('config/leadline.yaml', 'utf8');
    expect(() => parseConfig(`${base}\ndaemons:\n  mode: external\n`, 'x.yaml')).toThrow(/daemons.kamailioConfigOut is needed/);
  });
});

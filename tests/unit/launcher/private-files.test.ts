import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

describe('files the service writes', () => {
  // process.umask cannot be set inside vitest's worker threads: a child process runs it as main.ts does.
  it('are not readable by other users after keepNewFilesPrivate (as main.ts calls it first)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umask-'));
    const script = `
      import { mkdirSync, writeFileSync } from 'node:fs';
      import { keepNewFilesPrivate } from './src/launcher/private-files.ts';
      process.umask(0o022);
      keepNewFilesPrivate();
      writeFileSync(${JSON.stringify(join(dir, 'kamailio.cfg'))}, 'secret');
      mkdirSync(${JSON.stringify(join(dir, 'spool'))});`;
    execFileSync('npx', ['tsx', '--eval', script], { stdio: 'pipe' });
    expect(statSync(join(dir, 'kamailio.cfg')).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir, 'spool')).mode & 0o777).toBe(0o750);
    expect(readFileSync('src/main.ts', 'utf8')).toMatch(/async function main\(\): Promise<void> \{\n  keepNewFilesPrivate\(\);/);
  });
});

describe('the service image', () => {
  const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim());
  const dockerfile = readFileSync('docker/service.Dockerfile', 'utf8');

  it('leaves real configuration, local state, dependencies and history out of the build context', () => {
    for (const entry of ['.git', 'node_modules', 'var', 'config/*.yaml']) expect(ignored).toContain(entry);
  });

  it('copies only the Kamailio template from config/, and the compose file mounts the configuration', () => {
    const copies = dockerfile.split('\n').filter((l) => /^COPY\b/.test(l));
    // Into the build stage from the context, then from the build stage into the image: the template only.
    expect(copies.filter((l) => /\bconfig\b/.test(l))).toEqual([
      'COPY config/kamailio.cfg.tpl ./config/kamailio.cfg.tpl',
      'COPY --from=build /src/config/kamailio.cfg.tpl ./config/kamailio.cfg.tpl',
    ]);
    expect(dockerfile).toMatch(/umask 027 && exec node dist\/main\.js/);
    const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, { volumes?: string[]; environment?: Record<string, string> }> };
    const leadline = compose.services.leadline!;
    expect(leadline.volumes).toContain(`\${LEADLINE_CONFIG_FILE:-./config/production.yaml}:${leadline.environment!.LEADLINE_CONFIG}:ro`);
  });
});

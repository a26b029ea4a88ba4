import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/core/errors/app-error.js';
import { startLeadline } from '../../src/launcher/start-leadline.js';
import { testConfig, writeDialplans } from '../helpers/test-pbx.js';

/** Start-up refuses to run half-configured, and says in one sentence what to do. */
const silent = pino({ level: 'silent' });
const work = mkdtempSync(join(tmpdir(), 'leadline-startup-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

function bindUdp(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

describe('start-up errors', () => {
  it('names the SIP port that is taken and the setting that moves it', async () => {
    const config = testConfig({ name: 'startup', basePort: 13000 }, work);
    const squatter = await bindUdp(config.sip.port);
    try {
      const failure = startLeadline(config, silent);
      await expect(failure).rejects.toBeInstanceOf(StartupError);
      await expect(failure).rejects.toThrow(
        `The SIP port 127.0.0.1:${config.sip.port}/udp is already in use: stop the program that holds it (see \`ss -lunpt | grep ${config.sip.port}\`) or set sip.port in the configuration.`,
      );
    } finally {
      squatter.close();
    }
  });

  it('prints that sentence and exits with code 1 when run as `npm start` would', async () => {
    const config = testConfig({ name: 'startup', basePort: 13000 }, work);
    const file = join(work, 'leadline.yaml');
    writeFileSync(file, stringify(config));
    const squatter = await bindUdp(config.sip.port);
    try {
      const run = spawnSync('npx', ['tsx', 'src/main.ts'], { env: { ...process.env, LEADLINE_CONFIG: file, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 30_000 });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe(
        `The SIP port 127.0.0.1:${config.sip.port}/udp is already in use: stop the program that holds it (see \`ss -lunpt | grep ${config.sip.port}\`) or set sip.port in the configuration.`,
      );
    } finally {
      squatter.close();
    }
  });

  it('says to start PostgreSQL when its server is stopped, and leaves no daemon running', async () => {
    // A private PostgreSQL server, started and then really stopped (the shared one
    // serves the other tests).
    const dataDir = join(work, 'pgdata');
    const port = 13011;
    execFileSync('mkdir', ['-p', dataDir]);
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' })));
    chownSync(work, uid!, gid!);
    chownSync(dataDir, uid!, gid!);
    // Output goes to a log file: a server holding a pipe would keep execFileSync waiting.
    const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'ignore' });
    const pgctl = (...args: string[]) => asPostgres('pg_ctl', ['-D', dataDir, '-l', join(work, 'pg.log'), ...args]);
    asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres']);
    try {
      pgctl('-o', `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1`, '-w', 'start');
    } finally {
      pgctl('-m', 'immediate', '-w', 'stop');
    }

    const config = testConfig({ name: 'startup', basePort: 13000 }, work);
    config.postgres.url = `postgres://postgres@127.0.0.1:${port}/leadline`;
    await expect(startLeadline(config, silent)).rejects.toThrow(
      `PostgreSQL is not reachable at 127.0.0.1:${port}: start it (pg_ctlcluster 15 main start) and run again.`,
    );
    const daemons = spawnSync('pgrep', ['-f', `-Y ${join(work, 'run')}`], { encoding: 'utf8' }).stdout.trim();
    expect(daemons).toBe('');
  }, 60_000);

  it('says to start Redis when it is not reachable', async () => {
    const config = testConfig({ name: 'startup', basePort: 13000 }, work);
    config.redis.url = 'redis://127.0.0.1:13012/0';
    await expect(startLeadline(config, silent)).rejects.toThrow(
      'Redis is not reachable at 127.0.0.1:13012: start it (redis-server --daemonize yes) or set redis.url in the configuration.',
    );
  });

  it('names the missing dial plan directory and the setting that points to it', async () => {
    const config = testConfig({ name: 'startup', basePort: 13000 }, work);
    config.routing.dialplansDir = join(work, 'no-such-dialplans');
    await expect(startLeadline(config, silent)).rejects.toThrow(
      `The dial plan directory ${config.routing.dialplansDir} does not exist: create it with at least one scenario (see dialplans/README.md) or set routing.dialplansDir.`,
    );
  });

  it('refuses a broken configuration file with the file and line', () => {
    const file = join(work, 'broken.yaml');
    writeFileSync(file, 'api:\n  tokens:\n    - name: x\n      token: short\nmanagers: []\n');
    const run = spawnSync('npx', ['tsx', 'src/main.ts'], { env: { ...process.env, LEADLINE_CONFIG: file, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}:4: api.tokens.0.token: an API token needs at least 16 characters`);
    expect(run.stderr).toContain(`${file}:5: managers: Too small`);
    expect(readdirSync(work)).not.toContain('run');
  });

  it('runs as `npm start` does and leaves no kamailio or rtpengine behind after SIGTERM', async () => {
    const runDir = join(work, 'lifecycle');
    const config = testConfig({ name: 'lifecycle', basePort: 13000 }, runDir);
    writeDialplans(config);
    const file = join(work, 'lifecycle.yaml');
    writeFileSync(file, stringify(config));
    const child = spawn('node', ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, LEADLINE_CONFIG: file, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const ours = () => spawnSync('pgrep', ['-f', runDir], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    try {
      const deadline = Date.now() + 20_000;
      while (!(await fetch(`http://127.0.0.1:${config.http.port}/healthz`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error('the PBX did not become healthy');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(ours().length).toBeGreaterThanOrEqual(2); // kamailio (with its workers) and rtpengine
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(ours()).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      spawnSync('pkill', ['-KILL', '-f', runDir]);
    }
  }, 60_000);
});


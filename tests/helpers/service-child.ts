import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '../../src/config/config-schema.js';

/** A service started by tests/helpers/service-process.ts: killed like an operator's bad day would. */
export interface ServiceChild {
  httpUrl: string;
  process: ChildProcess;
  /** SIGKILL: nothing runs on the way out. */
  kill(): Promise<void>;
  /** SIGTERM: the orderly stop (daemons too). */
  stop(): Promise<void>;
}

export async function startServiceChild(config: Config, logFile: string, timeoutMs = 90_000): Promise<ServiceChild> {
  const child = spawn('node', ['--import', 'tsx', 'tests/helpers/service-process.ts'], {
    env: { ...process.env, LEADLINE_TEST_SERVICE_CONFIG: JSON.stringify(config), LEADLINE_TEST_SERVICE_LOG: logFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Mid-start it has no SIGTERM handler yet: killed, and the daemons it started ended by
      // their pidfiles as soon as it is gone (a test's teardown may not wait for them).
      child.kill('SIGKILL');
      void exited.then(() => {
        stopLeftDaemons(config.paths.runDir);
        reject(new Error(`the service did not start within ${timeoutMs} ms (see ${logFile}): ${stderr}`));
      });
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^ready (\S+)/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(m[1]!);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited during start-up (code ${code}, see ${logFile}): ${stderr}`));
    });
  });
  return {
    httpUrl,
    process: child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Kamailio's process group and rtpengine, by the pidfiles in the run directory (a killed service leaves them). */
function stopLeftDaemons(runDir: string): void {
  for (const [name, group] of [['kamailio', true], ['rtpengine', false]] as const) {
    try {
      const pid = Number(readFileSync(join(runDir, `${name}.pid`), 'utf8').trim());
      if (pid > 1) process.kill(group ? -pid : pid, 'SIGTERM');
    } catch {
      // not started, or gone already
    }
  }
}

import { configSchema, type Config } from './config/config-schema.js';
import { loadConfig } from './config/load-config.js';
import { AppError } from './core/errors/app-error.js';
import { createLogger } from './launcher/logger.js';
import { keepNewFilesPrivate } from './launcher/private-files.js';
import { isWorkerRole, roleFromArgs, type WorkerRole } from './launcher/process-roles.js';
import { startLeadline } from './launcher/start-leadline.js';
import { openWorkerDatabase } from './launcher/worker-database.js';
import { startWorker } from './launcher/compose-roles.js';

/**
 * `npm start` (role launcher): runs the PBX until Ctrl-C or SIGTERM, then stops every
 * child. `--role router|all|recordings|webhooks` runs one part (docs/processes.md).
 * A start-up failure prints one sentence on stderr and exits with code 1.
 */
async function main(): Promise<void> {
  keepNewFilesPrivate();
  const log = createLogger();
  let stopRunning: (() => Promise<void>) | null = null;
  let killNow: () => void = () => {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping Leadline');
    await stopRunning?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('exit', () => killNow());
  // SIGHUP reads the file again (managers, API tokens, console accounts live; config-reloader.ts);
  // a bad file is logged with file:line and changes nothing. Never the default (exit).
  let reload: ((trigger: string) => Promise<unknown>) | null = null;
  process.on('SIGHUP', () => {
    if (reload) void reload('SIGHUP').catch(() => undefined);
    else log.warn('SIGHUP ignored: nothing to reload in this process (starting, or a worker)');
  });
  try {
    const role = roleFromArgs(process.argv);
    if (isWorkerRole(role)) {
      const forked = process.argv.includes('--forked');
      // A forked worker goes when its launcher goes, whatever killed the launcher.
      if (forked) process.on('disconnect', () => void shutdown('launcher gone'));
      const config = forked ? await configFromLauncher() : loadConfig();
      stopRunning = await runWorker(role, config, log);
      process.send?.({ type: 'ready' });
      return;
    }
    const running = await startLeadline(loadConfig(), log, role, () => loadConfig());
    reload = running.reload;
    stopRunning = running.stop;
    killNow = running.killNow;
  } catch (err) {
    const message = err instanceof AppError ? err.message : `Leadline failed to start: ${(err as Error).stack ?? err}`;
    log.error({ err }, 'start-up failed');
    process.stderr.write(`\n${message}\n`);
    process.exit(1);
  }
}

async function runWorker(role: WorkerRole, config: Config, log: ReturnType<typeof createLogger>): Promise<() => Promise<void>> {
  const workerLog = log.child({ role, pid: process.pid });
  const db = await openWorkerDatabase(config);
  const stop = await startWorker(role, config, db, workerLog);
  workerLog.info('worker ready');
  return async () => {
    await stop();
    await db.destroy();
  };
}

/** The launcher hands its validated configuration over the IPC channel: the same values, no secrets in the environment. */
function configFromLauncher(): Promise<Config> {
  return new Promise((resolve, reject) => {
    process.once('message', (m: { type?: string; config?: unknown }) => {
      const parsed = configSchema.safeParse(m?.config);
      if (m?.type === 'config' && parsed.success) resolve(parsed.data);
      else reject(new Error('the launcher sent no valid configuration'));
    });
  });
}

void main();

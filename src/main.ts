import { loadConfig } from './config/load-config.js';
import { AppError } from './core/errors/app-error.js';
import { createLogger } from './launcher/logger.js';
import { keepNewFilesPrivate } from './launcher/private-files.js';
import { startLeadline, type RunningLeadline } from './launcher/start-leadline.js';

/**
 * `npm start`: runs the PBX until Ctrl-C or SIGTERM, then stops every child.
 * A start-up failure prints one sentence on stderr and exits with code 1.
 */
async function main(): Promise<void> {
  keepNewFilesPrivate();
  const log = createLogger();
  let running: RunningLeadline | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping Leadline');
    await running?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('exit', () => running?.killNow());
  try {
    running = await startLeadline(loadConfig(), log);
  } catch (err) {
    const message = err instanceof AppError ? err.message : `Leadline failed to start: ${(err as Error).stack ?? err}`;
    log.error({ err }, 'start-up failed');
    process.stderr.write(`\n${message}\n`);
    process.exit(1);
  }
}

void main();

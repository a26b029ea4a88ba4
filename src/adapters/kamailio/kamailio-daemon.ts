import { resolve } from 'node:path';
import type { Config } from '../../config/config-schema.js';
import type { DaemonSpec } from '../../launcher/daemon.js';
import { dialogDb } from './dialog-db.js';

/**
 * Kamailio in the foreground with logs on stderr. Kamailio 5.6 rejects
 * runtime_dir in the config file, hence -Y.
 */
export function kamailioDaemon(config: Config, binary: string, configFile: string): DaemonSpec {
  const { sharedMemoryMb, privateMemoryMb } = config.kamailio;
  return {
    name: 'kamailio',
    command: binary,
    // The pidfile lets the next run find this Kamailio if the service is killed (src/launcher/left-daemon.ts).
    args: ['-f', configFile, '-Y', resolve(config.paths.runDir), '-P', kamailioPidfile(config), '-DD', '-E', '-m', String(sharedMemoryMb), '-M', String(privateMemoryMb)],
    // The last module to report during start-up; Kamailio is ready when the service's evapi connects.
    cwd: resolve(config.paths.runDir),
    // libpq's own variables for the dialog table (schema, a password the db_url cannot carry).
    env: dialogDb(config).env,
    readyLine: /rtpengine instance/,
    readyTimeoutMs: 15_000,
  };
}

export function kamailioPidfile(config: Config): string {
  return resolve(config.paths.runDir, 'kamailio.pid');
}

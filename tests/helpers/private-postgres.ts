import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of a test's own (initdb in a temporary directory, its own port
 * and socket directory), so a test can stop and start it: the host's cluster and its
 * pg_ctlcluster are never touched. Runs as the postgres user (initdb refuses root);
 * trust authentication on loopback, superuser `leadline`.
 */
export class PrivatePostgres {
  private readonly dir = mkdtempSync(join(tmpdir(), 'leadline-pg-'));
  private readonly data = join(this.dir, 'data');

  constructor(readonly port: number) {}

  get url(): string {
    return `postgres://leadline@127.0.0.1:${this.port}/leadline`;
  }

  init(): void {
    chownSync(this.dir, uid('postgres'), gid('postgres'));
    this.asPostgres(`${BIN}/initdb`, ['-D', this.data, '--username=leadline', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    this.asPostgres(`${BIN}/pg_ctl`, ['-D', this.data, '-o', options, '-l', join(this.dir, 'log'), '-w', 'start']);
  }

  /** A fast shutdown: open connections are cut, as on a crash of the database. */
  stop(): void {
    this.asPostgres(`${BIN}/pg_ctl`, ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private asPostgres(command: string, args: string[]): void {
    execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore', cwd: this.dir });
  }
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}

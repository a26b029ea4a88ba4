import { sql } from 'kysely';
import type { Database } from './database.js';

export interface PostgresHealth {
  ok: boolean;
  detail?: string;
}

/**
 * One `select 1` raced against a short timeout: a health probe must answer quickly
 * even when the pool is waiting on a server that no longer replies.
 */
export async function checkPostgres(db: Database, timeoutMs = 1_000): Promise<PostgresHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PostgresHealth>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const probe = sql`select 1`
    .execute(db)
    .then((): PostgresHealth => ({ ok: true }))
    .catch((err: unknown): PostgresHealth => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

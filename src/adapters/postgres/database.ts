import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../config/config-schema.js';
import { ConfigError } from '../../core/errors/app-error.js';
import type { DatabaseSchema } from './database-schema.js';
import { PreparingClient } from './prepared-statements.js';

export type Database = Kysely<DatabaseSchema>;
export type PostgresConfig = Config['postgres'];

/** Same rule as the config schema; checked again because the name goes into SQL unquoted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export interface DatabaseOptions {
  /** Pool size. Two cores serve ~1,000 calls/s with a handful of connections. */
  maxConnections?: number;
  /** How long to wait for a new connection before a query fails. */
  connectTimeoutMs?: number;
  logger?: Logger;
}

/**
 * Opens a pool whose every connection has search_path set to the configured schema,
 * so queries and migrations use unqualified table names and tests can each own a schema.
 */
export function createDatabase(config: PostgresConfig, options: DatabaseOptions = {}): Database {
  if (!SCHEMA_NAME.test(config.schema)) {
    throw new ConfigError(`postgres.schema "${config.schema}" is not a plain lower-case identifier.`);
  }
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: config.url,
    options: `-c search_path=${config.schema}`,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  // Without a listener, an idle connection dropped by the server crashes the process.
  pool.on('error', (err) => options.logger?.warn({ err }, 'idle PostgreSQL connection failed'));
  return new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
}

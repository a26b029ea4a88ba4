import type { Config } from '../../config/config-schema.js';

/**
 * Kamailio keeps its dialogs in the service's PostgreSQL database (tables `dialog` and
 * `dialog_vars`, migration 0026), so a restarted Kamailio still knows the calls that were
 * talking: their BYEs are relayed instead of refused with 481.
 *
 * Kamailio's db_url parser (srdb1) does not URL-decode and stops at `@`, `:` or `/`, and
 * the URL sits in a quoted cfg string: a user or password with other characters than
 * these stays out of the file and goes to the embedded Kamailio in libpq's own
 * environment (PGPASSWORD) instead. The schema is not part of a Kamailio db_url: libpq
 * takes it from PGOPTIONS (search_path), also set in Kamailio's environment.
 */
const URL_SAFE = /^[A-Za-z0-9._~!*+=,;^-]+$/;

export interface DialogDb {
  /** For modparam("dialog", "db_url", ...): never holds a character the cfg or Kamailio's parser would misread. */
  url: string;
  /** libpq variables for Kamailio's environment (the password when it cannot sit in the url, the schema). */
  env: Record<string, string>;
}

export function dialogDb(config: Config): DialogDb {
  const url = new URL(config.postgres.url);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || user;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || '5432';
  if (!URL_SAFE.test(user) || !URL_SAFE.test(database) || !/^[A-Za-z0-9.:-]+$/.test(host)) {
    throw new Error(`postgres.url: Kamailio's db_url cannot carry this user, database or host (letters, digits and . _ ~ - only)`);
  }
  const env: Record<string, string> = {};
  if (config.postgres.schema !== 'public') env.PGOPTIONS = `-c search_path=${config.postgres.schema}`;
  let credentials = user;
  if (password && URL_SAFE.test(password)) credentials = `${user}:${password}`;
  else if (password) env.PGPASSWORD = password;
  return { url: `postgres://${credentials}@${host}:${port}/${database}`, env };
}

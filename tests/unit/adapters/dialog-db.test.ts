import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { renderKamailioConfig } from '../../../src/adapters/kamailio/render-config.js';
import { kamailioDaemon } from '../../../src/adapters/kamailio/kamailio-daemon.js';
import { CONFIG_HEAD } from '../../helpers/config-head.js';

const config = (postgres: string) => `${CONFIG_HEAD}postgres:
${postgres}`;

describe("Kamailio's dialog table in the service's database", () => {
  it('renders the db_url from postgres.url, delayed writes, and no libpq environment for the public schema', () => {
    const c = parseConfig(config('  url: postgres://pbx:S3cret-pw@db.internal:6432/leadline\n'));
    const cfg = renderKamailioConfig(c);
    expect(cfg).toContain('modparam("dialog", "db_url", "postgres://pbx:S3cret-pw@db.internal:6432/leadline")');
    expect(cfg).toContain('modparam("dialog", "db_mode", 2)');
    expect(cfg).toContain('loadmodule "db_postgres.so"');
    expect(kamailioDaemon(c, 'kamailio', 'kamailio.cfg').env).toEqual({});
  });

  it('keeps a password the cfg or Kamailio\'s URL parser would misread out of the file (PGPASSWORD), and names the schema in PGOPTIONS', () => {
    const hostile = 'p@ss:w/o"rd\\$x\n';
    const c = parseConfig(config(`  url: postgres://pbx@127.0.0.1/leadline\n  password: ${JSON.stringify(hostile)}\n  schema: tenant_a\n`));
    const cfg = renderKamailioConfig(c);
    expect(cfg).toContain('modparam("dialog", "db_url", "postgres://pbx@127.0.0.1:5432/leadline")');
    expect(cfg).not.toContain('ss:w');
    expect(kamailioDaemon(c, 'kamailio', 'kamailio.cfg').env).toEqual({ PGPASSWORD: hostile, PGOPTIONS: '-c search_path=tenant_a' });
  });

  it('refuses a user name the db_url cannot carry instead of rendering a broken config', () => {
    const c = parseConfig(config('  url: postgres://p%22bx:pw@127.0.0.1/leadline\n'));
    expect(() => renderKamailioConfig(c)).toThrow(/db_url cannot carry/);
  });
});

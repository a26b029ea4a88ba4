import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Config, TrunkConfig } from '../../config/config-schema.js';

type RegisteringTrunk = TrunkConfig & { register: NonNullable<TrunkConfig['register']> };

export function registeringTrunks(config: Config): RegisteringTrunk[] {
  return config.trunks.filter((t): t is RegisteringTrunk => t.register !== undefined);
}

/**
 * The user part of the Contact Kamailio registers for a trunk. The provider sends its
 * inbound calls to it, so it names the trunk; derived from the API secret so that an
 * outsider cannot guess it and pass for the provider.
 */
export function registrationContactUser(config: Config, trunk: TrunkConfig): string {
  const digest = createHash('sha256').update(`leadline-trunk:${trunk.name}:${config.api.tokens[0]!.token}`).digest('hex');
  return `trunk${digest.slice(0, 20)}`;
}

/** Where Kamailio's db_text driver reads the uac_reg table (the run directory: private). */
export function registrationsDbDir(config: Config): string {
  return resolve(config.paths.runDir, 'trunk-registrations');
}

/** db_text escapes its column separator and line breaks with a backslash. */
function dbText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/\n/g, '\\n');
}

/**
 * The files of the db_text database uac_reg loads at start-up: one row per registering
 * trunk (columns as in Kamailio 5.6's uacreg table, version 5). Columns that may be empty
 * are marked null: db_text refuses a table with an empty non-null value.
 */
export function registrationsDbFiles(config: Config): Record<'version' | 'uacreg', string> {
  const rows = registeringTrunks(config).map((t, i) => {
    const r = t.register;
    const user = registrationContactUser(config, t);
    return [
      String(i + 1), user, user, config.sip.domain, r.username, r.domain, r.realm, r.username, r.password,
      '', r.outboundProxy ? `sip:${r.outboundProxy}` : '', String(r.expires), '0', '0', '', '',
    ].map(dbText).join(':');
  });
  return {
    version: 'table_name(string) table_version(int) \nuacreg:5\n',
    uacreg:
      'id(int,auto) l_uuid(string) l_username(string) l_domain(string) r_username(string) r_domain(string) realm(string,null) ' +
      'auth_username(string) auth_password(string) auth_ha1(string,null) auth_proxy(string,null) expires(int) flags(int) reg_delay(int) ' +
      'contact_addr(string,null) socket(string,null) \n' + rows.map((r) => `${r}\n`).join(''),
  };
}

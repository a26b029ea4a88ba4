import type { Config } from '../../config/config-schema.js';

type Tokens = Config['api']['tokens'];
type Users = Config['console']['users'];

/**
 * Who may call /api: the API tokens and console accounts, replaced whole when the
 * configuration is reloaded (config-reloader.ts). Every request reads the current lists,
 * so a removed token or account is refused from the next request on.
 */
export class AccessList {
  private current: { tokens: Tokens; users: Map<string, Users[number]> };

  constructor(tokens: Tokens, users: Users) {
    this.current = { tokens, users: new Map(users.map((u) => [u.login, u])) };
  }

  replace(tokens: Tokens, users: Users): void {
    this.current = { tokens, users: new Map(users.map((u) => [u.login, u])) };
  }

  get tokens(): Tokens {
    return this.current.tokens;
  }

  user(login: string): Users[number] | undefined {
    return this.current.users.get(login);
  }

  get hasUsers(): boolean {
    return this.current.users.size > 0;
  }
}

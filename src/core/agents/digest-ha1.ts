import { createHash } from 'node:crypto';

/** The digest-auth secret Kamailio checks against: md5(user:realm:password), so no password leaves the service. */
export function digestHa1(user: string, realm: string, password: string): string {
  return createHash('md5').update(`${user}:${realm}:${password}`).digest('hex');
}

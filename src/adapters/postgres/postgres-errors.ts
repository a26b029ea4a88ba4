/**
 * Turns a pg connection failure into a sentence an operator can act on. Returns null
 * for errors that are not about reaching the server, so callers keep the original text.
 */
export function describeConnectionError(err: unknown, url: string): string | null {
  const code = (err as { code?: string } | null)?.code;
  const where = serverAddress(url);
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return `PostgreSQL is not reachable at ${where}: start it (pg_ctlcluster 15 main start) and run again.`;
    case '28P01':
    case '28000':
      return `PostgreSQL at ${where} refused the login: check the user and password in postgres.url.`;
    case '3D000':
      return `The database in postgres.url does not exist at ${where}: run npm run migrate to create it.`;
    default:
      if (err instanceof Error && /timeout/i.test(err.message)) {
        return `PostgreSQL at ${where} did not answer in time: check that it is running and not overloaded.`;
      }
      return null;
  }
}

/** host:port of a postgres:// URL, without the credentials. */
export function serverAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the configured address';
  }
}

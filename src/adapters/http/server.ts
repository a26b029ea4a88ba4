import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config-schema.js';
import { StartupError } from '../../core/errors/app-error.js';

/** Listens on the configured address; returns the URL it listens on. */
export async function startHttpServer(app: FastifyInstance, http: Pick<Config['http'], 'host' | 'port'>): Promise<string> {
  const where = `${http.host}:${http.port}`;
  try {
    return await app.listen({ host: http.host, port: http.port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      throw new StartupError(
        'PORT_IN_USE',
        `HTTP port ${where} is already in use: stop the other program or set http.port in the configuration.`,
        { cause: err },
      );
    }
    if (code === 'EACCES') {
      throw new StartupError(
        'PORT_DENIED',
        `Not allowed to listen on HTTP port ${where}: ports below 1024 need root; set http.port to 1024 or above.`,
        { cause: err },
      );
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new StartupError(
        'ADDRESS_UNAVAILABLE',
        `HTTP address ${http.host} is not an address of this machine: set http.host in the configuration.`,
        { cause: err },
      );
    }
    throw err;
  }
}

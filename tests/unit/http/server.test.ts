import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../../../src/adapters/http/server.js';
import { buildTestApp } from '../../helpers/http-app.js';

describe('startHttpServer', () => {
  it('listens on the configured address', async () => {
    const { app } = await buildTestApp();
    const url = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/healthz`);
    await app.close();
    expect(res.status).toBe(200);
  });

  it('turns a port already in use into STARTUP.PORT_IN_USE with a sentence to act on', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as { port: number }).port;
    const { app } = await buildTestApp();
    try {
      await expect(startHttpServer(app, { host: '127.0.0.1', port })).rejects.toMatchObject({
        code: 'STARTUP.PORT_IN_USE',
        message: `HTTP port 127.0.0.1:${port} is already in use: stop the other program or set http.port in the configuration.`,
      });
    } finally {
      await app.close();
      squatter.close();
    }
  });
});

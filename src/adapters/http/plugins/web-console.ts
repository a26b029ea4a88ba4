import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The supervisor console's pages, built by Vite from web/ (npm run build:web) and served
 * at /. File names under assets/ carry a content hash, so they may be cached for good;
 * index.html must be fetched again to pick up a new build.
 */
export const webConsolePlugin = fp<{ webDir: string }>(
  async (app, { webDir }) => {
    const root = resolve(webDir);
    if (!existsSync(resolve(root, 'index.html'))) {
      const notBuilt = async (_request: unknown, reply: FastifyReply) =>
        reply.code(503).type('text/plain; charset=utf-8').send(`The console is not built: run "npm run build:web" (looked in ${root}).\n`);
      app.get('/', { schema: { hide: true } }, notBuilt);
      app.get('/wallboard', { schema: { hide: true } }, notBuilt);
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: 'index.html',
      wildcard: false,
      setHeaders(res, path) {
        res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    // The wallboard has an address of its own (a TV's browser is pointed at it once): the same page, which reads the path.
    app.get('/wallboard', { schema: { hide: true } }, async (_request, reply) => reply.sendFile('index.html'));
  },
  { name: 'web-console', fastify: '5.x' },
);

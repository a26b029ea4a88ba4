import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import fp from 'fastify-plugin';

export interface PhonePageOptions {
  webDir: string;
  /** Sites that may frame /phone (webphone.embedOrigins). */
  embedOrigins: readonly string[];
  connectSrc: readonly string[];
}

/**
 * GET /phone: the browser phone alone, for a CRM to embed in its client card
 * (?number=... prefills the number to call). Only this page may be framed, and only by
 * the configured sites: its own Content-Security-Policy names them in frame-ancestors
 * (X-Frame-Options cannot list sites, so it is dropped here; every other page keeps
 * helmet's SAMEORIGIN and frame-ancestors 'self').
 */
export const phonePagePlugin = fp<PhonePageOptions>(
  async (app, { webDir, embedOrigins, connectSrc }) => {
    const file = resolve(webDir, 'phone.html');
    const policy = [
      "default-src 'self'",
      "base-uri 'self'",
      "script-src 'self'",
      "script-src-attr 'none'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "object-src 'none'",
      "form-action 'self'",
      `connect-src ${connectSrc.join(' ')}`,
      `frame-ancestors ${["'self'", ...embedOrigins].join(' ')}`,
    ].join('; ');
    app.get('/phone', { schema: { hide: true } }, async (_request, reply) => {
      let html: string;
      try {
        html = await readFile(file, 'utf8');
      } catch {
        return reply.code(503).type('text/plain; charset=utf-8').send(`The phone page is not built: run "npm run build:web" (looked for ${file}).\n`);
      }
      reply.removeHeader('x-frame-options');
      reply.header('content-security-policy', policy);
      reply.header('cache-control', 'no-cache');
      return reply.type('text/html; charset=utf-8').send(html);
    });
  },
  { name: 'phone-page', fastify: '5.x' },
);

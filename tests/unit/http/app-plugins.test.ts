import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { auth, buildTestApp, testConfig } from '../../helpers/http-app.js';

describe('OpenAPI', () => {
  it('serves the document at /docs/json, listing the routes, their parameters and bearer security', async () => {
    const { app } = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    await app.close();
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/calls', '/api/calls/{id}', '/healthz']));
    const list = doc.paths['/api/calls'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['manager', 'from', 'to', 'direction', 'disposition', 'limit', 'offset']),
    );
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(list.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    expect([200, 302]).toContain(ui.statusCode);
  });
});

describe('cross-cutting plugins', () => {
  it('sets helmet security headers', async () => {
    const { app } = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/api/calls', headers: auth });
    await app.close();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/media-src 'self'(;|$)/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
  });

  it("lets the console's player load audio from S3 when recordings are answered with a presigned redirect", async () => {
    const config = testConfig();
    const s3 = { driver: 's3', endPoint: 'minio.internal', port: 9000, useSSL: false, accessKey: 'k', secretKey: 's', bucket: 'recs', prefix: '', redirect: true } as const;
    const app = buildApp({ config: { ...config, recordings: { ...config.recordings, storage: s3 } }, callStore: new InMemoryCallStore(), health: [] });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    await app.close();
    expect(res.headers['content-security-policy']).toMatch(/media-src 'self' http:\/\/minio\.internal:9000(;|$)/);
  });

  it('rate-limits /api with 429 REQUEST.RATE_LIMITED in the error shape', async () => {
    const { app } = await buildTestApp({ rateLimitPerMinute: 3 });
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await app.inject({ method: 'GET', url: '/api/calls', headers: auth });
      codes.push(last.statusCode);
    }
    await app.close();
    expect(codes).toEqual([200, 200, 200, 429]);
    expect(last!.json().error.code).toBe('REQUEST.RATE_LIMITED');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const { app } = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    await app.close();
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

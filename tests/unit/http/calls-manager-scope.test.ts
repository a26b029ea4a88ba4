import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAttempt, makeCall } from '../../helpers/call-records.js';
import { ANNA_TOKEN, BORIS_TOKEN, SUPERVISOR_TOKEN, auth, bearer, buildTestApp } from '../../helpers/http-app.js';

/** The product rule: a manager token never sees another manager's calls; other roles see all. */
describe('manager tokens on /api/calls', () => {
  let app: FastifyInstance;
  const t = (min: number) => new Date(Date.UTC(2025, 6, 1, 8, min));

  beforeAll(async () => {
    let callStore;
    ({ app, callStore } = await buildTestApp());
    await callStore.saveCalls([
      makeCall({ callId: 'anna-1', manager: '101', startedAt: t(0) }),
      // Rang Anna first, Boris answered: Boris's call, not Anna's.
      makeCall({ callId: 'boris-1', manager: '102', startedAt: t(10), attempts: [makeAttempt({ manager: '101' }), makeAttempt({ manager: '102', result: 'answered' })] }),
      makeCall({ callId: 'anna-2', manager: '101', startedAt: t(20), disposition: 'no-answer', answeredAt: null }),
      makeCall({ callId: 'nobody', manager: null, startedAt: t(30), disposition: 'no-answer', answeredAt: null }),
    ]);
  });
  afterAll(async () => {
    await app.close();
  });

  const list = (token: string, query = '') => app.inject({ method: 'GET', url: `/api/calls${query}`, headers: bearer(token) });
  const ids = (res: { json(): { items: { callId: string }[] } }) => res.json().items.map((c) => c.callId);
  const one = (token: string, id: string) => app.inject({ method: 'GET', url: `/api/calls/${id}`, headers: bearer(token) });

  it("lists only the manager's own calls, with a total that counts only those", async () => {
    const anna = await list(ANNA_TOKEN);
    expect(ids(anna)).toEqual(['anna-2', 'anna-1']);
    expect(anna.json().total).toBe(2);
    expect(ids(await list(BORIS_TOKEN))).toEqual(['boris-1']);
    expect(ids(await list(ANNA_TOKEN, '?manager=101&disposition=answered'))).toEqual(['anna-1']);
  });

  it("answers 403 AUTH.FORBIDDEN when a manager asks for another manager's calls", async () => {
    const res = await list(ANNA_TOKEN, '?manager=102');
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({
      code: 'AUTH.FORBIDDEN',
      message: 'Token "anna-phone" belongs to manager 101 and may list only his calls, not manager 102\'s.',
    });
  });

  it("answers 404 for another manager's call, exactly as for an unknown one", async () => {
    expect((await one(ANNA_TOKEN, 'anna-1')).statusCode).toBe(200);
    const other = await one(ANNA_TOKEN, 'boris-1');
    const unknown = await one(ANNA_TOKEN, 'boris-0');
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Call boris-1 was not found' } });
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    expect((await one(ANNA_TOKEN, 'nobody')).statusCode).toBe(404);
  });

  it('leaves admin and supervisor tokens every call', async () => {
    expect(ids(await app.inject({ method: 'GET', url: '/api/calls', headers: auth }))).toEqual(['nobody', 'anna-2', 'boris-1', 'anna-1']);
    expect(ids(await list(SUPERVISOR_TOKEN, '?manager=102'))).toEqual(['boris-1']);
    expect((await one(SUPERVISOR_TOKEN, 'boris-1')).statusCode).toBe(200);
    expect((await one(SUPERVISOR_TOKEN, 'nobody')).statusCode).toBe(200);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../src/core/errors/app-error.js';
import { ANNA_TOKEN, auth, bearer, buildTestApp } from '../../helpers/http-app.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function started() {
  const calls: [string, string | { leadId: string }][] = [];
  const asManagers: (string | undefined)[] = [];
  const clickToCall = {
    async start(manager: string, phone: string | { leadId: string }, asManager?: string) {
      if (manager === '102') throw new AppError('CALL.MANAGER_BUSY', 'Manager 102 cannot take a call now (on-call).', 409);
      calls.push([manager, phone]);
      asManagers.push(asManager);
      return { manager, phone: typeof phone === 'string' ? phone : '+79160000000', status: 'ringing-manager' as const };
    },
  };
  return { calls, asManagers, clickToCall };
}

const post = (body: unknown, headers = auth) => ({ method: 'POST' as const, url: '/api/calls', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('POST /api/calls (click-to-call)', () => {
  it('answers 202 while the manager is being rung', async () => {
    const s = started();
    ({ app } = await buildTestApp({ clickToCall: s.clickToCall }));
    const res = await app.inject(post({ manager: '101', phone: '+79167654321' }));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ manager: '101', phone: '+79167654321', status: 'ringing-manager' });
    expect((await app.inject(post({ manager: '101', leadId: 'L-7' }))).statusCode).toBe(202);
    expect(s.calls).toEqual([['101', '+79167654321'], ['101', { leadId: 'L-7' }]]);
    // A number or a lead, not both.
    expect((await app.inject(post({ manager: '101', leadId: 'L-7', phone: '+79167654321' }))).statusCode).toBe(400);
  });

  it('passes the service\'s refusal on with its code, refuses a bad body, and lets a manager call only as himself', async () => {
    const s = started();
    ({ app } = await buildTestApp({ clickToCall: s.clickToCall }));
    expect((await app.inject(post({ manager: '102', phone: '+79167654321' }))).json()).toMatchObject({ error: { code: 'CALL.MANAGER_BUSY' } });
    expect((await app.inject(post({ manager: '101' }))).statusCode).toBe(400);
    expect((await app.inject(post({ manager: '102', phone: '+79167654321' }, bearer(ANNA_TOKEN)))).statusCode).toBe(403);
    expect((await app.inject(post({ manager: '101', phone: '+79167654321' }, bearer(ANNA_TOKEN)))).statusCode).toBe(202);
    expect((await app.inject({ ...post({ manager: '101', phone: '1' }), headers: {} })).statusCode).toBe(401);
  });

  it("holds a manager's call by lead id to his own leads; an admin's is not held", async () => {
    const s = started();
    ({ app } = await buildTestApp({ clickToCall: s.clickToCall }));
    await app.inject(post({ manager: '101', leadId: 'L-7' }, bearer(ANNA_TOKEN)));
    await app.inject(post({ manager: '101', leadId: 'L-7' }));
    expect(s.asManagers).toEqual(['101', undefined]);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors/app-error.js';
import type { ManagerView, RoutingConsole, WaitingCallView } from '../../../src/services/routing-console.js';
import { ANNA_TOKEN, BORIS_TOKEN, SUPERVISOR_TOKEN, auth, bearer, buildTestApp } from '../../helpers/http-app.js';

const SINCE = '2025-07-01T08:00:00.000Z';

function managerView(extension: string, name: string): ManagerView {
  return {
    extension, name, status: 'available', since: SINCE, pauseReason: null, callIds: [`call-of-${extension}@pbx`],
    consecutiveMisses: 0, callsToday: 3, talkSecondsToday: 420, answerScore: 0.8,
  };
}

const waitingCall: WaitingCallView = {
  callId: 'w1@trunk', callerNumber: '+79161234567', companyNumber: '+74951234567', step: 1, priority: true, waitingSeconds: 12.5, since: SINCE,
};

/** A RoutingConsole over a map of two managers, Anna (101) and Boris (102), as the service would answer. */
function fakeRoutingConsole(): RoutingConsole {
  const managers = new Map([['101', managerView('101', 'Anna')], ['102', managerView('102', 'Boris')]]);
  const find = (extension: string) => {
    const m = managers.get(extension);
    if (!m) throw new NotFoundError(`Manager ${extension}`);
    return m;
  };
  return {
    managers: async () => [...managers.values()],
    pause: async (extension, reason) => Object.assign(find(extension), { status: 'paused', pauseReason: reason }),
    unpause: async (extension) => Object.assign(find(extension), { status: 'available', pauseReason: null }),
    waiting: async () => [{ scenario: 'main-line', calls: [waitingCall] }, { scenario: 'night', calls: [] }],
    scenarios: () => ({
      active: [{ file: 'main-line.yaml', name: 'Main line', numbers: ['+74951234567'], open: true }],
      errors: [{ file: 'broken.yaml', message: 'broken.yaml:3: steps: at least one step is needed' }],
    }),
  };
}

describe('routing API', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp({ routing: fakeRoutingConsole() }));
  });
  afterAll(async () => {
    await app.close();
  });
  // Every test starts from both managers available.
  beforeEach(async () => {
    for (const extension of ['101', '102']) await call('POST', `/api/managers/${extension}/unpause`, auth);
  });

  const call = (method: 'GET' | 'POST', url: string, headers?: Record<string, string>, payload?: unknown) =>
    app.inject({ method, url, headers, payload: payload as string | object | undefined });
  const pause = (token: string, extension: string, payload: unknown = { reason: 'lunch' }) =>
    call('POST', `/api/managers/${extension}/pause`, bearer(token), payload);

  describe('GET /api/managers', () => {
    it.each([
      ['admin', auth],
      ['supervisor', bearer(SUPERVISOR_TOKEN)],
    ])('shows every manager with his Call-IDs to a %s token', async (_role, headers) => {
      const res = await call('GET', '/api/managers', headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ managers: [managerView('101', 'Anna'), managerView('102', 'Boris')] });
    });

    it("shows a manager every colleague's state but only his own call's Call-ID", async () => {
      const res = await call('GET', '/api/managers', bearer(ANNA_TOKEN));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ managers: [managerView('101', 'Anna'), { ...managerView('102', 'Boris'), callIds: [] }] });
      expect(res.body).not.toContain('call-of-102');
    });
  });

  describe('POST /api/managers/:extension/pause and /unpause', () => {
    it('lets a manager pause and unpause himself, and answers the new view', async () => {
      const paused = await pause(ANNA_TOKEN, '101', { reason: '  lunch  ' });
      expect(paused.statusCode).toBe(200);
      expect(paused.json()).toEqual({ ...managerView('101', 'Anna'), status: 'paused', pauseReason: 'lunch' });
      const unpaused = await call('POST', '/api/managers/101/unpause', bearer(ANNA_TOKEN));
      expect(unpaused.statusCode).toBe(200);
      expect(unpaused.json()).toMatchObject({ extension: '101', status: 'available', pauseReason: null });
    });

    it('lets admin and supervisor tokens pause and unpause anyone', async () => {
      expect((await pause(SUPERVISOR_TOKEN, '102')).json()).toMatchObject({ extension: '102', status: 'paused' });
      expect((await call('POST', '/api/managers/102/unpause', bearer(SUPERVISOR_TOKEN))).statusCode).toBe(200);
      expect((await call('POST', '/api/managers/101/pause', auth, { reason: 'training' })).json().pauseReason).toBe('training');
    });

    it("answers 403 AUTH.FORBIDDEN to a manager who pauses or unpauses someone else, and changes nothing", async () => {
      const res = await pause(ANNA_TOKEN, '102');
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toEqual({
        code: 'AUTH.FORBIDDEN',
        message: 'Token "anna-phone" belongs to manager 101 and may pause or unpause only him; changing manager 102 needs an admin or supervisor token.',
      });
      expect((await call('POST', '/api/managers/102/unpause', bearer(ANNA_TOKEN))).statusCode).toBe(403);
      const board = (await call('GET', '/api/managers', auth)).json().managers;
      expect(board.find((m: ManagerView) => m.extension === '102').status).toBe('available');
    });

    it('answers 403, not 404, to a manager naming an unknown extension, so extensions cannot be probed', async () => {
      expect((await pause(BORIS_TOKEN, '999')).statusCode).toBe(403);
    });

    it('answers 404 NOT_FOUND for an unknown extension', async () => {
      const res = await pause(SUPERVISOR_TOKEN, '999');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Manager 999 was not found' } });
      expect((await call('POST', '/api/managers/999/unpause', auth)).statusCode).toBe(404);
    });

    it.each([
      ['no body', undefined, /body must be object/],
      ['no reason', {}, /body must have required property 'reason'/],
      ['an empty reason', { reason: '' }, /body\/reason must NOT have fewer than 1 characters/],
      ['a reason of spaces', { reason: '   ' }, /body\/reason must say why, not only spaces/],
      ['a reason over 100 characters', { reason: 'x'.repeat(101) }, /body\/reason must NOT have more than 100 characters/],
      ['a reason that is not text', { reason: { text: 'lunch' } }, /body\/reason must be string/],
      ['malformed JSON', '{"reason":', /JSON/],
    ])('answers 400 REQUEST.INVALID to %s', async (_what, payload, message) => {
      const headers = { ...bearer(ANNA_TOKEN), ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) };
      const res = await call('POST', '/api/managers/101/pause', headers, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('REQUEST.INVALID');
      expect(res.json().error.message).toMatch(message);
    });
  });

  describe('GET /api/waiting', () => {
    it('lists the waiting calls by scenario to admin and supervisor tokens', async () => {
      for (const headers of [auth, bearer(SUPERVISOR_TOKEN)]) {
        const res = await call('GET', '/api/waiting', headers);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ scenarios: [{ scenario: 'main-line', calls: [waitingCall] }, { scenario: 'night', calls: [] }] });
      }
    });

    it('answers 403 AUTH.FORBIDDEN to a manager token', async () => {
      const res = await call('GET', '/api/waiting', bearer(ANNA_TOKEN));
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toEqual({
        code: 'AUTH.FORBIDDEN',
        message: 'GET /api/waiting needs an admin or supervisor token; token "anna-phone" has the role manager.',
      });
    });
  });

  describe('GET /api/scenarios', () => {
    it('lists active scenarios and the files that failed to load', async () => {
      const res = await call('GET', '/api/scenarios', bearer(SUPERVISOR_TOKEN));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        active: [{ file: 'main-line.yaml', name: 'Main line', numbers: ['+74951234567'], open: true }],
        errors: [{ file: 'broken.yaml', message: 'broken.yaml:3: steps: at least one step is needed' }],
      });
    });

    it('answers 403 to a manager token', async () => {
      expect((await call('GET', '/api/scenarios', bearer(BORIS_TOKEN))).statusCode).toBe(403);
    });
  });

  it.each([
    ['GET', '/api/managers'],
    ['POST', '/api/managers/101/pause'],
    ['POST', '/api/managers/101/unpause'],
    ['GET', '/api/waiting'],
    ['GET', '/api/scenarios'],
  ] as const)('answers 401 AUTH.MISSING to %s %s without a token', async (method, url) => {
    const res = await call(method, url, undefined, method === 'POST' ? { reason: 'lunch' } : undefined);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('AUTH.MISSING');
  });

  it('lists the routing paths, their roles and errors in the OpenAPI document', async () => {
    const doc = (await call('GET', '/docs/json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/managers', '/api/managers/{extension}/pause', '/api/managers/{extension}/unpause', '/api/waiting', '/api/scenarios',
      ]),
    );
    const pauseOp = doc.paths['/api/managers/{extension}/pause'].post;
    expect(pauseOp.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(Object.keys(pauseOp.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
    expect(pauseOp.requestBody.content['application/json'].schema.required).toEqual(['reason']);
    expect(doc.paths['/api/waiting'].get.description).toBe('Needs an admin or supervisor token.');
    expect(doc.components.schemas.ManagerView.properties.status.enum).toContain('paused');
  });
});

describe('without a routing console', () => {
  it('has no routing routes, in the app or in the OpenAPI document', async () => {
    const { app } = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/api/managers', headers: auth });
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    await app.close();
    expect(res.statusCode).toBe(404);
    expect(Object.keys(doc.paths)).not.toContain('/api/managers');
  });
});

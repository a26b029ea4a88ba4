import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AccessList } from '../../../src/adapters/http/access-list.js';
import { buildApp } from '../../../src/adapters/http/app.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import type { ManagerConfig } from '../../../src/config/config-schema.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigReloader } from '../../../src/services/config-reloader.js';

const strong = () => randomBytes(32).toString('base64');
const sip = () => randomBytes(12).toString('base64');

function setup() {
  const admin = strong();
  const bi = strong();
  const path = join(mkdtempSync(join(tmpdir(), 'reload-')), 'leadline.yaml');
  const write = (managers: string, tokens = `    - { name: crm, token: "${admin}" }\n    - { name: bi, token: "${bi}", role: supervisor }`) =>
    writeFileSync(path, `api:\n  tokens:\n${tokens}\nmanagers:\n${managers}\ntrunks:\n  - { name: t, address: 198.51.100.20, callerId: "+74951234567" }\nhttp: { host: 0.0.0.0 }\n`);
  const anna = sip();
  const boris = sip();
  const managersOf = (...lines: string[]) => lines.map((l) => `  - ${l}`).join('\n');
  write(managersOf(`{ extension: "101", name: Anna, password: "${anna}" }`, `{ extension: "102", name: Boris, password: "${boris}" }`));
  const config = loadConfig(path, {});
  const pushed: [string, string | null][] = [];
  const unregistered: string[] = [];
  const extensions = new Set(['101', '102']);
  const access = new AccessList(config.api.tokens, config.console.users);
  let connected = true;
  const reloader = new ConfigReloader(config, {
    read: () => loadConfig(path, {}),
    targets: {
      credential: (e: string, m: ManagerConfig | null) => (pushed.push([e, m?.password ?? null]), connected),
      extensions: [extensions],
      unregister: async (e) => void unregistered.push(e),
      access: (t, u) => access.replace(t, u),
    },
    log: pino({ level: 'silent' }),
  });
  const app = buildApp({ config, callStore: new InMemoryCallStore(), health: [], access, reload: (t) => reloader.reload(t) });
  return { path, write, managersOf, anna, boris, admin, bi, pushed, unregistered, extensions, reloader, app, disconnect: () => (connected = false) };
}

describe('ConfigReloader applies a changed file live', () => {
  it('pushes an added manager and a new password, withdraws a removed one, and routes the new set', async () => {
    const s = setup();
    const vera = sip();
    const anna2 = sip();
    s.write(s.managersOf(`{ extension: "101", name: Anna, password: "${anna2}" }`, `{ extension: "104", name: Vera, password: "${vera}" }`));
    const report = await s.reloader.reload('test');
    expect(s.pushed).toEqual([['102', null], ['104', vera], ['101', anna2]]);
    expect(s.unregistered).toEqual(['102']);
    expect([...s.extensions].sort()).toEqual(['101', '104']);
    expect(report.kamailioUpdated).toBe(true);
    // What of him is read at start is said, not hidden.
    expect(report.needsRestart).toEqual(['managers (104): his name in CRM webhooks and the console, and leads owned by him']);
    expect(report.applied).toEqual([
      'manager 102 removed: credential withdrawn, not routed',
      'manager 104 added: credential pushed, routed',
      'manager 101: new password pushed',
    ]);
    expect(s.reloader.config.managers.map((m) => m.extension)).toEqual(['101', '104']);
    // The same file again: nothing is pushed twice.
    s.pushed.length = 0;
    expect((await s.reloader.reload('again')).applied).toEqual([]);
    expect(s.pushed).toEqual([]);
  });

  it('a disabled manager is withdrawn and unheard; enabling him pushes his credential back', async () => {
    const s = setup();
    s.write(s.managersOf(`{ extension: "101", name: Anna, password: "${s.anna}", disabled: true }`, `{ extension: "102", name: Boris, password: "${s.boris}" }`));
    await s.reloader.reload('test');
    expect(s.pushed).toEqual([['101', null]]);
    expect(s.extensions.has('101')).toBe(false);
    s.write(s.managersOf(`{ extension: "101", name: Anna, password: "${s.anna}" }`, `{ extension: "102", name: Boris, password: "${s.boris}" }`));
    await s.reloader.reload('test');
    expect(s.pushed).toEqual([['101', null], ['101', s.anna]]);
    expect(s.extensions.has('101')).toBe(true);
  });

  it('says so when Kamailio is disconnected (every credential goes again on reconnect)', async () => {
    const s = setup();
    s.disconnect();
    s.write(s.managersOf(`{ extension: "101", name: Anna, password: "${sip()}" }`, `{ extension: "102", name: Boris, password: "${s.boris}" }`));
    expect((await s.reloader.reload('test')).kamailioUpdated).toBe(false);
  });

  it('POST /api/admin/reload: a removed token is refused at once, the others keep working; only an admin may reload', async () => {
    const s = setup();
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await s.app.inject({ method: 'GET', url: '/api/calls', headers: as(s.bi) })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'POST', url: '/api/admin/reload', headers: as(s.bi) })).statusCode).toBe(403);
    s.write(s.managersOf(`{ extension: "101", name: Anna, password: "${s.anna}" }`, `{ extension: "102", name: Boris, password: "${s.boris}" }`), `    - { name: crm, token: "${s.admin}" }`);
    const res = await s.app.inject({ method: 'POST', url: '/api/admin/reload', headers: as(s.admin) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ applied: ['API token "bi" removed'], needsRestart: [], kamailioUpdated: true });
    const refused = await s.app.inject({ method: 'GET', url: '/api/calls', headers: as(s.bi) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('AUTH.INVALID');
    expect((await s.app.inject({ method: 'GET', url: '/api/calls', headers: as(s.admin) })).statusCode).toBe(200);
    await s.app.close();
  });

  it('a file that does not validate: 422 with file:line, nothing applied, the running configuration kept', async () => {
    const s = setup();
    writeFileSync(s.path, `api:\n  tokens: [{ name: crm, token: "${s.admin}" }]\nmanagers:\n  - { extension: "101", name: Anna, password: "short" }\n`);
    const res = await s.app.inject({ method: 'POST', url: '/api/admin/reload', headers: { authorization: `Bearer ${s.admin}` } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('CONFIG.INVALID');
    expect(res.json().error.message).toMatch(new RegExp(`${s.path}:4: managers\\.0\\.password`));
    expect(res.json().error.message).toMatch(/The running configuration stays/);
    expect(s.pushed).toEqual([]);
    expect(s.reloader.config.managers.map((m) => m.extension)).toEqual(['101', '102']);
    // bi was dropped by the bad file, but the bad file was not applied: bi still works.
    expect((await s.app.inject({ method: 'GET', url: '/api/calls', headers: { authorization: `Bearer ${s.bi}` } })).statusCode).toBe(200);
    await s.app.close();
  });

  it('names the settings that need a restart in its answer', async () => {
    const s = setup();
    writeFileSync(s.path, `${readFileSync(s.path, 'utf8')}sip: { port: 5070 }\n`);
    expect((await s.reloader.reload('test')).needsRestart).toEqual(['sip.port']);
  });
});

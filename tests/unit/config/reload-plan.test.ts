import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { planReload } from '../../../src/config/reload-plan.js';

const strong = () => randomBytes(32).toString('base64');
const sip = () => randomBytes(12).toString('base64');
const T0 = strong();
const T1 = strong();
const P = { a: sip(), b: sip(), c: sip() };

const text = (o: { managers?: string; tokens?: string; extra?: string } = {}) => `api:
  tokens:
${o.tokens ?? `    - { name: crm, token: "${T0}" }\n    - { name: reports, token: "${T1}", role: supervisor }`}
managers:
${o.managers ?? `  - { extension: "101", name: Anna, password: "${P.a}" }\n  - { extension: "102", name: Boris, password: "${P.b}" }\n  - { extension: "103", name: Clara, password: "${P.c}", disabled: true }`}
trunks:
  - { name: t, address: 198.51.100.20, callerId: "+74951234567" }
http: { host: 0.0.0.0 }
${o.extra ?? ''}`;
const config = (o?: Parameters<typeof text>[0]) => parseConfig(text(o), 'leadline.yaml');

describe('planReload: what a reload changes', () => {
  it('finds nothing to do in the same file', () => {
    const plan = planReload(config(), config());
    expect(plan.unchanged).toBe(true);
    expect(plan.needsRestart).toEqual([]);
  });

  it('sorts managers into added, removed, new password, disabled and enabled', () => {
    const next = config({
      managers: [
        `  - { extension: "101", name: Anna, password: "${sip()}" }`, // new password
        `  - { extension: "103", name: Clara, password: "${P.c}" }`, // enabled again
        `  - { extension: "104", name: Vera, password: "${sip()}" }`, // added
        `  - { extension: "105", name: Gleb, password: "${sip()}", disabled: true }`, // added disabled
      ].join('\n'),
    });
    const plan = planReload(config(), next);
    const ext = (l: { extension: string }[]) => l.map((m) => m.extension);
    expect(ext(plan.managers.passwordChanged)).toEqual(['101']);
    expect(ext(plan.managers.enabled)).toEqual(['103']);
    expect(ext(plan.managers.added)).toEqual(['104', '105']);
    expect(ext(plan.managers.removed)).toEqual(['102']);
    expect(plan.managers.disabled).toEqual([]);
    expect(plan.needsRestart).toEqual([]);
    expect(plan.unchanged).toBe(false);
  });

  it('a disabled manager whose password also changed is disabled, not given a credential', () => {
    const next = config({ managers: `  - { extension: "101", name: Anna, password: "${sip()}", disabled: true }\n  - { extension: "102", name: Boris, password: "${P.b}" }\n  - { extension: "103", name: Clara, password: "${sip()}", disabled: true }` });
    const plan = planReload(config(), next);
    expect(plan.managers.disabled.map((m) => m.extension)).toEqual(['101']);
    // 103 stays disabled: his new password is no credential to push.
    expect(plan.managers.passwordChanged).toEqual([]);
  });

  it('names a renamed manager as needing a restart (webhooks and the console read names at start)', () => {
    const next = config({ managers: `  - { extension: "101", name: Anna K, password: "${P.a}" }\n  - { extension: "102", name: Boris, password: "${P.b}" }\n  - { extension: "103", name: Clara, password: "${P.c}", disabled: true }` });
    expect(planReload(config(), next).managers.otherwiseChanged).toEqual(['101']);
  });

  it('finds a removed, an added and a changed token by name', () => {
    const T2 = strong();
    const next = config({ tokens: `    - { name: crm, token: "${T0}" }\n    - { name: bi, token: "${T2}", role: supervisor }` });
    expect(planReload(config(), next).tokens).toEqual({ added: ['bi'], removed: ['reports'], changed: [] });
    const rolled = config({ tokens: `    - { name: crm, token: "${T0}" }\n    - { name: reports, token: "${strong()}", role: supervisor }` });
    expect(planReload(config(), rolled).tokens).toEqual({ added: [], removed: [], changed: ['reports'] });
    expect(planReload(config(), rolled).needsRestart).toEqual([]);
  });

  it("the first token needs a restart: Kamailio's channel secrets are derived from it", () => {
    const next = config({ tokens: `    - { name: crm, token: "${strong()}" }\n    - { name: reports, token: "${T1}", role: supervisor }` });
    const plan = planReload(config(), next);
    expect(plan.tokens.changed).toEqual(['crm']);
    expect(plan.needsRestart).toEqual([expect.stringMatching(/^api\.tokens\[0\]\.token/)]);
  });

  it('names every other changed setting by its path, added or removed sections included', () => {
    const next = config({ extra: 'sip: { port: 5070 }\nrouting: { wrapUpSeconds: 30 }\nrecordings: { enabled: false }\n' });
    expect(planReload(config(), next).needsRestart).toEqual(['recordings.enabled', 'routing.wrapUpSeconds', 'sip.port']);
  });
});

// Proves the sipp scenarios in tests/sipp against a real Kamailio (a tiny test PBX,
// tests/sipp/kamailio-scenario-check.cfg.tpl, not the Leadline config). About 10 s.
// Addresses: Kamailio 127.0.0.1:15160; phones on 127.0.0.2..9 with ports 15070-15096.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTemplate, startKamailio, type KamailioProcess } from '../../bench/lib/kamailio.js';
import { SCENARIO_DIR, runSipp, startRtpCounter, startSipp, waitForPortFree } from '../helpers/sipp.js';

const PBX = { ip: '127.0.0.1', port: 15160 };
const proxy = `${PBX.ip}:${PBX.port}`;
const PHONE_101 = { ip: '127.0.0.5', port: 15090, media: 16000, counter: 16100 };
const CALLER = { localIp: '127.0.0.2', localPort: 15070, mediaPort: 17000 };
const MANAGER = { localIp: '127.0.0.6', localPort: 15071, mediaPort: 17100 };
const BUSY = { localIp: '127.0.0.7', localPort: 15095, mediaPort: 16200 };
const NOANSWER = { localIp: '127.0.0.8', localPort: 15096, mediaPort: 16300 };
const PASSWORD = 'secret-101';

let kamailio: KamailioProcess | undefined;

beforeAll(async () => {
  const tpl = readFileSync(join(SCENARIO_DIR, 'kamailio-scenario-check.cfg.tpl'), 'utf8');
  kamailio = await startKamailio({
    config: renderTemplate(tpl, {
      LISTEN_IP: PBX.ip,
      LISTEN_PORT: PBX.port,
      AUTH_IP: MANAGER.localIp,
      PASSWORD,
      BUSY: `${BUSY.localIp}:${BUSY.localPort}`,
      NOANSWER: `${NOANSWER.localIp}:${NOANSWER.localPort}`,
      RING_MS: 1000,
    }),
    listenIp: PBX.ip,
    listenPort: PBX.port,
    shmMb: 64,
  });
}, 15000);

afterAll(async () => {
  await kamailio?.stop();
});

describe('sipp scenarios against Kamailio', () => {
  it('register.xml registers with digest auth; a wrong password gets 403', async () => {
    const ok = await runSipp({ scenario: 'register.xml', remote: proxy, service: '101', authPassword: PASSWORD, localIp: PHONE_101.ip, localPort: PHONE_101.port, calls: 1, traceErr: true, timeoutMs: 10000 });
    expect(ok.exitCode, ok.errors).toBe(0);
    const bad = { remote: proxy, service: '101', authPassword: 'wrong', localIp: '127.0.0.9', localPort: 15091, calls: 1, timeoutMs: 10000 };
    expect((await runSipp({ ...bad, scenario: 'register-expect-403.xml' })).exitCode).toBe(0);
    await waitForPortFree(15091, '127.0.0.9');
    expect((await runSipp({ ...bad, scenario: 'register.xml' })).exitCode).toBe(1);
  });

  it('a registered phone (sipp UAS on the registered port) answers; RTP flows both ways', async () => {
    await waitForPortFree(PHONE_101.port, PHONE_101.ip);
    const rtp = await startRtpCounter(PHONE_101.ip, PHONE_101.counter, true);
    const phone = startSipp({ scenario: 'uas-answer-echo.xml', localIp: PHONE_101.ip, localPort: PHONE_101.port, mediaPort: PHONE_101.media, vars: { sdp_port: PHONE_101.counter }, calls: 2, traceErr: true, timeoutMs: 20000 });
    try {
      const call = await runSipp({ ...CALLER, scenario: 'uac-call.xml', remote: proxy, service: '101', vars: { caller: '79161234567' }, calls: 1, pauseMs: 1500, traceErr: true, traceRtt: true, timeoutMs: 15000 });
      expect(call.exitCode, call.errors).toBe(0);
      expect(call.stats?.successful).toBe(1);
      expect(call.rtt.get(1)?.length).toBe(1); // INVITE -> 180 measured
      const out = await runSipp({ ...MANAGER, scenario: 'uac-authenticated-call.xml', remote: proxy, service: '101', vars: { caller: '102' }, authUser: '102', authPassword: PASSWORD, calls: 1, pauseMs: 500, traceErr: true, timeoutMs: 15000 });
      expect(out.exitCode, out.errors).toBe(0);
      const uas = await phone.done;
      expect(uas.exitCode, uas.errors).toBe(0);
      // g711a.pcap sends one packet per 30 ms; about 2 s of calls
      expect(rtp.packets).toBeGreaterThan(40);
      expect([...rtp.payloadTypes.keys()]).toEqual([8]);
    } finally {
      await phone.stop();
      await rtp.close();
    }
  }, 30000);

  it('uac-call-expect-failure.xml records the final code: 486 from a busy phone, 480 from the proxy, 408 on no answer', async () => {
    const busy = startSipp({ ...BUSY, scenario: 'uas-busy.xml', calls: 2, timeoutMs: 15000 });
    const ringing = startSipp({ ...NOANSWER, scenario: 'uas-no-answer.xml', calls: 2, traceErr: true, timeoutMs: 15000 });
    try {
      const finals: string[] = [];
      for (const callee of ['busy', 'nobody', 'noanswer']) {
        const r = await runSipp({ ...CALLER, scenario: 'uac-call-expect-failure.xml', remote: proxy, service: callee, calls: 1, traceErr: true, timeoutMs: 10000 });
        expect(r.exitCode, r.errors).toBe(0);
        finals.push(r.logLines.map((l) => /final=(\d+)/.exec(l)?.[1]).join(','));
      }
      expect(finals).toEqual(['486', '480', '408']);
      // uac-call.xml facing a busy phone fails fast instead of hanging
      const started = Date.now();
      const failed = await runSipp({ ...CALLER, scenario: 'uac-call.xml', remote: proxy, service: 'busy', calls: 1, timeoutMs: 10000 });
      expect(failed.exitCode).toBe(1);
      expect(Date.now() - started).toBeLessThan(5000);
      // the caller cancels while the phone rings
      const cancel = await runSipp({ ...CALLER, scenario: 'uac-cancel.xml', remote: proxy, service: 'noanswer', calls: 1, pauseMs: 300, traceErr: true, timeoutMs: 10000 });
      expect(cancel.exitCode, cancel.errors).toBe(0);
      expect((await ringing.done).exitCode).toBe(0);
      expect((await busy.done).exitCode).toBe(0);
    } finally {
      await busy.stop();
      await ringing.stop();
    }
  }, 30000);

  it('uac-call.xml tolerates a 180 that arrives after the 200 (direct, no proxy)', async () => {
    const uas = startSipp({ scenario: 'uas-late-180.xml', localIp: '127.0.0.3', localPort: 15080, mediaPort: 16400, rtpEcho: true, calls: 2, timeoutMs: 15000 });
    try {
      const r = await runSipp({ ...CALLER, scenario: 'uac-call.xml', remote: '127.0.0.3:15080', service: '2000', calls: 2, pauseMs: 300, traceErr: true, timeoutMs: 10000 });
      expect(r.exitCode, r.errors).toBe(0);
      expect(r.stats?.successful).toBe(2);
    } finally {
      await uas.stop();
    }
  }, 20000);
});

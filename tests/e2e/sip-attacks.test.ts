import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipEndpoint, buildRequest, buildResponse, newBranch, newTag, register, sdp, type SipMessage } from '../helpers/raw-sip.js';
import { svcrack, svwar } from '../helpers/sipvicious.js';
import { COMPANY_NUMBER, SIP_DOMAIN, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * What an attacker on the internet tries against the SIP edge, over real Kamailio.
 * Each attack comes from its own loopback address (pike and bans count by address).
 */
let pbx: TestPbx;
const MAX_AUTH_FAILURES = 5;
const TRUNK_CPS = 5;
const TRUNK_CALLS = 2;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  pbx = await startTestPbx({ name: 'sip-attacks', basePort: 23000, managers: 2, trunk: { maxCallsPerSecond: TRUNK_CPS, maxConcurrentCalls: TRUNK_CALLS }, sipSecurity: { maxAuthFailures: MAX_AUTH_FAILURES, failureWindowSeconds: 60, banSeconds: 60 } });
});

afterAll(async () => {
  await pbx?.destroy();
});

const final = (callId: string, cseq: string) => (m: SipMessage) =>
  m.header('call-id') === callId && m.header('cseq') === cseq && (m.status ?? 0) >= 200;

describe('in-dialog requests', () => {
  it('refuses forged in-dialog NOTIFY, INVITE and MESSAGE with 481 and relays none of them', async () => {
    const attacker = await SipEndpoint.open('127.0.0.20');
    const target = await SipEndpoint.open('127.0.0.1', pbx.ports.phone(20));
    try {
      for (const method of ['NOTIFY', 'INVITE', 'MESSAGE']) {
        const callId = `relay-${method}-${newTag()}`;
        await attacker.send(
          buildRequest({
            method,
            uri: `sip:victim@${target.contact}`,
            local: attacker,
            from: `<sip:attacker@127.0.0.20>;tag=${newTag()}`,
            to: `<sip:victim@${target.contact}>;tag=${newTag()}`,
            callId,
            cseq: 1,
            routes: [`<sip:127.0.0.1:${pbx.ports.sip};lr>`],
            extraHeaders: method === 'NOTIFY' ? ['Event: message-summary', 'Subscription-State: active'] : [],
            body: method === 'INVITE' ? sdp('127.0.0.20', 4000) : '',
          }),
          pbx.ports.sip,
        );
        const answer = await attacker.waitFor(final(callId, `1 ${method}`), 3000, `the answer to the forged ${method}`);
        expect(answer.status).toBe(481);
      }
      await pause(500);
      expect(target.received.map((m) => m.text.split('\r\n')[0])).toEqual([]);
    } finally {
      attacker.close();
      target.close();
    }
  });

  it('carries PRACK, re-INVITE and BYE of a live call, and refuses the same BYE from someone outside the call', async () => {
    const phone = await SipEndpoint.open('127.0.0.1', pbx.ports.phone(0));
    const trunk = await SipEndpoint.open(TRUNK_IP, pbx.ports.trunk);
    const attacker = await SipEndpoint.open('127.0.0.21');
    try {
      expect((await register(phone, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN })).status).toBe(200);
      await pause(200); // the registration reaches the service

      // The trunk calls the company number; phone 101 answers.
      const callId = `live-${newTag()}`;
      const fromTag = newTag();
      const toTag = newTag();
      const caller = `<sip:79161234567@${TRUNK_IP}>;tag=${fromTag}`;
      const called = `<sip:${COMPANY_NUMBER}@127.0.0.1>`;
      await trunk.send(buildRequest({ method: 'INVITE', uri: `sip:${COMPANY_NUMBER}@127.0.0.1:${pbx.ports.sip}`, local: trunk, from: caller, to: called, callId, cseq: 1, body: sdp(TRUNK_IP, 4010) }), pbx.ports.sip);
      const invite = await phone.waitFor((m) => m.method === 'INVITE' && m.header('call-id') === callId, 5000, 'the INVITE at the phone');
      // Reliable ringing (100rel): the early dialog already carries requests (PRACK).
      await phone.send(buildResponse(invite, 180, 'Ringing', { toTag, contact: phone.contact }).replace('\r\nContent-Length', '\r\nRequire: 100rel\r\nRSeq: 1\r\nContent-Length'), invite.from.port, invite.from.ip);
      const ringing = await trunk.waitFor((m) => m.status === 180 && m.header('call-id') === callId, 3000, 'the 180 at the trunk');
      await trunk.send(
        buildRequest({ method: 'PRACK', uri: `sip:leadline-test@${phone.contact}`, local: trunk, from: caller, to: `${called};tag=${toTag}`, callId, cseq: 2, routes: ringing.headers('record-route').reverse(), extraHeaders: ['RAck: 1 1 INVITE'] }),
        pbx.ports.sip,
      );
      const prack = await phone.waitFor((m) => m.method === 'PRACK', 3000, 'the PRACK at the phone');
      await phone.send(buildResponse(prack, 200, 'OK'), prack.from.port, prack.from.ip);
      expect((await trunk.waitFor(final(callId, '2 PRACK'), 3000, 'the 200 to the PRACK')).status).toBe(200);
      await phone.send(buildResponse(invite, 200, 'OK', { toTag, contact: phone.contact, body: sdp('127.0.0.1', 4020) }), invite.from.port, invite.from.ip);
      const ok = await trunk.waitFor(final(callId, '1 INVITE'), 5000, 'the 200 at the trunk');
      expect(ok.status).toBe(200);
      const trunkRoutes = ok.headers('record-route').reverse();
      const phoneRoutes = invite.headers('record-route');
      const inDialog = { local: trunk, from: caller, to: `${called};tag=${toTag}`, callId, routes: trunkRoutes, uri: `sip:leadline-test@${phone.contact}` };
      await trunk.send(buildRequest({ ...inDialog, method: 'ACK', cseq: 1 }), pbx.ports.sip);
      await phone.waitFor((m) => m.method === 'ACK' && m.header('cseq') === '1 ACK', 3000, 'the ACK at the phone');

      // re-INVITE from the trunk (a hold or a codec change) reaches the phone.
      await trunk.send(buildRequest({ ...inDialog, method: 'INVITE', cseq: 3, body: sdp(TRUNK_IP, 4012) }), pbx.ports.sip);
      const reinvite = await phone.waitFor((m) => m.method === 'INVITE' && m.header('cseq') === '3 INVITE', 3000, 'the re-INVITE at the phone');
      await phone.send(buildResponse(reinvite, 200, 'OK', { contact: phone.contact, body: sdp('127.0.0.1', 4022) }), reinvite.from.port, reinvite.from.ip);
      expect((await trunk.waitFor(final(callId, '3 INVITE'), 3000, 'the 200 to the re-INVITE')).status).toBe(200);
      await trunk.send(buildRequest({ ...inDialog, method: 'ACK', cseq: 3 }), pbx.ports.sip);
      await phone.waitFor((m) => m.method === 'ACK' && m.header('cseq') === '3 ACK', 3000, 'the second ACK at the phone');

      // The same dialog's identifiers, sent from an address outside the call.
      await attacker.send(buildRequest({ ...inDialog, local: attacker, method: 'BYE', cseq: 4 }), pbx.ports.sip);
      expect((await attacker.waitFor(final(callId, '4 BYE'), 3000, 'the answer to the outsider BYE')).status).toBe(481);
      await pause(300);
      expect(phone.received.filter((m) => m.method === 'BYE')).toEqual([]);

      // The phone hangs up: its BYE follows the route set to the trunk.
      await phone.send(
        buildRequest({ method: 'BYE', uri: `sip:leadline-test@${trunk.contact}`, local: phone, from: `${called};tag=${toTag}`, to: caller, callId, cseq: 1, routes: phoneRoutes }),
        pbx.ports.sip,
      );
      const bye = await trunk.waitFor((m) => m.method === 'BYE' && m.header('call-id') === callId, 3000, 'the BYE at the trunk');
      await trunk.send(buildResponse(bye, 200, 'OK'), bye.from.port, bye.from.ip);
      expect((await phone.waitFor(final(callId, '1 BYE'), 3000, 'the 200 to the BYE')).status).toBe(200);
      const record = await pbx.waitForRecord(callId);
      expect(record).toMatchObject({ disposition: 'answered', manager: '101' });
      expect((await register(phone, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN, expires: 0 })).status).toBe(200);
    } finally {
      phone.close();
      trunk.close();
      attacker.close();
    }
  });
});

describe('password guessing', () => {
  it('svwar finds no extension: known and unknown users get the same answers', async () => {
    const scan = await svwar({ from: '127.0.0.30', pbxPort: pbx.ports.sip, extensions: '95-110' });
    expect(scan.output).toContain('found nothing');
    expect(scan.output).not.toMatch(/\| (101|102) /);
  });

  it('bans svcrack after maxAuthFailures wrong passwords, though it paces under the flood limit; the right password is refused while banned', async () => {
    const attackerIp = '127.0.0.31';
    const logFrom = pbx.logMark();
    const wrong = Array.from({ length: 2 * MAX_AUTH_FAILURES }, (_, i) => `guess-${i}`);
    const crack = await svcrack({ from: attackerIp, pbxPort: pbx.ports.sip, user: '102', passwords: [...wrong, pbx.passwordOf('102')], pace: 0.1 });
    expect(crack.output).not.toContain(pbx.passwordOf('102'));
    const log = pbx.logSince(logFrom);
    expect(log).toContain(`address ${attackerIp} banned after ${MAX_AUTH_FAILURES} failed digest attempts`);
    expect(log).toContain(`user '102' banned after ${MAX_AUTH_FAILURES} failed digest attempts`);
    expect(log).not.toContain(`flood from ${attackerIp}`); // paced under pike: only the ban stopped it

    // The banned address gets no answer even with the right password, for any user.
    const fromAttacker = await SipEndpoint.open(attackerIp);
    try {
      await expect(register(fromAttacker, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN })).rejects.toThrow(/did not arrive/);
    } finally {
      fromAttacker.close();
    }
    // The guessed user is refused from anywhere, with the same 403 as a wrong password; others are not touched.
    const elsewhere = await SipEndpoint.open('127.0.0.32');
    try {
      expect((await register(elsewhere, pbx.ports.sip, { user: '102', password: pbx.passwordOf('102'), domain: SIP_DOMAIN })).status).toBe(403);
      expect((await register(elsewhere, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN, expires: 0 })).status).toBe(200);
    } finally {
      elsewhere.close();
    }
  });
});

async function managerStatus(extension: string): Promise<string | undefined> {
  const res = await pbx.api('/api/managers');
  const body = (await res.json()) as { managers: { extension: string; status: string }[] };
  return body.managers.find((m) => m.extension === extension)?.status;
}

describe('trunk limits', () => {
  /** Places a call from the trunk; returns its identifiers and a way to wait for its final answer. */
  async function trunkCall(trunk: SipEndpoint) {
    const callId = `limit-${newTag()}`;
    const branch = newBranch();
    const parts = {
      uri: `sip:${COMPANY_NUMBER}@127.0.0.1:${pbx.ports.sip}`,
      local: trunk,
      from: `<sip:79161234567@${TRUNK_IP}>;tag=${newTag()}`,
      to: `<sip:${COMPANY_NUMBER}@127.0.0.1>`,
      callId,
      cseq: 1,
      branch,
    };
    await trunk.send(buildRequest({ ...parts, method: 'INVITE' }), pbx.ports.sip);
    return {
      answer: () => trunk.waitFor(final(callId, '1 INVITE'), 5000, `the final answer to ${callId}`),
      cancel: () => trunk.send(buildRequest({ ...parts, method: 'CANCEL' }), pbx.ports.sip),
    };
  }

  it('refuses calls above the trunk\'s calls per second with 503 and Retry-After', async () => {
    const trunk = await SipEndpoint.open(TRUNK_IP, pbx.ports.trunk);
    try {
      await pause(1100); // a fresh rate interval
      const calls = await Promise.all(Array.from({ length: 4 * TRUNK_CPS }, () => trunkCall(trunk)));
      const answers = await Promise.all(calls.map((c) => c.answer()));
      const limited = answers.filter((a) => a.status === 503);
      // Admitted calls get 480 from the service (nobody is registered), or 486 while
      // TRUNK_CALLS of them are still being answered; the burst may span two 1 s intervals.
      const admitted = answers.filter((a) => a.status === 480 || a.status === 486);
      expect(admitted.length).toBeGreaterThan(0);
      expect(admitted.length).toBeLessThanOrEqual(2 * TRUNK_CPS);
      expect(limited.length + admitted.length).toBe(answers.length);
      expect(limited.map((a) => [a.text.split('\r\n')[0], a.header('retry-after')])).toContainEqual(['SIP/2.0 503 Trunk Rate Limit', '1']);
    } finally {
      trunk.close();
    }
  });

  it('refuses a call beyond the trunk\'s concurrent calls with 486, and takes calls again once they end', async () => {
    const trunk = await SipEndpoint.open(TRUNK_IP, pbx.ports.trunk);
    const phone = await SipEndpoint.open('127.0.0.1', pbx.ports.phone(0));
    try {
      // 101 rings without answering: the first call rings him, the second waits in line.
      expect((await register(phone, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN })).status).toBe(200);
      const toTags = new Map<string, string>();
      phone.onRequest((m) => {
        const callId = m.header('call-id')!;
        if (m.method === 'INVITE') {
          toTags.set(callId, newTag());
          return [buildResponse(m, 180, 'Ringing', { toTag: toTags.get(callId) })];
        }
        if (m.method !== 'CANCEL') return [];
        const invite = phone.received.find((r) => r.method === 'INVITE' && r.header('call-id') === callId)!;
        return [buildResponse(m, 200, 'OK'), buildResponse(invite, 487, 'Request Terminated', { toTag: toTags.get(callId) })];
      });
      await pause(1100);
      const inProgress = [];
      for (let i = 0; i < TRUNK_CALLS; i++) {
        inProgress.push(await trunkCall(trunk));
        await pause(200);
      }
      const oneTooMany = await trunkCall(trunk);
      const refused = await oneTooMany.answer();
      expect([refused.status, refused.text.split('\r\n')[0]]).toEqual([486, 'SIP/2.0 486 Trunk Busy']);
      for (const call of inProgress) await call.cancel();
      expect((await Promise.all(inProgress.map((c) => c.answer()))).map((a) => a.status)).toEqual(inProgress.map(() => 487));
      await pause(300);
      await register(phone, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN, expires: 0 });
      // Kamailio's 200 comes before the service has heard of the removal: on a loaded machine a
      // call placed at once could still ring 101's old contact, which never answers.
      await waitFor('101 offline in the service', async () => (await managerStatus('101')) === 'offline', 10_000);
      expect((await (await trunkCall(trunk)).answer()).status).toBe(480);
    } finally {
      trunk.close();
      phone.close();
    }
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryCoachSessions } from '../../../src/adapters/memory/memory-coach-sessions.js';
import { callIdOf } from '../../../src/adapters/rtpengine/rtpengine-coaching.js';
import { coachAuditAction, coachRouting, isCoachMode, mayCoach } from '../../../src/core/calls/coaching.js';
import type { NewAudit } from '../../../src/core/recordings/recording-store.port.js';
import { BoardCoachedCalls, isWebSocketBinding } from '../../../src/services/coached-calls.js';
import { LiveCoaching, type CoachMedia } from '../../../src/services/live-coaching.js';
import type { Listener } from '../../../src/services/live-listen.js';

const log = pino({ level: 'silent' });
const head: Listener = { name: 'head', role: 'supervisor', ip: '127.0.0.1', userAgent: 'test' };
const boss: Listener = { name: 'boss', role: 'admin', ip: '127.0.0.1', userAgent: 'test' };
const anna: Listener = { name: 'anna', role: 'manager', ip: '127.0.0.1', userAgent: 'test' };

function fakes(opts: { auditFails?: boolean; publishFails?: boolean; desk?: boolean } = {}) {
  const audits: NewAudit[] = [];
  const media: string[] = [];
  /** Who talks on which call now; tests change it as calls end. */
  const onCall = new Map<string, string>([['c1', '101']]);
  const fakeMedia: CoachMedia = {
    async publish(id, sdp) {
      media.push(`publish ${sdp}`);
      if (opts.publishFails) throw new Error('Failed to parse SDP');
      return 'v=0 answer for the supervisor';
    },
    async subscribe() {
      media.push('subscribe');
      return { sdp: 'v=0 offer for the manager', tag: 'mgr-tag' };
    },
    async answer(id, tag, sdp) {
      media.push(`answer ${tag} ${sdp}`);
    },
    async end() {
      media.push('end');
    },
  };
  const audit = {
    async audit(a: NewAudit) {
      if (opts.auditFails) throw new Error('postgres is down');
      audits.push(a);
    },
  };
  const sessions = new MemoryCoachSessions();
  const calls = {
    async managerOn(callId: string) {
      const extension = onCall.get(callId);
      return extension === undefined ? null : { extension, browserPhone: !opts.desk };
    },
  };
  return { audits, media, onCall, sessions, coaching: new LiveCoaching({ media: fakeMedia, sessions, audit, calls, log }) };
}

describe('whisper and barge', () => {
  it("publishes the supervisor's stream, audits, then offers it to the manager's phone alone", async () => {
    const f = fakes();
    const started = await f.coaching.start('c1', 'whisper', 'v=0 sendonly', head);
    expect(started).toMatchObject({ sdp: 'v=0 answer for the supervisor', extension: '101' });
    expect(started.coachId).toMatch(/^[0-9a-f]{24}$/);
    expect(f.audits).toEqual([{ action: 'whisper', callId: 'c1', who: 'head', role: 'supervisor', ip: '127.0.0.1', userAgent: 'test' }]);
    expect(await f.coaching.forManager('101')).toEqual([{ coachId: started.coachId, callId: 'c1', mode: 'whisper', supervisor: 'head', sdp: 'v=0 offer for the manager' }]);
    // Another manager's phone hears of nothing, and cannot answer his colleague's session.
    expect(await f.coaching.forManager('102')).toEqual([]);
    await expect(f.coaching.managerAnswer('102', started.coachId, 'v=0')).rejects.toMatchObject({ code: 'COACH.NOT_FOUND', status: 404 });
    await f.coaching.managerAnswer('101', started.coachId, 'v=0 manager answer');
    await f.coaching.stop('c1', started.coachId, head);
    expect(f.media).toEqual(['publish v=0 sendonly', 'subscribe', 'answer mgr-tag v=0 manager answer', 'end']);
    expect(await f.coaching.forManager('101')).toEqual([]);
  });

  it('lets an admin barge, audited as barge', async () => {
    const f = fakes();
    await f.coaching.start('c1', 'barge', 'v=0', boss);
    expect(f.audits.map((a) => `${a.action} ${a.who} ${a.role}`)).toEqual(['barge boss admin']);
    expect((await f.coaching.forManager('101'))[0]?.mode).toBe('barge');
  });

  it('refuses a manager at start and stop, touches no media, and audits each attempt', async () => {
    const f = fakes();
    await expect(f.coaching.start('c1', 'whisper', 'v=0', anna)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN', status: 403 });
    await expect(f.coaching.start('c1', 'barge', 'v=0', anna)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN', status: 403 });
    const { coachId } = await f.coaching.start('c1', 'barge', 'v=0', head);
    f.media.length = 0;
    await expect(f.coaching.stop('c1', coachId, anna)).rejects.toMatchObject({ status: 403 });
    expect(f.media).toEqual([]);
    expect(f.audits.map((a) => `${a.action} ${a.who}`)).toEqual(['whisper-refused anna', 'barge-refused anna', 'barge head', 'barge-refused anna']);
    // The session the manager tried to end goes on.
    expect(await f.coaching.forManager('101')).toHaveLength(1);
  });

  it('answers 404 for a call nobody talks on, and 409 for a manager on a desk phone, before touching media', async () => {
    const f = fakes();
    await expect(f.coaching.start('gone', 'whisper', 'v=0', head)).rejects.toMatchObject({ code: 'COACH.NO_CALL', status: 404 });
    const desk = fakes({ desk: true });
    await expect(desk.coaching.start('c1', 'whisper', 'v=0', head)).rejects.toMatchObject({ code: 'COACH.NEEDS_BROWSER_PHONE', status: 409 });
    expect([...f.media, ...desk.media]).toEqual([]);
    expect([...f.audits, ...desk.audits]).toEqual([]);
  });

  it('ends the media and tells the manager nothing when rtpengine refuses or the audit cannot be written', async () => {
    const refused = fakes({ publishFails: true });
    await expect(refused.coaching.start('c1', 'whisper', 'not sdp', head)).rejects.toMatchObject({ code: 'COACH.MEDIA', status: 400 });
    expect(refused.media).toEqual(['publish not sdp', 'end']);
    expect(refused.audits).toEqual([]);
    const unaudited = fakes({ auditFails: true });
    await expect(unaudited.coaching.start('c1', 'whisper', 'v=0', head)).rejects.toThrow(/postgres is down/);
    expect(unaudited.media).toEqual(['publish v=0', 'subscribe', 'end']);
    expect(await unaudited.coaching.forManager('101')).toEqual([]);
  });

  it("ends a session once its call is no longer the manager's, when his phone next asks", async () => {
    const f = fakes();
    const { coachId } = await f.coaching.start('c1', 'whisper', 'v=0', head);
    f.onCall.delete('c1');
    f.media.length = 0;
    expect(await f.coaching.forManager('101')).toEqual([]);
    expect(f.media).toEqual(['end']);
    expect(await f.sessions.get(coachId)).toBeNull();
    // The supervisor's stop afterwards is harmless.
    await f.coaching.stop('c1', coachId, head);
  });

  it("refuses to stop a session through another call's path", async () => {
    const f = fakes();
    const { coachId } = await f.coaching.start('c1', 'whisper', 'v=0', head);
    await expect(f.coaching.stop('c2', coachId, head)).rejects.toMatchObject({ code: 'COACH.NOT_FOUND', status: 404 });
    expect(await f.coaching.forManager('101')).toHaveLength(1);
  });
});

describe('coaching rules', () => {
  it('lets only supervisors and admins coach, and names the audit actions', () => {
    expect(mayCoach('supervisor')).toBe(true);
    expect(mayCoach('admin')).toBe(true);
    expect(mayCoach('manager')).toBe(false);
    expect(coachAuditAction('whisper', false)).toBe('whisper');
    expect(coachAuditAction('barge', true)).toBe('barge-refused');
    expect(isCoachMode('barge')).toBe(true);
    expect(isCoachMode('listen')).toBe(false);
  });

  it('sends the supervisor to the client only in barge', () => {
    expect(coachRouting('whisper')).toEqual({ toManager: true, toClient: false });
    expect(coachRouting('barge')).toEqual({ toManager: true, toClient: true });
  });

  it("knows a browser phone by its WebSocket binding, and finds who talks on a call from the board", async () => {
    expect(isWebSocketBinding('sip:127.0.0.1:40312;transport=ws')).toBe(true);
    expect(isWebSocketBinding('sip:10.0.0.5:443;transport=wss')).toBe(true);
    expect(isWebSocketBinding('sip:10.0.0.5:5060')).toBe(false);
    const manager = (extension: string, callId: string | null, state: 'ringing' | 'talking') => ({
      extension,
      name: extension,
      status: 'on-call' as never,
      since: '',
      pauseReason: null,
      callsToday: 0,
      talkSecondsToday: 0,
      call: callId === null ? null : { callId, direction: 'inbound' as const, state, otherParty: null, since: '' },
    });
    const calls = new BoardCoachedCalls({
      board: { snapshot: async () => ({ managers: [manager('101', 'c1', 'talking'), manager('102', 'c2', 'talking'), manager('103', 'c3', 'ringing')], waiting: [], today: null, live: { inbound: 0, inboundTalking: 0, outbound: 0, outboundTalking: 0 } }) },
      registrations: {
        registered: async (exts) =>
          new Map(exts.filter((e) => e !== '103').map((e) => [e, { contact: '', source: e === '101' ? 'sip:127.0.0.1:40312;transport=ws' : 'sip:127.0.0.1:5070' }])),
      },
    });
    expect(await calls.managerOn('c1')).toEqual({ extension: '101', browserPhone: true });
    expect(await calls.managerOn('c2')).toEqual({ extension: '102', browserPhone: false });
    // Ringing is not talking: nobody to coach yet.
    expect(await calls.managerOn('c3')).toBeNull();
    expect(await calls.managerOn('nope')).toBeNull();
  });

  it('keeps the coaching media in an rtpengine call of its own', () => {
    expect(callIdOf('0123456789abcdef01234567')).toBe('coach-0123456789abcdef01234567');
  });
});

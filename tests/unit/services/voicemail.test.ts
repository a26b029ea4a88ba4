import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveCall } from '../../../src/core/calls/live-call.js';
import type { MediaPort } from '../../../src/core/media/media-port.js';
import { parseScenario } from '../../../src/core/scenarios/parse-scenario.js';
import { DomainEvents } from '../../../src/services/domain-events.js';
import { VoicemailService, type VoicemailMessage } from '../../../src/services/voicemail.js';
import { CLIENT, T0, createFakeServices, scenarioYaml } from '../../helpers/fake-services.js';

const MAILBOX = 'sip:voicemail@127.0.0.1:5062';

function mailbox() {
  const played: string[] = [];
  const hungUp: string[] = [];
  const stored: VoicemailMessage[] = [];
  const attached: [string, string, number][] = [];
  const left: unknown[] = [];
  const media: MediaPort = {
    openCallerMedia: async () => '',
    play: async (_leg, file) => {
      played.push(file);
      return file.includes('beep') ? 500 : 3000;
    },
    stop: async () => undefined,
    record: async () => undefined,
    close: async () => undefined,
  };
  const events = new DomainEvents();
  events.on('voicemail.left', (e) => void left.push(e));
  const service = new VoicemailService({
    media,
    pathOf: (n) => `/prepared/${n}`,
    uri: MAILBOX,
    hangUp: (callId) => void hungUp.push(callId),
    events,
    store: async (m) => void stored.push(m),
    attach: async (callId, url, seconds) => void attached.push([callId, url, seconds]),
    recordingUrl: (callId) => `http://pbx/api/recordings/${callId}/audio`,
    log: pino({ level: 'silent' }),
  });
  return { service, played, hungUp, stored, attached, left };
}

const scenario = parseScenario(
  scenarioYaml({ name: 'night', numbers: ['+74950000009'], timezone: 'UTC', language: 'ru', groups: { sales: ['101'] }, steps: [{ group: 'sales', strategy: 'sequential' }], missed: { voicemail: { max_seconds: 30 } } }),
  'night.yaml',
);
const call = { callId: 'vm-1', callerNumber: '+79161234567', calleeNumber: '+74950000009', companyNumber: '+74950000009', startedAt: T0 } as LiveCall;

describe('VoicemailService', () => {
  afterEach(() => vi.useRealTimers());

  it('prompt, beep, max_seconds, then hangs up; the message goes to the pipeline, the callback task and the CRM', async () => {
    vi.useFakeTimers({ now: T0 });
    const m = mailbox();
    expect(m.service.expect(call, scenario, scenario.missed.voicemail!)).toEqual({ uri: MAILBOX, ringTimeoutMs: 5000 });
    expect(m.service.accept('vm-1')).toBe(true);
    expect(m.service.accept('someone-else')).toBe(false);
    m.service.confirmed('vm-1', 'caller-tag');
    await vi.advanceTimersByTimeAsync(0);
    expect(m.played).toEqual(['/prepared/default/ru/voicemail-prompt.wav']);
    await vi.advanceTimersByTimeAsync(3000);
    expect(m.played).toEqual(['/prepared/default/ru/voicemail-prompt.wav', '/prepared/default/ru/beep.wav']);
    await vi.advanceTimersByTimeAsync(500 + 29_999);
    expect(m.hungUp).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.hungUp).toEqual(['vm-1']);
    m.service.ended('vm-1');
    await vi.advanceTimersByTimeAsync(0);
    expect(m.stored).toEqual([{ callId: 'vm-1', scenario: 'night', callerNumber: '+79161234567', companyNumber: '+74950000009', startedAt: T0, seconds: 30 }]);
    expect(m.attached).toEqual([['vm-1', 'http://pbx/api/recordings/vm-1/audio', 30]]);
    expect(m.left).toEqual([expect.objectContaining({ callId: 'vm-1', seconds: 30, url: 'http://pbx/api/recordings/vm-1/audio', startedAt: new Date(T0).toISOString() })]);
    expect(m.service.accept('vm-1')).toBe(false);
  });

  it('leaves nothing when the caller hangs up during the prompt, or within a second of the beep', async () => {
    vi.useFakeTimers({ now: T0 });
    for (const hangUpAfter of [1000, 3500 + 900]) {
      const m = mailbox();
      m.service.expect(call, scenario, { prompt: 'night/prompt.mp3', maxSeconds: 30 });
      m.service.confirmed('vm-1', 'caller-tag');
      await vi.advanceTimersByTimeAsync(hangUpAfter);
      m.service.ended('vm-1');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(m.played[0]).toBe('/prepared/night/prompt.mp3');
      expect([m.stored, m.attached, m.left, m.hungUp]).toEqual([[], [], [], []]);
    }
  });
});

describe('calls to the mailbox', () => {
  const yaml = (extra: Record<string, unknown>) =>
    scenarioYaml({ timezone: 'Europe/Moscow', groups: { sales: ['101'] }, steps: [{ group: 'sales', strategy: 'sequential', max_waiting: 1 }], ...extra });

  it('missed.voicemail: a call nobody can take is recorded missed, gets its callback task, and is routed to the mailbox', async () => {
    const m = mailbox();
    const s = createFakeServices({ scenarios: { 'line.yaml': yaml({ missed: { voicemail: true } }) }, voicemail: m.service });
    const decision = await s.inbound('a', CLIENT);
    expect(decision).toEqual({ action: 'route', targets: [{ uri: MAILBOX, ringTimeoutMs: 5000 }] });
    await s.flush();
    expect(s.recordOf('a')).toMatchObject({ disposition: 'missed' });
    expect(s.recordOf('a')?.reason).toMatch(/voicemail offered$/);
    expect(s.stores.callbacks.tasks).toEqual([expect.objectContaining({ callId: 'a' })]);
    expect(s.eventsNamed('call.missed')).toHaveLength(1);
    expect(m.service.accept('a')).toBe(true);
    s.stop();
  });

  it('after_hours: voicemail puts a closed line\'s caller through to the mailbox with the scenario\'s prompt and limit', async () => {
    const m = mailbox();
    const s = createFakeServices({ now: T0 + 8 * 3_600_000, scenarios: { 'line.yaml': yaml({ hours: { 'mon-fri': '09:00-19:00' }, after_hours: { action: 'voicemail', message: 'closed.wav', max_seconds: 10 } }) }, voicemail: m.service });
    expect(await s.inbound('a', CLIENT)).toEqual({ action: 'route', targets: [{ uri: MAILBOX, ringTimeoutMs: 5000 }] });
    m.service.confirmed('a', 'tag');
    await vi.advanceTimersByTimeAsync(0);
    expect(m.played).toEqual(['/prepared/closed.wav']);
    await vi.advanceTimersByTimeAsync(3000 + 500 + 10_000);
    expect(m.hungUp).toEqual(['a']);
    s.stop();
  });

  it('without missed.voicemail, a missed call is refused as before', async () => {
    const m = mailbox();
    const s = createFakeServices({ scenarios: { 'line.yaml': yaml({}) }, voicemail: m.service });
    expect(await s.inbound('a', CLIENT)).toMatchObject({ action: 'reject', code: 480 });
    expect(m.service.accept('a')).toBe(false);
    s.stop();
  });
});

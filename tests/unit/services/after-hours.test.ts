import { describe, expect, it } from 'vitest';
import { CLIENT, COMPANY, T0, createFakeServices, managersOf, scenarioYaml } from '../../helpers/fake-services.js';

const HOUR = 3_600_000;
/** T0 is Wednesday 12:00 in Moscow; the line is open 09:00-19:00 Moscow time on weekdays. */
const EVENING = T0 + 8 * HOUR; // 17:00 UTC: still office hours in UTC, 20:00 in Moscow
const EARLY = T0 - 3 * HOUR - 60_000; // 08:59 in Moscow
const OPENING = T0 - 3 * HOUR; // 09:00 in Moscow
const SATURDAY = T0 + 3 * 24 * HOUR;
const HOLIDAY = T0 + 6 * 24 * HOUR; // Tuesday 10 March 2026

const line = (afterHours: Record<string, unknown>) =>
  scenarioYaml({
    timezone: 'Europe/Moscow',
    hours: { 'mon-fri': '09:00-19:00' },
    holidays: ['2026-03-10'],
    after_hours: afterHours,
    groups: { sales: ['101', '102'] },
    steps: [{ group: 'sales', strategy: 'sequential' }],
  });

const at = (now: number, afterHours: Record<string, unknown> = { action: 'hangup' }) => createFakeServices({ now, scenarios: { 'line.yaml': line(afterHours) } });

describe('after hours', () => {
  it('routes to the managers within the hours of the scenario\'s own time zone', async () => {
    for (const now of [T0, OPENING]) {
      const s = at(now);
      await s.register('101', '102');
      expect(managersOf(await s.inbound('a'))).toEqual(['101']);
      s.stop();
    }
  });

  it('hangup: refuses the call with 480 outside the hours, ringing nobody', async () => {
    for (const now of [EVENING, EARLY, SATURDAY]) {
      const s = at(now);
      await s.register('101', '102');
      expect(await s.inbound('a')).toEqual({ action: 'reject', code: 480, reason: 'Temporarily Unavailable' });
      await s.flush();
      expect(s.recordOf('a')).toMatchObject({ disposition: 'failed', sipCode: 480, attempts: [] });
      expect(s.recordOf('a')?.reason).toMatch(/^after hours: the line is open Mon-Fri 09:00-19:00 Europe\/Moscow; the call came (Wed 2026-03-04 20:00|Wed 2026-03-04 08:59|Sat 2026-03-07 12:00) Europe\/Moscow$/);
      expect((await s.state('101')).ringingFor).toBeNull();
      expect(s.stores.callbacks.tasks).toEqual([]);
      expect(s.eventsNamed('call.missed')).toEqual([]);
      s.stop();
    }
  });

  it('hangup: refuses the call on a holiday, even within the hours', async () => {
    const s = at(HOLIDAY);
    await s.register('101');
    expect(await s.inbound('a')).toMatchObject({ action: 'reject', code: 480 });
    expect(s.recordOf('a')?.reason).toBe('a holiday: the line is closed all day on 2026-03-10 (Europe/Moscow)');
  });

  it('forward: sends the call out through the trunk to the given number, keeping the client\'s caller ID', async () => {
    const s = at(EVENING, { action: 'forward', to: '+79161234567' });
    await s.register('101');
    const decision = await s.inbound('a', CLIENT);
    expect(decision).toEqual({
      action: 'route',
      targets: [{ uri: 'sip:+79161234567@127.0.0.2:5080', nextHop: 'sip:127.0.0.2:5080;trunk=trunk', trunk: 'trunk', ringTimeoutMs: 60_000 }],
      failover: '^(408|5[0-9][0-9])$',
    });
    expect((await s.calls.get('a'))?.attempts.map((t) => [t.manager, t.target])).toEqual([[null, 'sip:+79161234567@127.0.0.2:5080']]);
    await s.answer('a');
    await s.hangUp('a');
    expect(s.recordOf('a')).toMatchObject({ direction: 'inbound', disposition: 'answered', manager: null, callerNumber: CLIENT, companyNumber: COMPANY });
    expect(await s.state('101')).toMatchObject({ ringingFor: null, calls: [] });
  });

  it('voicemail: the call is missed with a callback task and a call.missed event', async () => {
    const s = at(HOLIDAY, { action: 'voicemail' });
    await s.register('101', '102');
    expect(await s.inbound('a', CLIENT)).toMatchObject({ action: 'reject', code: 480 });
    await s.flush();
    const record = s.recordOf('a')!;
    expect(record).toMatchObject({ disposition: 'missed', sipCode: 480, attempts: [] });
    expect(record.reason).toBe('a holiday: the line is closed all day on 2026-03-10 (Europe/Moscow); a callback task was created');
    expect(s.stores.callbacks.tasks).toEqual([expect.objectContaining({ callId: 'a', scenario: 'sales-line', clientNumber: CLIENT, manager: '101' })]);
    expect(s.eventsNamed('call.missed')).toEqual([expect.objectContaining({ callId: 'a', callbackManager: '101' })]);
  });

  it('is the default when the file names no after-hours action', async () => {
    const s = createFakeServices({
      now: SATURDAY,
      scenarios: { 'line.yaml': scenarioYaml({ hours: { 'mon-fri': '09:00-19:00' }, groups: { sales: ['101'] }, steps: [{ group: 'sales', strategy: 'sequential' }] }) },
    });
    await s.register('101');
    expect(await s.inbound('a')).toMatchObject({ action: 'reject', code: 480 });
    await s.flush();
    expect(s.recordOf('a')).toMatchObject({ disposition: 'missed' });
    expect(s.stores.callbacks.tasks).toHaveLength(1);
  });

  it('voicemail with callback: false writes the call as missed, without claiming a callback task', async () => {
    const s = createFakeServices({
      now: HOLIDAY,
      scenarios: {
        'line.yaml': scenarioYaml({ holidays: ['2026-03-10'], groups: { sales: ['101'] }, steps: [{ group: 'sales', strategy: 'sequential' }], missed: { callback: false } }),
      },
    });
    expect(await s.inbound('a')).toMatchObject({ action: 'reject', code: 480 });
    await s.flush();
    expect(s.recordOf('a')).toMatchObject({ disposition: 'missed', reason: 'a holiday: the line is closed all day on 2026-03-10 (UTC)' });
    expect(s.stores.callbacks.tasks).toEqual([]);
    expect(s.eventsNamed('call.missed')).toHaveLength(1);
  });

  // Known bug (see the report): afterHours() never looks the client's manager up, so a
  // sticky callback goes by the group's strategy. Turn into `it` once fixed.
  it('voicemail gives the callback to the client\'s own manager, as a missed call in hours does', async () => {
    const s = createFakeServices({
      now: HOLIDAY,
      scenarios: {
        'line.yaml': scenarioYaml({
          holidays: ['2026-03-10'],
          groups: { sales: ['101', '102'] },
          steps: [{ sticky: { days: 30 } }, { group: 'sales', strategy: 'sequential' }],
        }),
      },
    });
    await s.register('101', '102');
    await s.stores.clients.remember(CLIENT, '102', s.clock.now() - 24 * HOUR);
    await s.inbound('a', CLIENT);
    await s.flush();
    expect(s.stores.callbacks.tasks.map((t) => t.manager)).toEqual(['102']);
  });
});

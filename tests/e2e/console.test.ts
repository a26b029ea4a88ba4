import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, signIn } from '../helpers/browser.js';
import { CONSOLE_ACCOUNTS, consoleSection } from '../helpers/console-accounts.js';
import { viewsForDay } from '../helpers/kpi-postgres.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import { TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * The supervisor console in Debian's Chromium against a real PBX (Kamailio, rtpengine,
 * Redis, PostgreSQL), with sipp as the trunk and the phones: signing in by role, a call
 * on the live board while it rings and while it talks, its recording played and sought
 * in the page, a manager kept from a colleague's recording, the KPI table against the
 * SQL views, first-dial speed against the leads table (and a manager held to his own, in
 * Russian). Each page's screenshot is saved in tests/artifacts/screenshots.
 */
const CLIENT = '79161234567';
const FORMATTED_CLIENT = '+7 916 123 45 67';
const LEAD_URL = 'https://crm.example.test/leads/{id}';

let pbx: TestPbx;
let phones: Phones;
let browser: Browser;
let supervisor: { context: BrowserContext; page: Page };
/** The call placed in the board test, answered by 101 and recorded. */
let callId: string;

async function openAs(login: keyof typeof CONSOLE_ACCOUNTS, shotName?: string, locale?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  const page = await context.newPage();
  await signIn(page, pbx.httpUrl, CONSOLE_ACCOUNTS[login].login, CONSOLE_ACCOUNTS[login].password, shotName);
  return { context, page };
}

beforeAll(async () => {
  pbx = await startTestPbx({
    name: 'console',
    basePort: 22000,
    managers: 3,
    recordings: { format: 'mp3' },
    console: consoleSection({ leadUrlTemplate: LEAD_URL }),
  });
  phones = new Phones(pbx);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await pbx?.destroy();
});

describe('the supervisor console in Chromium', () => {
  it('signs a supervisor in and refuses a wrong password on the page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${pbx.httpUrl}/`);
    await page.fill('input[name=login]', 'head');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toMatch(/login or the password is wrong/);
    await context.close();

    supervisor = await openAs('head', 'sign-in');
    expect(await supervisor.page.textContent('[data-testid=who]')).toMatch(/Head of sales · supervisor/);
    await supervisor.page.waitForSelector('[data-manager="101"][data-status="offline"]');
    expect(await supervisor.page.locator('[data-manager]').count()).toBe(3);
  });

  it('shows a call from the trunk live on the board while it rings, while it talks, and after', async () => {
    const page = supervisor.page;
    // The CRM knows the caller: the calls page links the call to this lead.
    const lead = await pbx.api('/api/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'L-42', phone: '+7 (916) 123-45-67', ownerManager: '101' }),
    });
    expect(lead.status).toBe(201);

    expect((await phones.register('101')).exitCode).toBe(0);
    await page.waitForSelector('[data-manager="101"][data-status="available"]');

    // 101 rings for 3 s before he answers; the caller talks 4 s.
    const answering = await phones.answer('101', 'echo', 1, 3000);
    const caller = phones.callFromTrunk({ caller: CLIENT, talkMs: 4000 });
    callId = callIdOf(caller, TRUNK_IP);

    const ringing = page.locator('[data-manager="101"][data-status="ringing"] [data-call-state="ringing"]');
    await ringing.waitFor({ timeout: 5000 });
    // The number as people read it, not as stored.
    expect(await ringing.textContent()).toContain(FORMATTED_CLIENT);
    // The team's counters count the call from its first ring, not only once it ends.
    await expect.poll(() => page.textContent('[data-counter="Inbound"] .value'), { timeout: 3000 }).toBe('1');
    expect(await ringing.getAttribute('data-call')).toBe(callId);
    await screenshot(page, 'board-ringing');

    const talking = page.locator('[data-manager="101"][data-status="on-call"] [data-call-state="talking"]');
    await talking.waitFor({ timeout: 5000 });
    expect(await talking.textContent()).toContain(FORMATTED_CLIENT);
    await expect.poll(() => page.textContent('[data-counter="Answered"] .value'), { timeout: 3000 }).toBe('1');
    expect(await page.getAttribute('[data-counter="Answered"] [data-now]', 'data-now')).toBe('1');
    // His day counts the call he is in.
    expect(await page.getAttribute('[data-manager="101"] .today', 'data-calls-today')).toBe('1');
    await screenshot(page, 'board-talking');

    expect((await caller.done).exitCode).toBe(0);
    await answering.stop();
    await page.waitForSelector('[data-manager="101"]:not([data-status="on-call"]):not([data-status="ringing"])', { timeout: 5000 });
    // The team's day counts the call once its record is written.
    await expect.poll(() => page.textContent('[data-counter="Answered"] .value'), { timeout: 10_000 }).toBe('1');
    await screenshot(page, 'board-after');

    // A pause reason picked from console.pauseReasons on the card (no browser prompt()).
    const card = page.locator('[data-manager="101"]');
    await card.locator('[data-action=pause]').click();
    expect(await card.locator('select[name=reason] option').allTextContents()).toEqual(['break', 'lunch', 'training', 'meeting', 'paperwork']);
    await card.locator('select[name=reason]').selectOption('lunch');
    await card.locator('.pause-form button[type=submit]').click();
    await page.waitForSelector('[data-manager="101"][data-status="paused"]');
    expect(await card.locator('.status').textContent()).toContain('Paused: lunch');
    await card.locator('[data-action=unpause]').click();
    await page.waitForSelector('[data-manager="101"][data-status="available"]');
  }, 60_000);

  it('lists the call with its lead, plays its recording in the page and seeks in it', async () => {
    await waitFor('the recording stored', async () => {
      const list = (await (await pbx.api('/api/recordings')).json()) as { items: { callId: string; status: string }[] };
      return list.items.some((r) => r.callId === callId && r.status === 'stored');
    }, 30_000);
    const record = await pbx.waitForRecord(callId);
    const page = supervisor.page;
    await page.goto(`${pbx.httpUrl}/#/calls`);
    const row = page.locator(`tr[data-call="${callId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('answered');
    // The conversation measured from the stereo recording: the echo phone talks as much as the caller.
    const ratio = Number(await row.locator('.conversation [data-talk-ratio]').getAttribute('data-talk-ratio'));
    expect(ratio).toBeCloseTo(0.5, 1);
    expect(await row.locator('a[data-lead]').getAttribute('href')).toBe('https://crm.example.test/leads/L-42');

    await row.locator('[data-play]').click();
    const audio = page.locator('[data-testid=player] audio');
    await audio.waitFor();
    // The element loads the MP3 through the authenticated /api (the session cookie), then plays it.
    await page.waitForFunction(() => (document.querySelector('[data-testid=player] audio') as HTMLAudioElement | null)?.readyState! >= 1);
    const duration = await audio.evaluate((a: HTMLAudioElement) => a.duration);
    expect(Math.abs(duration - record.talkSeconds)).toBeLessThanOrEqual(0.5);
    await audio.evaluate((a: HTMLAudioElement) => a.play());
    await page.waitForFunction(() => (document.querySelector('[data-testid=player] audio') as HTMLAudioElement).currentTime > 0.2);
    // Seek to near the end: the browser fetches that part with a Range request and plays on from there.
    const seekTo = Math.max(0.5, duration - 1.5);
    const sought = await audio.evaluate(
      (a: HTMLAudioElement, to: number) =>
        new Promise<number>((resolve) => {
          a.addEventListener('seeked', () => resolve(a.currentTime), { once: true });
          a.currentTime = to;
        }),
      seekTo,
    );
    expect(Math.abs(sought - seekTo)).toBeLessThan(0.3);
    await page.waitForFunction((to) => (document.querySelector('[data-testid=player] audio') as HTMLAudioElement).currentTime > to + 0.1, seekTo);
    expect(await page.locator('[data-testid=download]').getAttribute('href')).toBe(`/api/recordings/${encodeURIComponent(callId)}/audio?download=1`);
    await screenshot(page, 'calls-player');

    // The listen is in the audit, under the supervisor's login, once for all the player's requests.
    const audit = (await (await pbx.api(`/api/recordings/audit?callId=${encodeURIComponent(callId)}`)).json()) as { items: { who: string; action: string }[] };
    expect(audit.items.filter((a) => a.who === 'head')).toEqual([expect.objectContaining({ who: 'head', action: 'listen' })]);
  }, 60_000);

  it("signs a manager in: he sees his own call and hears its recording, but not a colleague's", async () => {
    const anna = await openAs('anna');
    try {
      expect(await anna.page.textContent('[data-testid=who]')).toMatch(/Anna · manager 101/);
      await anna.page.goto(`${pbx.httpUrl}/#/calls`);
      await anna.page.locator(`tr[data-call="${callId}"]`).waitFor();
      await screenshot(anna.page, 'calls-manager');
    } finally {
      await anna.context.close();
    }

    const boris = await openAs('boris', 'sign-in-manager');
    try {
      await boris.page.goto(`${pbx.httpUrl}/#/calls`);
      await boris.page.waitForSelector('[data-testid=calls]');
      expect(await boris.page.locator(`tr[data-call="${callId}"]`).count()).toBe(0);
      // Opening Anna's recording by its address: the page says why it cannot play.
      await boris.page.goto(`${pbx.httpUrl}/#/calls?play=${encodeURIComponent(callId)}`);
      const refusal = boris.page.locator('[data-testid=player-error]');
      await refusal.waitFor();
      expect(await refusal.textContent()).toMatch(/Account "boris" belongs to manager 102 and may hear only his calls' recordings/);
      const status = await boris.page.evaluate(async (url) => (await fetch(url)).status, `/api/recordings/${encodeURIComponent(callId)}/audio`);
      expect(status).toBe(403);
      await screenshot(boris.page, 'calls-manager-refused');
    } finally {
      await boris.context.close();
    }
  }, 60_000);

  it("shows the day's KPI table with the same figures as the SQL views for BI tools, and a drawdown against the trailing week", async () => {
    // Boris's last week: four answered inbound calls a day. Today he has none: a drawdown.
    for (let daysAgo = 1; daysAgo <= 7; daysAgo++) {
      for (let i = 0; i < 4; i++) {
        const at = new Date(Date.now() - daysAgo * 86_400_000);
        const id = `history-${daysAgo}-${i}@test`;
        await sql`insert into calls (call_id, direction, caller_number, callee_number, manager, started_at, answered_at, ended_at, ring_seconds, talk_seconds, disposition)
          values (${id}, 'inbound', '79160000000', '74951234567', '102', ${at}, ${at}, ${at}, 1, 60, 'answered')`.execute(pbx.db);
        await sql`insert into call_attempts (call_id, seq, manager, target, started_at, result) values (${id}, 0, '102', 'sip:102@test', ${at}, 'answered')`.execute(pbx.db);
      }
    }
    const page = supervisor.page;
    await page.goto(`${pbx.httpUrl}/#/kpi`);
    const table = page.locator('[data-testid=kpi]');
    await table.waitFor();
    const day = (await table.getAttribute('data-from'))!;
    const cells = await page.$$eval('[data-testid=kpi] tbody tr', (rows) =>
      rows.map((tr) => ({
        manager: tr.getAttribute('data-manager'),
        values: Object.fromEntries([...tr.querySelectorAll('td[data-metric]')].map((td) => [td.getAttribute('data-metric'), JSON.parse(td.getAttribute('data-value')!)])),
      })),
    );
    const views = await viewsForDay(pbx.db, day);
    const anna = cells.find((c) => c.manager === '101')!;
    expect(anna.values).toMatchObject({ inboundOffered: 1, inboundAnswered: 1, answerRate: 1, leadsReceived: 1 });
    for (const row of cells.filter((c) => c.manager !== '')) {
      const { manager: _m, ...fromViews } = views.find((v) => v.manager === row.manager) ?? { manager: row.manager };
      // A manager with no row in any view had nothing that day: every count 0, every share null.
      for (const [metric, value] of Object.entries(row.values)) {
        expect({ manager: row.manager, metric, value }).toEqual({ manager: row.manager, metric, value: (fromViews as Record<string, unknown>)[metric] ?? (value === null ? null : 0) });
      }
    }
    // Today is not over: the fall is marked "still running", not red, until the day ends.
    const borisAnswered = page.locator('tr[data-manager="102"] td[data-metric="inboundAnswered"]');
    expect(await borisAnswered.getAttribute('class')).toBe('drawdown running');
    expect(await borisAnswered.getAttribute('title')).toMatch(/average 4 \(-100%\) · still running/);
    expect(await table.getAttribute('data-running')).toBe('true');
    expect(await page.getAttribute('tr[data-manager="101"] td[data-metric="inboundAnswered"]', 'class')).toBe('');

    // Each manager's conversation medians: Anna's one recorded call.
    const conversations = page.locator('[data-testid=conversations] tr[data-manager="101"]');
    await conversations.waitFor();
    expect(await conversations.locator('td').first().textContent()).toBe('1');
    expect(Number(await conversations.locator('td[data-value]').first().getAttribute('data-value'))).toBeCloseTo(0.5, 1);

    const csvHref = await page.locator('[data-testid=csv]').getAttribute('href');
    expect(csvHref).toBe(`/api/kpi.csv?from=${day}&to=${day}`);
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), csvHref!);
    const borisLine = csv.split(/\r?\n/).find((l) => l.startsWith('102,'));
    expect(borisLine).toMatch(/inboundAnswered/);
    await screenshot(page, 'kpi');
  }, 30_000);

  it('shows leads waiting for a first dial, oldest first, with their SLA countdown', async () => {
    for (const [id, phone, minutesAgo] of [['L-old', '+79165550020', 20], ['L-new', '+79165550021', 0]] as const) {
      const r = await pbx.api('/api/leads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, phone, ownerManager: '102', createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString() }),
      });
      expect(r.status).toBe(201);
    }
    const page = supervisor.page;
    await page.goto(`${pbx.httpUrl}/#/leads`);
    await page.waitForSelector('tr[data-lead="L-new"]');
    const order = await page.$$eval('tr[data-lead]', (rows) => rows.map((r) => r.getAttribute('data-lead')));
    expect(order).toEqual(['L-old', 'L-42', 'L-new']);
    // 15-minute SLA: the 20-minute-old lead is overdue, the new one has nearly all of it left.
    expect(await page.getAttribute('tr[data-lead="L-old"]', 'class')).toBe('overdue');
    const left = Number(await page.getAttribute('tr[data-lead="L-new"] .countdown', 'data-seconds-left'));
    expect(left).toBeGreaterThan(14 * 60);
    expect(left).toBeLessThanOrEqual(15 * 60);
    await screenshot(page, 'leads');
  }, 30_000);

  it("shows first-dial speed per manager as the leads table has it, the slowest leads first, and a manager only his own", async () => {
    // Boris dials L-new from his phone (the number written as Russians dial it): its first dial.
    expect((await phones.register('102')).exitCode).toBe(0);
    const trunk = await phones.trunkAnswers();
    const caller = phones.callFromPhone('102', '89165550021', { talkMs: 300 });
    expect((await caller.done).exitCode).toBe(0);
    await trunk.stop();
    await waitFor('the first dial of L-new', async () => ((await (await pbx.api('/api/leads/L-new')).json()) as { firstDial: unknown }).firstDial !== null);

    const page = supervisor.page;
    await page.goto(`${pbx.httpUrl}/#/first-dial`);
    const table = page.locator('[data-testid=first-dial]');
    await table.waitFor();
    const shown = await page.$$eval('[data-testid=first-dial] tbody tr', (rows) =>
      rows.map((tr) => ({
        manager: tr.getAttribute('data-manager'),
        ...Object.fromEntries([...tr.querySelectorAll('td[data-figure]')].map((td) => [td.getAttribute('data-figure'), JSON.parse(td.getAttribute('data-value')!)])),
      })),
    );
    // The same figures straight from the leads table, as a BI tool would compute them.
    const { rows } = await sql<{ manager: string; leads: string; dialled: string; median: number | null; p90: number | null }>`
      select owner_manager as manager, count(*) as leads, count(first_dial_seconds) as dialled,
             percentile_cont(0.5) within group (order by first_dial_seconds) as median,
             percentile_cont(0.9) within group (order by first_dial_seconds) as p90
      from leads where created_at >= ${new Date((await table.getAttribute('data-from'))!)} and created_at < ${new Date((await table.getAttribute('data-to'))!)}
      group by owner_manager order by owner_manager`.execute(pbx.db);
    expect(shown.map((r) => [r.manager, r.leads, r.dialled])).toEqual(rows.map((r) => [r.manager, Number(r.leads), Number(r.dialled)]));
    for (const r of rows) {
      const row = shown.find((x) => x.manager === r.manager)!;
      if (r.median === null) expect(row.medianSeconds).toBeNull();
      else expect(row.medianSeconds).toBeCloseTo(Number(r.median), 3);
      if (r.p90 !== null) expect(row.p90Seconds).toBeCloseTo(Number(r.p90), 3);
    }
    // Boris: L-old never dialled past its 15 minutes (a miss), L-new dialled at once: one of two within the SLA.
    expect(shown.find((r) => r.manager === '102')).toMatchObject({ leads: 2, dialled: 1, pending: 0, shareWithinSla: 0.5 });
    // Slowest first: L-old has waited 20 minutes; L-new, dialled within seconds, is last.
    const slowest = await page.$$eval('[data-testid=slowest] tr[data-lead]', (trs) => trs.map((tr) => tr.getAttribute('data-lead')));
    expect(slowest[0]).toBe('L-old');
    expect(slowest.at(-1)).toBe('L-new');
    expect(await page.getAttribute('[data-testid=slowest] tr[data-lead="L-old"] a[data-lead-link]', 'href')).toBe('https://crm.example.test/leads/L-old');
    expect(await page.getAttribute('[data-testid=slowest] tr[data-lead="L-old"] a[data-manager-link]', 'href')).toMatch(/^#\/first-dial\?.*manager=102/);
    // The chart draws a bar per manager, the median no longer than the p90.
    const bars = page.locator('[data-testid=first-dial-chart] g[data-manager="102"] rect.median');
    expect(Number(await bars.getAttribute('data-seconds'))).toBe(shown.find((r) => r.manager === '102')!.medianSeconds);
    await screenshot(page, 'first-dial');

    // Boris's browser speaks Russian: the page does too.
    const boris = await openAs('boris', undefined, 'ru-RU');
    try {
      await boris.page.goto(`${pbx.httpUrl}/#/first-dial`);
      await boris.page.locator('[data-testid=slowest]').waitFor();
      expect(await boris.page.textContent('h2')).toBe('Первый звонок: как быстро звонят новым лидам');
      expect(await boris.page.textContent('[data-testid=slowest] tr[data-lead="L-old"]')).toMatch(/\+7 916 555 00 20.*не набран, 20:/);
      expect(await boris.page.$$eval('[data-testid=first-dial] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-manager')))).toEqual(['102']);
      expect(await boris.page.$$eval('[data-testid=slowest] tr[data-lead]', (trs) => trs.map((tr) => tr.getAttribute('data-lead')))).toEqual(['L-old', 'L-new']);
      // Anna's figures by their address: refused by the API, not merely hidden by the page.
      const status = await boris.page.evaluate(async (url) => (await fetch(url)).status, `/api/leads/first-dial-stats?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&manager=101`);
      expect(status).toBe(403);
      await screenshot(boris.page, 'first-dial-manager');
    } finally {
      await boris.context.close();
      await phones.unregisterAll();
    }
  }, 60_000);
});

import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.js';
import { startOfLocalDay, todayIn } from '../../src/core/kpi/kpi-period.js';
import { startBaresip } from '../helpers/baresip.js';
import { launchChromium, screenshot, signIn } from '../helpers/browser.js';
import { CONSOLE_ACCOUNTS, consoleSection } from '../helpers/console-accounts.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import { COMPANY_NUMBER, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * The wallboard and the callbacks page in Chromium against a real PBX: a scripted burst
 * from the trunk (a call missed with nobody signed in, one answered after ringing, one the
 * caller gives up on) whose figures on /wallboard equal what SQL counts in the calls table;
 * the missed client's callback task given to Anna by the supervisor on the page; Anna, in
 * a Russian browser, sees names and formatted numbers and calls the client back with the
 * page's button, which closes the task.
 */
const MISSED_CLIENT = '79165550001';
const SL_SECONDS = 3;

let pbx: TestPbx;
let phones: Phones;
let browser: Browser;
const opened: BrowserContext[] = [];

async function openAs(login: keyof typeof CONSOLE_ACCOUNTS, locale = 'en-US', path = '/#/board'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale });
  opened.push(context);
  const page = await context.newPage();
  await signIn(page, pbx.httpUrl, CONSOLE_ACCOUNTS[login].login, CONSOLE_ACCOUNTS[login].password);
  if (path !== '/#/board') await page.goto(`${pbx.httpUrl}${path}`);
  return page;
}

beforeAll(async () => {
  pbx = await startTestPbx({
    name: 'wallboard',
    basePort: 40000,
    managers: 2,
    ringTimeoutSeconds: 8,
    console: consoleSection({ wallboard: { serviceLevelSeconds: SL_SECONDS }, pauseReasons: ['обед', 'training'] }),
  });
  phones = new Phones(pbx);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  for (const c of opened) await c.close().catch(() => undefined);
  await browser?.close();
  await pbx?.destroy();
});

describe('the wallboard and the callbacks page in Chromium', () => {
  it('shows on /wallboard the same figures as SQL counts after a burst of answered, missed and abandoned calls', async () => {
    // 1. Nobody is signed in: the call is missed and leaves a callback task.
    const missed = phones.callFromTrunk({ caller: MISSED_CLIENT, talkMs: 500 });
    await missed.done;
    await pbx.waitForRecord(callIdOf(missed, TRUNK_IP));

    // 2. Anna's phone rings 4 s, past the 3 s service level, then answers.
    expect((await phones.register('101')).exitCode).toBe(0);
    const answering = await phones.answer('101', 'echo', 1, 4000);
    const answered = phones.callFromTrunk({ caller: '79165550002', talkMs: 1000 });
    await answered.done;
    await answering.stop();
    await pbx.waitForRecord(callIdOf(answered, TRUNK_IP));

    // 3. The caller gives up after 1.5 s of ringing.
    const ringing = await phones.answer('101', 'no-answer', 1);
    const abandoned = phones.callFromTrunk({ scenario: 'uac-cancel.xml', caller: '79165550003', talkMs: 1500 });
    await abandoned.done;
    await ringing.stop();
    const abandonedRecord = await pbx.waitForRecord(callIdOf(abandoned, TRUNK_IP));
    expect(abandonedRecord.disposition).toBe('cancelled');

    // The usual Thursday: two calls a week ago in this hour.
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    for (const id of ['history-1@test', 'history-2@test']) {
      await sql`insert into calls (call_id, direction, caller_number, callee_number, company_number, manager, started_at, answered_at, ended_at, ring_seconds, talk_seconds, disposition)
        values (${id}, 'inbound', '79160000000', ${COMPANY_NUMBER}, ${COMPANY_NUMBER}, '102', ${weekAgo}, ${weekAgo}, ${weekAgo}, 0, 30, 'answered')`.execute(pbx.db);
    }

    const page = await openAs('head', 'en-US', '/wallboard');
    await page.waitForSelector('[data-testid=wallboard]');
    const tz = pbx.config.routing.timezone;
    const today = todayIn(tz, new Date());
    const { rows } = await sql<{ offered: number; answered: number; within: number; abandoned: number; missed: number; avg_wait: number | null; max_wait: number | null }>`
      select count(*)::int as offered,
        count(*) filter (where disposition = 'answered')::int as answered,
        count(*) filter (where disposition = 'answered' and extract(epoch from answered_at - started_at) <= ${SL_SECONDS})::int as within,
        count(*) filter (where disposition = 'cancelled')::int as abandoned,
        count(*) filter (where disposition not in ('answered', 'cancelled'))::int as missed,
        avg(extract(epoch from answered_at - started_at)) filter (where disposition = 'answered')::float8 as avg_wait,
        max(extract(epoch from coalesce(answered_at, ended_at) - started_at))::float8 as max_wait
      from calls where direction = 'inbound' and started_at >= ${startOfLocalDay(tz, today)}`.execute(pbx.db);
    const expected = rows[0]!;
    expect(expected).toMatchObject({ offered: 3, answered: 1, abandoned: 1, missed: 1, within: 0 });

    const figure = async (name: string) => JSON.parse((await page.getAttribute(`[data-testid=wb-team] [data-figure="${name}"]`, 'data-value'))!);
    await expect.poll(() => figure('offered')).toBe(expected.offered);
    expect(await figure('answered')).toBe(expected.answered);
    expect(await figure('missed')).toBe(expected.missed);
    expect(await figure('abandoned')).toBe(expected.abandoned);
    expect(await figure('serviceLevel')).toBe(expected.within / expected.offered);
    expect(await figure('averageWaitSeconds')).toBeCloseTo(expected.avg_wait!, 3);
    expect(await figure('longestWaitSeconds')).toBeCloseTo(expected.max_wait!, 3);
    expect(await figure('waitingNow')).toBe(0);
    // The one line of the test dial plan carries every call.
    expect(await page.getAttribute('tr[data-line="test-line"] [data-figure="offered"]', 'data-value')).toBe('3');
    // Managers by state: Anna registered (available or wrapping up), Boris offline.
    expect(await page.textContent('[data-state="offline"] .value')).toBe('1');

    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    const { rows: perHour } = await sql<{ n: number }>`select count(*)::int as n from calls where direction = 'inbound' and started_at >= ${startOfLocalDay(tz, today)}
      and extract(hour from started_at at time zone ${tz}) = ${hour}`.execute(pbx.db);
    expect(Number(await page.getAttribute(`[data-testid=wb-hourly] rect[data-hour="${hour}"]`, 'data-count'))).toBe(perHour[0]!.n);
    expect(await page.locator('[data-testid=wb-hourly] polyline.usual').count()).toBe(1);
    // No navigation, no buttons: a TV has nobody to press them.
    expect(await page.locator('nav, button').count()).toBe(0);
    await screenshot(page, 'wallboard');
  }, 90_000);

  it('lets the supervisor give the missed client to Anna; Anna, in Russian, calls him back from the page and the task closes', async () => {
    const head = await openAs('head', 'en-US', '/#/callbacks');
    const row = head.locator(`tr[data-callback] td[data-client="${MISSED_CLIENT}"]`).locator('xpath=..');
    await row.waitFor();
    const owner = await row.getAttribute('data-owner');
    // Through the page's select: first away from the first owner if that was Anna, then to Anna.
    for (const to of owner === '101' ? ['102', '101'] : ['101']) {
      await row.locator('select[name=assign]').selectOption(to);
      await expect.poll(() => row.getAttribute('data-owner')).toBe(to);
    }
    // The configured name, the extension as detail, and who gave it.
    const annaName = pbx.config.managers.find((m) => m.extension === '101')!.name;
    expect(await row.textContent()).toContain(`${annaName} 101`);
    expect(await row.textContent()).toMatch(/by head/);
    await screenshot(head, 'callbacks-supervisor');

    const anna = await openAs('anna', 'ru-RU', '/#/callbacks');
    const hers = anna.locator(`tr[data-callback][data-owner="101"] td[data-client="${MISSED_CLIENT}"]`).locator('xpath=..');
    await hers.waitFor();
    expect(await anna.textContent('[data-nav=callbacks]')).toBe('Перезвоны');
    expect(await anna.textContent('[data-testid=who]')).toBe('Anna · менеджер 101');
    expect(await hers.textContent()).toContain('+7 916 555 00 01');
    expect(await hers.textContent()).toContain(annaName);
    expect(await hers.locator('[data-call-button]').textContent()).toBe('Позвонить');
    // Only her own tasks.
    const owners = await anna.$$eval('tr[data-callback]', (rows) => rows.map((r) => r.getAttribute('data-owner')));
    expect(new Set(owners)).toEqual(new Set(['101']));
    await screenshot(anna, 'callbacks-manager-ru');

    // Her real phone (baresip) answers the click-to-call ring and is referred to the client on the trunk.
    await phones.unregisterAll();
    const keys = new RedisKeys(pbx.config.redis.keyPrefix);
    const phone = startBaresip({ extension: '101', password: pbx.passwordOf('101'), port: phones.portOf('101'), proxy: `127.0.0.1:${pbx.ports.sip}`, domain: pbx.config.sip.domain });
    const trunk = await phones.trunkAnswers(1);
    try {
      await waitFor('baresip is registered', async () => (await pbx.redis.exists(keys.registration('101'))) === 1);
      await hers.locator('[data-call-button]').click();
      await waitFor('the callback task is closed', async () => {
        const { rows } = await sql<{ done_at: Date | null }>`select done_at from callback_tasks where client_number = ${MISSED_CLIENT}`.execute(pbx.db);
        return rows.length > 0 && rows.every((r) => r.done_at !== null);
      }, 30_000);
      await hers.waitFor({ state: 'detached', timeout: 10_000 });
    } finally {
      await phone.stop();
      await trunk.stop();
    }
    await screenshot(anna, 'callbacks-manager-done');
  }, 90_000);

  it("lists yesterday's review queue for the supervisor and saves a score from the page", async () => {
    // Four recorded, answered calls of Anna's yesterday.
    const yesterday = new Date(Date.now() - 86_400_000);
    for (let i = 0; i < 4; i++) {
      const id = `yesterday-${i}@test`;
      await sql`insert into calls (call_id, direction, caller_number, callee_number, company_number, manager, started_at, answered_at, ended_at, ring_seconds, talk_seconds, disposition)
        values (${id}, 'inbound', '79160000000', ${COMPANY_NUMBER}, ${COMPANY_NUMBER}, '101', ${yesterday}, ${yesterday}, ${yesterday}, 1, ${i === 0 ? 5 : 90}, 'answered')`.execute(pbx.db);
      await sql`insert into recordings (call_id, status, format, manager, caller_number, callee_number, direction, started_at, storage_key, duration_seconds)
        values (${id}, 'stored', 'mp3', '101', '79160000000', ${COMPANY_NUMBER}, 'inbound', ${yesterday}, ${`k/${id}.mp3`}, 90)`.execute(pbx.db);
    }
    const head = await openAs('head', 'en-US', '/#/reviews');
    await head.waitForSelector('[data-testid=reviews] tr[data-review]');
    expect(await head.locator('tr[data-review]').count()).toBe(3);
    const row = head.locator('tr[data-review]').first();
    for (const box of await row.locator('input[type=checkbox]').all()) await box.check();
    await row.locator('textarea[name=note]').fill('good opening');
    await row.locator('[data-save]').click();
    await expect.poll(() => row.locator('[data-score]').getAttribute('data-score')).toBe('1');
    const callId = await row.getAttribute('data-review');
    const { rows } = await sql<{ score: string; note: string; reviewer: string }>`select score, note, reviewer from review_items where call_id = ${callId}`.execute(pbx.db);
    expect(rows[0]).toMatchObject({ score: '1', note: 'good opening', reviewer: 'head' });
    const audit = await sql<{ action: string }>`select action from review_audit order by id`.execute(pbx.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['pick', 'score']);
    await screenshot(head, 'reviews');
  }, 60_000);
});

import { AppError } from '../errors/app-error.js';
import { localDate, localDateAndMinutes } from '../scenarios/business-hours.js';
import type { KpiPeriod } from './manager-kpi.js';

/**
 * Report periods are asked for in local days (the managers' working days, in
 * routing.timezone) and facts carry instants. A local day is not always 24 hours: on a
 * DST change it is 23 or 25, so every boundary is found through the zone, never by
 * adding 86,400 seconds.
 */

/** A year and a leap day: the longest period a report covers. */
export const MAX_PERIOD_DAYS = 366;

/** Local days firstDay..lastDay (both included, YYYY-MM-DD) and the instants [from, to) they span. */
export interface LocalPeriod extends KpiPeriod {
  firstDay: string;
  lastDay: string;
  days: number;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The period of local days `firstDay` to `lastDay` in `timeZone`; 400 REQUEST.INVALID on a bad date or range. */
export function localPeriod(timeZone: string, firstDay: string, lastDay: string): LocalPeriod {
  const first = dayNumber(firstDay, 'from');
  const last = dayNumber(lastDay, 'to');
  if (first > last) throw invalid(`from (${firstDay}) is after to (${lastDay}): a period runs from its first day to its last, both included`);
  const days = last - first + 1;
  if (days > MAX_PERIOD_DAYS) throw invalid(`${firstDay} to ${lastDay} is ${days} days: a report covers at most ${MAX_PERIOD_DAYS}`);
  return periodOf(timeZone, firstDay, lastDay, days);
}

/**
 * A report reads its period and `trailingPeriods` more of the same length: refuses (400)
 * when that is more than `maxReadDays`, and says how long a period still fits.
 */
export function checkReadSpan(period: LocalPeriod, trailingPeriods: number, maxReadDays: number): void {
  const read = period.days * (trailingPeriods + 1);
  if (read <= maxReadDays) return;
  const fits = Math.floor(maxReadDays / (trailingPeriods + 1));
  throw invalid(
    `${period.firstDay} to ${period.lastDay} is ${period.days} days; with its ${trailingPeriods} trailing periods (kpi.trailingPeriods) the report would read ` +
      `${read} days of calls, more than kpi.maxReadDays (${maxReadDays}): ask for at most ${fits} days`,
  );
}

/** The `count` periods of as many days immediately before `period`, oldest first. */
export function previousPeriods(timeZone: string, period: LocalPeriod, count: number): LocalPeriod[] {
  const periods: LocalPeriod[] = [];
  for (let back = count; back >= 1; back -= 1) {
    const shift = -back * period.days;
    periods.push(periodOf(timeZone, addDays(period.firstDay, shift), addDays(period.lastDay, shift), period.days));
  }
  return periods;
}

/** Today's local date (YYYY-MM-DD) in the zone. */
export function todayIn(timeZone: string, now: Date): string {
  return localDate(timeZone, now);
}

/** Calendar arithmetic on a YYYY-MM-DD date; no zone is involved. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first instant of a local day: its midnight, or, in a zone that skips midnight on a
 * DST change (America/Santiago), the change itself. The zone's offset is read around the day (a change
 * may fall just before or after it); each offset gives a candidate, and the earliest
 * candidate that is on that day is its start.
 */
export function startOfLocalDay(timeZone: string, day: string): Date {
  const wallMidnight = Date.parse(`${day}T00:00:00Z`);
  const candidates = [wallMidnight - DAY_MS, wallMidnight, wallMidnight + DAY_MS]
    .map((t) => wallMidnight - offsetAt(timeZone, t))
    .filter((t) => localDate(timeZone, new Date(t)) === day);
  // A day the zone skipped altogether (Pacific/Apia, 30 December 2011) is empty: it starts where the next one does.
  return candidates.length === 0 ? startOfLocalDay(timeZone, addDays(day, 1)) : new Date(Math.min(...candidates));
}

function periodOf(timeZone: string, firstDay: string, lastDay: string, days: number): LocalPeriod {
  return { firstDay, lastDay, days, from: startOfLocalDay(timeZone, firstDay), to: startOfLocalDay(timeZone, addDays(lastDay, 1)) };
}

/** Local wall clock minus UTC at a minute-aligned instant, in ms (Moscow: +3 h). */
function offsetAt(timeZone: string, at: number): number {
  const { date, minutes } = localDateAndMinutes(timeZone, new Date(at));
  return Date.parse(`${date}T00:00:00Z`) + minutes * 60_000 - at;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date that exists (2026-02-30 does not). */
function dayNumber(value: string, name: 'from' | 'to'): number {
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw invalid(`${name} "${value}" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-04`);
  }
  return ms / DAY_MS;
}

function invalid(message: string): AppError {
  return new AppError('REQUEST.INVALID', message, 400);
}

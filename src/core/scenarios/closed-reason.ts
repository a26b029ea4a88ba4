import type { OpenState } from './business-hours.js';
import type { Scenario } from './scenario-schema.js';
import { WEEKDAYS, type TimeRange, type WeeklyHours } from './weekly-hours.js';

/**
 * Why a closed line refused a call, in words an operator reads in the log and the call
 * record: a caller who got 480 at 22:50 should not need the dial plan to know why.
 */

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const rangesText = (ranges: readonly TimeRange[]) =>
  [...ranges]
    .sort((a, b) => a.from - b.from)
    .map((r) => `${hhmm(r.from)}-${hhmm(r.to)}`)
    .join(', ');

/** "Mon-Fri 09:00-19:00, Sat 10:00-16:00": neighbouring days with the same ranges share one entry. */
export function describeWeeklyHours(hours: WeeklyHours): string {
  const parts: string[] = [];
  let i = 0;
  while (i < WEEKDAYS.length) {
    const text = rangesText(hours[WEEKDAYS[i]!]);
    let j = i;
    while (j + 1 < WEEKDAYS.length && rangesText(hours[WEEKDAYS[j + 1]!]) === text) j++;
    if (text) parts.push(`${DAY_NAMES[i]}${j > i ? `-${DAY_NAMES[j]}` : ''} ${text}`);
    i = j + 1;
  }
  return parts.length > 0 ? parts.join('; ') : 'never';
}

/** The reason written for a call refused because the line was closed at `state`. */
export function closedReason(scenario: Pick<Scenario, 'timezone' | 'hours'>, state: OpenState): string {
  const localNow = `${DAY_NAMES[WEEKDAYS.indexOf(state.weekday)]} ${state.localDate} ${state.localTime} ${scenario.timezone}`;
  if (state.reason === 'holiday') return `a holiday: the line is closed all day on ${state.localDate} (${scenario.timezone})`;
  const hours = scenario.hours ? describeWeeklyHours(scenario.hours) : 'always';
  return `after hours: the line is open ${hours} ${scenario.timezone}; the call came ${localNow}`;
}

import { localDateAndMinutes } from '../scenarios/business-hours.js';

/**
 * Today's calls per local hour against the same weekday's usual day: the average over
 * the previous weeks' same weekdays on which the line was in use (had at least one
 * inbound call). A week before the PBX went live would only pull the average down.
 */

export interface HourCount {
  /** Local hour of the day, 0..23 (a DST day's repeated hour adds to the same bucket). */
  hour: number;
  count: number;
}

export interface PastDayHours {
  /** YYYY-MM-DD, local. */
  day: string;
  hours: readonly HourCount[];
}

export interface HourlyProfile {
  today: number[];
  /** null per hour when no past same weekday had calls. */
  sameWeekdayAverage: (number | null)[];
  /** The past days the average is over (those with calls). */
  daysAveraged: string[];
}

export const HOURS = 24;

export function hourBuckets(hours: readonly HourCount[]): number[] {
  const buckets = new Array<number>(HOURS).fill(0);
  for (const { hour, count } of hours) {
    if (Number.isInteger(hour) && hour >= 0 && hour < HOURS) buckets[hour]! += count;
  }
  return buckets;
}

export function hourlyProfile(today: readonly HourCount[], past: readonly PastDayHours[]): HourlyProfile {
  const used = past.filter((d) => d.hours.some((h) => h.count > 0));
  const sums = new Array<number>(HOURS).fill(0);
  for (const day of used) hourBuckets(day.hours).forEach((n, h) => (sums[h]! += n));
  return {
    today: hourBuckets(today),
    sameWeekdayAverage: sums.map((s) => (used.length === 0 ? null : s / used.length)),
    daysAveraged: used.map((d) => d.day).sort(),
  };
}

/** Calls per local hour of their start, in the zone. */
export function countByHour(starts: readonly Date[], timeZone: string): HourCount[] {
  const buckets = new Array<number>(HOURS).fill(0);
  for (const at of starts) buckets[Math.floor(localDateAndMinutes(timeZone, at).minutes / 60)]! += 1;
  return buckets.map((count, hour) => ({ hour, count })).filter((h) => h.count > 0);
}

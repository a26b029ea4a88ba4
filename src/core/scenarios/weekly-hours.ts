/**
 * The words of a dial plan's `hours:` block ("mon-fri", "09:00-19:00") turned into
 * numbers. Each parser returns the value or a sentence saying what is wrong, so the
 * schema can report every mistake at its own line instead of stopping at the first.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes since local midnight, start inclusive, end exclusive (open at 09:00, closed at 19:00). */
export interface TimeRange {
  from: number;
  to: number;
}

export type WeeklyHours = Record<Weekday, TimeRange[]>;

const DAY_KEY = /^([a-z]{3})(?:-([a-z]{3}))?$/;
const RANGE = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** "mon-fri" -> the five days; a range must run forward (split "sat-mon" into "sat-sun" and "mon"). */
export function parseDayKey(key: string): Weekday[] | string {
  const m = DAY_KEY.exec(key);
  const first = m ? WEEKDAYS.indexOf(m[1] as Weekday) : -1;
  const last = m?.[2] === undefined ? first : WEEKDAYS.indexOf(m[2] as Weekday);
  if (first < 0 || last < 0) return `"${key}" is not a day: use mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri`;
  if (last < first) return `"${key}" runs backwards: a day range goes from mon towards sun`;
  return WEEKDAYS.slice(first, last + 1);
}

/** "09:00-19:00" -> minutes; "24:00" is allowed as an end so a day can be open until midnight. */
export function parseTimeRange(text: string): TimeRange | string {
  const m = RANGE.exec(text);
  if (!m) return `"${text}" is not a time range: write HH:MM-HH:MM, for example "09:00-19:00"`;
  const [, h1, m1, h2, m2] = m.map(Number) as [number, number, number, number, number];
  if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 === 24 && m2 !== 0)) return `"${text}" has a time that does not exist`;
  const range = { from: h1 * 60 + m1, to: h2 * 60 + m2 };
  if (range.from >= range.to) {
    return `"${text}" must start before it ends (for hours past midnight, give the next day its own range from 00:00)`;
  }
  return range;
}

export function emptyWeek(): WeeklyHours {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
}

/** Two ranges on one day that share a minute: the first one found, for the error message. */
export function findOverlap(ranges: readonly TimeRange[]): [TimeRange, TimeRange] | undefined {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.from < sorted[i - 1]!.to) return [sorted[i - 1]!, sorted[i]!];
  }
  return undefined;
}

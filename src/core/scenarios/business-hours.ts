import { WEEKDAYS, type Weekday } from './weekly-hours.js';
import type { Scenario } from './scenario-schema.js';

/**
 * Is the line open at a given instant? Pure: the caller passes the time, and the
 * scenario's own time zone (not the server's) decides the local day and hour.
 */

export type OpenReason = 'always-open' | 'within-hours' | 'holiday' | 'outside-hours';

export interface OpenState {
  open: boolean;
  reason: OpenReason;
  /** The local date and time in the scenario's zone, for logs ("2026-01-07", "thu", "10:30"). */
  localDate: string;
  weekday: Weekday;
  localTime: string;
}

type Calendar = Pick<Scenario, 'timezone' | 'hours' | 'holidays'>;

// Building a DateTimeFormat costs far more than using one, and a call asks on every ring.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

type LocalParts = ReturnType<typeof computeLocalParts>;

// Every call asks several times (open?, today's date); a minute's answer is the same
// for everyone, and formatToParts is the most expensive thing a routing decision does.
const recentParts = new Map<string, LocalParts>();
const RECENT_PARTS_LIMIT = 256;

function localParts(timeZone: string, at: Date): LocalParts {
  const key = `${timeZone}|${Math.floor(at.getTime() / 60_000)}`;
  let parts = recentParts.get(key);
  if (!parts) {
    if (recentParts.size >= RECENT_PARTS_LIMIT) recentParts.clear();
    parts = computeLocalParts(timeZone, at);
    recentParts.set(key, parts);
  }
  return parts;
}

function computeLocalParts(timeZone: string, at: Date) {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const weekday = parts.weekday!.toLowerCase().slice(0, 3) as Weekday;
  if (!WEEKDAYS.includes(weekday)) throw new Error(`Unexpected weekday "${parts.weekday}" from Intl`);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    time: `${parts.hour}:${parts.minute}`,
  };
}

export function openStateAt(calendar: Calendar, at: Date): OpenState {
  const local = localParts(calendar.timezone, at);
  const base = { localDate: local.date, weekday: local.weekday, localTime: local.time };
  if (calendar.holidays.some((h) => h === local.date || h === local.date.slice(5))) return { open: false, reason: 'holiday', ...base };
  if (!calendar.hours) return { open: true, reason: 'always-open', ...base };
  const open = calendar.hours[local.weekday].some((r) => r.from <= local.minutes && local.minutes < r.to);
  return { open, reason: open ? 'within-hours' : 'outside-hours', ...base };
}

/** The local date (YYYY-MM-DD) in a time zone: managers' "today" counters belong to it. */
export function localDate(timeZone: string, at: Date): string {
  return localParts(timeZone, at).date;
}

/** The local date and minute of the day (0..1439) in a time zone: with the instant, they give the zone's offset then. */
export function localDateAndMinutes(timeZone: string, at: Date): { date: string; minutes: number } {
  const { date, minutes } = localParts(timeZone, at);
  return { date, minutes };
}

export function isOpen(calendar: Calendar, at: Date): boolean {
  return openStateAt(calendar, at).open;
}

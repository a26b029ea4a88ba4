/** How the console writes times, durations, shares and phone numbers: in the UI's language and routing.timezone. */
import { displayPhone } from '../../src/core/phone/e164.js';
import { language } from './i18n.js';
import { currentSettings } from './settings.js';

export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export function secondsSince(iso: string, now: number): number {
  return (now - Date.parse(iso)) / 1000;
}

/** The UI language's date order and month names, the team's zone (not the browser's). */
export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(locale(), {
    timeZone: currentSettings().timezone,
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function percent(share: number | null): string {
  if (share === null) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export function number(value: number | null, digits = 1): string {
  if (value === null) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: Number.isInteger(value) ? 0 : digits }).format(value);
}

/** "+7 916 123 45 67" from however the number was stored; an extension or "anonymous" as it is. */
export function phone(raw: string | null | undefined): string {
  if (!raw) return '—';
  return displayPhone(raw, currentSettings().defaultRegion);
}

/** Today as YYYY-MM-DD in the team's zone, for date inputs. */
export function localToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: currentSettings().timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export function locale(): string {
  return language() === 'ru' ? 'ru-RU' : 'en-GB';
}

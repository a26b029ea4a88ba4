import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * One client, one key: a phone number in E.164 ("+74951234567"), however a CRM, a
 * manager's phone or a trunk wrote it. Uses libphonenumber's metadata, so "8 (495)
 * 123-45-67" in Russia is +7 495..., and a number that cannot be a subscriber's
 * (an extension "101", a short code "112") has no E.164 form.
 *
 * Order of attempts, for a number written without "+" or an international prefix:
 * first as a national number of `defaultRegion`, then, if that is not a valid number,
 * as digits that start with a country code ("74951234567" from a US CRM). Where both
 * read validly, the national reading wins: it is how a person in that region dials.
 * An extension after the number ("ext. 12") is dropped: the client is the line.
 */
export function toE164(raw: string, defaultRegion: string): string | null {
  const key = `${defaultRegion}\u0000${raw}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const phone = parseE164(raw, defaultRegion);
  // Bounded: the oldest reading goes first (a Map keeps insertion order).
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, phone);
  return phone;
}

/**
 * Every call is read twice (when it starts and when it ends) and clients call again:
 * the last readings are kept, since libphonenumber costs tens of microseconds a number,
 * and far more for text that is no number (it throws, with a stack trace, to say so).
 */
const RECENT_MAX = 4096;
const recent = new Map<string, string | null>();

/** Fewer than two digits is no number in any region (libphonenumber's own minimum); it does not read letters as digits. */
const TWO_DIGITS = /\p{Nd}[\s\S]*\p{Nd}/u;

function parseE164(raw: string, defaultRegion: string): string | null {
  if (!isRegion(defaultRegion)) return null;
  const text = raw.trim();
  if (!TWO_DIGITS.test(text)) return null;
  const national = parsePhoneNumberFromString(text, defaultRegion);
  if (national?.isValid()) return national.number;
  if (/^\+/.test(text)) return null;
  const international = parsePhoneNumberFromString(`+${text.replace(/\D/g, '')}`);
  return international?.isValid() ? international.number : null;
}

/** A two-letter region libphonenumber has metadata for (ISO 3166-1 alpha-2, upper case). */
export function isRegion(code: string): code is CountryCode {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}

/**
 * A number as people read it: "+7 916 123-45-67", however it was stored ("79161234567",
 * "8 (916) 123-45-67"). What is not a subscriber's number (an extension, a short code,
 * "anonymous") is shown as it came.
 */
export function displayPhone(raw: string, defaultRegion: string): string {
  const e164 = toE164(raw, defaultRegion);
  if (e164 === null) return raw;
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? raw;
}

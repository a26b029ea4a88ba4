/**
 * Seconds a registration stays valid. Kamailio's `$ulc(reg=>expires)` is the
 * contact's expiry as an absolute time (epoch seconds), not the Expires the phone
 * asked for: stored as a lifetime it would keep a vanished phone "registered" for
 * decades. `reportedAt` is the event's own time (epoch seconds), so the clocks of
 * Kamailio and the service need not agree. A small value is already a lifetime.
 */
const ABSOLUTE_FROM = 1_000_000_000; // 2001-09-09: no phone registers for 30 years

export function registrationSeconds(expires: number, reportedAt: number): number {
  const seconds = expires >= ABSOLUTE_FROM ? expires - Math.floor(reportedAt) : expires;
  return Math.max(1, Math.round(seconds));
}

/** Crockford's base32, as ULIDs use it: ids sort by time as text and read without ambiguity. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A delivery's id, which is also its webhook-id and its BullMQ job id: "msg_" and a
 * ULID (48-bit time, 80 random bits). BullMQ refuses ids with ':' or made of digits only.
 */
export function deliveryId(nowMs: number, random: Uint8Array): string {
  if (random.length < 10) throw new RangeError('deliveryId needs 10 random bytes');
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i += 1) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (let i = 0; i < 10; i += 1) bits = (bits << 8n) | BigInt(random[i]!);
  let rest = '';
  for (let i = 0; i < 16; i += 1) {
    rest = ALPHABET[Number(bits & 31n)]! + rest;
    bits >>= 5n;
  }
  return `msg_${time}${rest}`;
}

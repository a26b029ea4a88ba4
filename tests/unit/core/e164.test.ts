import { describe, expect, it } from 'vitest';
import { isRegion, toE164 } from '../../../src/core/phone/e164.js';

describe('toE164', () => {
  it.each([
    ['8 (495) 123-45-67', '+74951234567'],
    ['+7 495 1234567', '+74951234567'],
    ['74951234567', '+74951234567'],
    ['+7 (916) 111-22-33', '+79161112233'],
    ['89161112233', '+79161112233'],
    ['9161112233', '+79161112233'],
    ['8 800 555-35-35', '+78005553535'],
    ['tel:+74951234567', '+74951234567'],
    // The international prefix from Russia, and a foreign number with its +.
    ['810 44 20 7946 0958', '+442079460958'],
    ['+1 212 555 0100', '+12125550100'],
  ])('reads %s in region RU as %s', (raw, e164) => {
    expect(toE164(raw, 'RU')).toBe(e164);
  });

  it('drops an extension after the number: the client is the line', () => {
    expect(toE164('495 123 45 67 ext. 12', 'RU')).toBe('+74951234567');
  });

  it('reads digits with a country code but no + when they are no valid national number', () => {
    expect(toE164('74951234567', 'US')).toBe('+74951234567');
    expect(toE164('2125550100', 'US')).toBe('+12125550100');
    expect(toE164('12125550100', 'RU')).toBe('+12125550100');
  });

  it.each([['101'], ['112'], ['1234567'], ['abc'], [''], ['   '], ['+7 101']])('gives %j no E.164 form (extension, short code, junk)', (raw) => {
    expect(toE164(raw, 'RU')).toBeNull();
  });

  it('gives nothing for a region libphonenumber does not know', () => {
    expect(toE164('+74951234567', 'XX')).toBeNull();
    expect(isRegion('RU')).toBe(true);
    expect(isRegion('ru')).toBe(false);
    expect(isRegion('XX')).toBe(false);
  });
  it('reads digits of other scripts, never letters, and gives the same answer from its memory of recent numbers', () => {
    for (let round = 0; round < 2; round++) {
      expect(toE164('٨٤٩٥١٢٣٤٥٦٧', 'RU')).toBe('+74951234567');
      expect(toE164('8 (495) 123-45-67', 'RU')).toBe('+74951234567');
      expect(toE164('8 (495) 123-45-67', 'US')).toBe('+84951234567'); // the region is part of what is remembered
      expect(toE164('1-800-FLOWERS', 'US')).toBeNull();
      expect(toE164('sipp', 'RU')).toBeNull();
      expect(toE164('+7', 'RU')).toBeNull();
    }
  });

  it('stays right after more distinct numbers than it remembers (hostile callers cycling numbers)', () => {
    for (let i = 0; i < 5000; i++) toE164(`+7 495 ${String(1_000_000 + i)}`, 'RU');
    expect(toE164('+7 495 123 45 67', 'RU')).toBe('+74951234567');
    expect(toE164('+7 495 1000001', 'RU')).toBe('+74951000001');
  });
});

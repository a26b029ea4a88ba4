import { describe, expect, it } from 'vitest';
import { consoleSchema } from '../../../src/config/console-config-schema.js';
import { displayPhone } from '../../../src/core/phone/e164.js';
import { chooseLanguage, t } from '../../../web/src/i18n.js';

describe("the console's language", () => {
  it("takes the account's, else the browser's first of ru/en, else English", () => {
    expect(chooseLanguage('en', ['ru-RU'])).toBe('en');
    expect(chooseLanguage(null, ['de-DE', 'ru-RU', 'en-US'])).toBe('ru');
    expect(chooseLanguage(undefined, ['EN-gb'])).toBe('en');
    expect(chooseLanguage(null, ['de', 'fr'])).toBe('en');
    expect(chooseLanguage('xx', [])).toBe('en');
  });

  it('fills placeholders and leaves an unknown one visible rather than blank', () => {
    expect(t('who.manager', { ext: '101' })).toBe('manager 101');
    expect(t('calls.range', { first: 1 })).toBe('1–{last} of {total}');
  });
});

describe('phone numbers as the console shows them', () => {
  it('formats however stored, and leaves what is not a number alone', () => {
    expect(displayPhone('79161234567', 'RU')).toBe('+7 916 123 45 67');
    expect(displayPhone('8 (495) 123-45-67', 'RU')).toBe('+7 495 123 45 67');
    expect(displayPhone('+12025550123', 'RU')).toBe('+1 202 555 0123');
    expect(displayPhone('101', 'RU')).toBe('101');
    expect(displayPhone('anonymous', 'RU')).toBe('anonymous');
    expect(displayPhone('<script>', 'RU')).toBe('<script>');
  });
});

describe('console settings in the configuration', () => {
  it('defaults the pause reasons, callback SLA and wallboard', () => {
    const c = consoleSchema.parse({});
    expect(c.pauseReasons).toEqual(['break', 'lunch', 'training', 'meeting', 'paperwork']);
    expect(c.callbackSlaMinutes).toBe(60);
    expect(c.wallboard).toEqual({ serviceLevelSeconds: 20, historyWeeks: 4 });
  });

  it('refuses an empty list, a repeated or blank reason, a zero service level and an unknown language, saying where', () => {
    const issues = (value: unknown) => consoleSchema.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ pauseReasons: [] })).toEqual(['pauseReasons: console.pauseReasons needs at least one reason']);
    expect(issues({ pauseReasons: ['lunch', 'lunch'] })).toEqual(['pauseReasons: console.pauseReasons lists a reason twice']);
    expect(issues({ pauseReasons: ['  '] })[0]).toMatch(/^pauseReasons.0:/);
    expect(issues({ wallboard: { serviceLevelSeconds: 0 } })[0]).toMatch(/^wallboard.serviceLevelSeconds:/);
    const user = { login: 'anna', name: 'Anna', role: 'manager', extension: '101', passwordHash: 'scrypt$1$1$1$a$b', language: 'de' };
    expect(issues({ sessionSecret: 'x'.repeat(32), users: [user] })[0]).toMatch(/^users.0.language:/);
  });
});

import { describe, expect, it } from 'vitest';
import { newLeadFrom, type IntakeRules } from '../../../src/core/leads/lead-intake.js';
import { leastLoadedManager } from '../../../src/core/leads/reassignment.js';
import { at } from '../../helpers/leads.js';

const rules: IntakeRules = { defaultRegion: 'RU', slaMinutes: 15, slaMinutesByScenario: { 'hot-leads': 5 }, managers: ['101', '102'] };
const now = at(100);

describe('newLeadFrom', () => {
  it('keeps the phone in E.164 and as sent, and the CRM creation time', () => {
    expect(newLeadFrom({ id: 'L1', phone: '8 (495) 123-45-67', createdAt: at(40), ownerManager: '101' }, rules, now)).toEqual({
      id: 'L1', phone: '+74951234567', phoneRaw: '8 (495) 123-45-67', createdAt: at(40), receivedAt: now,
      ownerManager: '101', scenario: null, slaMinutes: 15,
    });
  });

  it('takes now as the creation when the CRM gives none, or one in our future (its clock is ahead)', () => {
    expect(newLeadFrom({ id: 'L1', phone: '+74951234567' }, rules, now).createdAt).toEqual(now);
    expect(newLeadFrom({ id: 'L1', phone: '+74951234567', createdAt: at(130) }, rules, now).createdAt).toEqual(now);
  });

  it("chooses the SLA: the lead's own, else its scenario's, else the global one", () => {
    const sla = (extra: { slaMinutes?: number; scenario?: string }) => newLeadFrom({ id: 'L', phone: '+74951234567', ...extra }, rules, now).slaMinutes;
    expect(sla({ slaMinutes: 3, scenario: 'hot-leads' })).toBe(3);
    expect(sla({ scenario: 'hot-leads' })).toBe(5);
    expect(sla({ scenario: 'other' })).toBe(15);
    expect(sla({})).toBe(15);
  });

  it('refuses a phone that is no valid number, saying which field and why', () => {
    expect(() => newLeadFrom({ id: 'L', phone: '101' }, rules, now)).toThrow(
      expect.objectContaining({ code: 'LEAD.INVALID_PHONE', status: 400, message: expect.stringMatching(/^body\/phone "101" is not a valid phone number \(read with the default region RU\)/) }),
    );
  });

  it('refuses an owner who is no manager', () => {
    expect(() => newLeadFrom({ id: 'L', phone: '+74951234567', ownerManager: '109' }, rules, now)).toThrow(
      expect.objectContaining({ code: 'LEAD.UNKNOWN_MANAGER', message: 'body/ownerManager 109 is not the extension of any manager (managers: 101, 102)' }),
    );
  });
});

describe('leastLoadedManager', () => {
  it('picks the candidate with the fewest undialled leads, never the owner, ties to the first listed', () => {
    const open = new Map([['101', 4], ['102', 2], ['103', 2]]);
    expect(leastLoadedManager(['101', '102', '103'], open, '101')).toBe('102');
    expect(leastLoadedManager(['101', '102', '103', '104'], open, '101')).toBe('104');
    expect(leastLoadedManager(['101'], open, '101')).toBeNull();
    expect(leastLoadedManager([], open, null)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { chooseTrunks, failoverPattern, type TrunkPlan } from '../../../src/core/trunks/choose-trunks.js';

const plan: TrunkPlan = {
  trunks: [
    { name: 'msk', callerId: '+74950000000' },
    { name: 'spb', callerId: '+78120000000' },
    { name: 'cheap', callerId: '+74990000000' },
  ],
  numbers: [
    { number: '+74951111111', trunk: 'msk' },
    { number: '+74952222222', trunk: 'msk', callerId: '+74952222200' },
    { number: '+78123333333', trunk: 'spb' },
  ],
  rules: [
    { prefix: '+7', trunks: ['cheap', 'msk'] },
    { prefix: '+7812', trunks: ['spb', 'cheap'] },
    { prefix: '1', trunks: ['cheap'] },
  ],
};
const noRules: TrunkPlan = { ...plan, rules: [] };
const none = { managerLine: null, clientLine: null };

describe('chooseTrunks: the line', () => {
  it('takes the line the client knows over the manager\'s, and the manager\'s over the first number', () => {
    expect(chooseTrunks(noRules, { dialled: '+79161234567', managerLine: '+74952222222', clientLine: '+78123333333' })).toMatchObject({ line: '+78123333333', lineFrom: 'client' });
    expect(chooseTrunks(noRules, { dialled: '+79161234567', managerLine: '+74952222222', clientLine: null })).toMatchObject({ line: '+74952222222', lineFrom: 'manager' });
    expect(chooseTrunks(noRules, { dialled: '+79161234567', ...none })).toMatchObject({ line: '+74951111111', lineFrom: 'default' });
  });

  it('ignores a remembered line that is no company number any more (renumbered, removed)', () => {
    expect(chooseTrunks(noRules, { dialled: '+79161234567', managerLine: '+74952222222', clientLine: '+70000000000' })).toMatchObject({ line: '+74952222222', lineFrom: 'manager' });
  });

  it('compares lines by digits: 74951111111 and +7 495 111-11-11 are one line', () => {
    expect(chooseTrunks(noRules, { dialled: '+79161234567', managerLine: null, clientLine: '74951111111' })).toMatchObject({ line: '+74951111111', lineFrom: 'client' });
  });
});

describe('chooseTrunks: the trunks and caller IDs', () => {
  it('without a rule: the line\'s trunk first, then the others in configuration order', () => {
    const choice = chooseTrunks(noRules, { dialled: '+79161234567', managerLine: '+78123333333', clientLine: null });
    expect(choice.attempts.map((a) => a.trunk)).toEqual(['spb', 'msk', 'cheap']);
  });

  it('shows the line\'s caller ID on its own trunk, and on the others a number each carries (else its own caller ID)', () => {
    const choice = chooseTrunks(noRules, { dialled: '+79161234567', managerLine: '+74952222222', clientLine: null });
    expect(choice.attempts).toEqual([
      { trunk: 'msk', callerId: '+74952222200' },
      { trunk: 'spb', callerId: '+78123333333' },
      { trunk: 'cheap', callerId: '+74990000000' },
    ]);
  });

  it('lets the longest matching prefix order the trunks, whatever the line', () => {
    const spb = chooseTrunks(plan, { dialled: '+78121234567', managerLine: '+74951111111', clientLine: null });
    expect(spb).toMatchObject({ rule: '+7812', line: '+74951111111' });
    expect(spb.attempts).toEqual([{ trunk: 'spb', callerId: '+78123333333' }, { trunk: 'cheap', callerId: '+74990000000' }]);
    const msk = chooseTrunks(plan, { dialled: '89161234567', ...none });
    expect(msk.rule).toBeNull();
    expect(chooseTrunks(plan, { dialled: '+79161234567', ...none }).attempts.map((a) => a.trunk)).toEqual(['cheap', 'msk']);
    // Only the dialled number's beginning counts: "1" is no rule for +7 495 ...1...
    expect(chooseTrunks(plan, { dialled: '+12125550100', ...none }).attempts.map((a) => a.trunk)).toEqual(['cheap']);
  });

  it('with no numbers configured, each trunk\'s caller ID is the number it carries', () => {
    const bare: TrunkPlan = { trunks: plan.trunks, numbers: [], rules: [] };
    const choice = chooseTrunks(bare, { dialled: '+79161234567', managerLine: null, clientLine: '+78120000000' });
    expect(choice).toMatchObject({ line: '+78120000000', lineFrom: 'client' });
    expect(choice.attempts).toEqual([
      { trunk: 'spb', callerId: '+78120000000' },
      { trunk: 'msk', callerId: '+74950000000' },
      { trunk: 'cheap', callerId: '+74990000000' },
    ]);
  });

  it('never lists a trunk twice', () => {
    const twice: TrunkPlan = { ...plan, rules: [{ prefix: '+7', trunks: ['msk', 'spb', 'msk'] }] };
    expect(chooseTrunks(twice, { dialled: '+79161234567', ...none }).attempts.map((a) => a.trunk)).toEqual(['msk', 'spb']);
  });
});

describe('failoverPattern', () => {
  it('turns codes and classes into one anchored regular expression', () => {
    const re = new RegExp(failoverPattern([408, '5xx']));
    expect(['408', '500', '503', '599'].every((c) => re.test(c))).toBe(true);
    expect(['404', '486', '480', '600', '1503', '50'].some((c) => re.test(c))).toBe(false);
    expect(failoverPattern([])).toBe('^$');
  });
});

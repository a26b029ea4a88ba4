import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickInTurn } from '../../../src/core/routing/rotation.js';

describe('pickInTurn', () => {
  it('offers the member at the turn and moves the turn just after him', () => {
    expect(pickInTurn(3, 0, () => true)).toEqual({ offered: 0, turn: 1 });
    expect(pickInTurn(3, 2, () => true)).toEqual({ offered: 2, turn: 0 });
  });

  it('skips members who cannot take the call, and the turn follows the one offered', () => {
    expect(pickInTurn(4, 1, (i) => i !== 1 && i !== 2)).toEqual({ offered: 3, turn: 0 });
  });

  it('leaves the turn where it was when nobody can take the call', () => {
    expect(pickInTurn(4, 2, () => false)).toEqual({ offered: null, turn: 2 });
    expect(pickInTurn(0, 5, () => true)).toEqual({ offered: null, turn: 0 });
  });

  it('with every member free, n calls offer each of n members exactly once (the issue 19 double step)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1000 }), (n, turn0) => {
        const offers = new Array<number>(n).fill(0);
        let turn = turn0;
        for (let call = 0; call < n; call++) {
          const pick = pickInTurn(n, turn, () => true);
          offers[pick.offered!]!++;
          turn = pick.turn;
        }
        expect(offers.every((o) => o === 1)).toBe(true);
      }),
    );
  });

  it('never passes over a member who could take the call: the one offered is the first able one from the turn', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), fc.nat(100), (able, turn) => {
        const pick = pickInTurn(able.length, turn, (i) => able[i]!);
        const n = able.length;
        const order = Array.from({ length: n }, (_, k) => (turn + k) % n);
        const first = order.find((i) => able[i]);
        expect(pick.offered).toBe(first ?? null);
        if (first !== undefined) expect(pick.turn).toBe((first + 1) % n);
      }),
    );
  });

  it('over any run, a member who was always able to take calls gets within one offer of every other always-able member', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.array(fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), { maxLength: 200 }), (n, masks) => {
        // Member 0 and member 1 are always able; the others come and go.
        const offers = new Array<number>(n).fill(0);
        let turn = 0;
        for (const mask of masks) {
          const pick = pickInTurn(n, turn, (i) => i < 2 || mask[i]!);
          offers[pick.offered!]!++;
          turn = pick.turn;
        }
        expect(Math.abs(offers[0]! - offers[1]!)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

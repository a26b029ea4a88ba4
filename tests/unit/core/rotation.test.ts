import { describe, expect, it } from 'vitest';
import { rotateManagers } from '../../../src/core/routing/rotation.js';

const all = ['101', '102', '103'];

describe('rotateManagers', () => {
  it('starts each call one manager further', () => {
    const firsts = [0, 1, 2, 3].map((n) => rotateManagers(all, () => true, n)[0]);
    expect(firsts).toEqual(['101', '102', '103', '101']);
  });

  it('keeps the others in order after the first', () => {
    expect(rotateManagers(all, () => true, 1)).toEqual(['102', '103', '101']);
  });

  it('skips managers who are not available', () => {
    expect(rotateManagers(all, (m) => m !== '102', 1)).toEqual(['103', '101']);
  });

  it('spreads first rings evenly over many calls', () => {
    const counts = new Map<string, number>();
    for (let n = 0; n < 300; n++) {
      const first = rotateManagers(all, () => true, n)[0]!;
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([100, 100, 100]);
  });

  it('returns nothing when nobody is available or configured', () => {
    expect(rotateManagers(all, () => false, 5)).toEqual([]);
    expect(rotateManagers([], () => true, 5)).toEqual([]);
  });
});

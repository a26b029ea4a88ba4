import { describe, expect, it } from 'vitest';
import { registrationSeconds } from '../../../src/core/agents/registration-expiry.js';

describe('registrationSeconds', () => {
  it("turns Kamailio's absolute expiry (epoch seconds) into the seconds left, against the event's own time", () => {
    expect(registrationSeconds(1_800_000_300, 1_800_000_000.734)).toBe(300);
  });

  it('takes a small value as a lifetime already, and never returns less than a second', () => {
    expect(registrationSeconds(3600, 1_800_000_000)).toBe(3600);
    expect(registrationSeconds(1_799_999_990, 1_800_000_000)).toBe(1);
  });
});

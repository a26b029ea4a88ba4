import type { Menu } from './scenario-schema.js';

/**
 * What one round of a DTMF menu comes to. Pure: the service feeds it the digit
 * (or null when `timeout` passed without one) and the rounds already played.
 */
export type MenuOutcome =
  | { kind: 'route'; step: number; digit: string | null }
  | { kind: 'repeat' };

/** The step (0-based) an option sends the caller to, or null for a key the menu does not offer. */
export function stepForDigit(menu: Menu, digit: string): number | null {
  return Object.hasOwn(menu.options, digit) ? menu.options[digit]! : null;
}

/**
 * A known digit routes at once. No digit, or one the menu does not offer: the prompt
 * plays again while repeats remain, then the default option (or the first step).
 * `round` is 0 for the first playing of the prompt.
 */
export function decideMenu(menu: Menu, digit: string | null, round: number): MenuOutcome {
  const chosen = digit === null ? null : stepForDigit(menu, digit);
  if (chosen !== null) return { kind: 'route', step: chosen, digit };
  if (round < menu.repeats) return { kind: 'repeat' };
  return { kind: 'route', step: menu.defaultDigit === null ? 0 : menu.options[menu.defaultDigit]!, digit: null };
}

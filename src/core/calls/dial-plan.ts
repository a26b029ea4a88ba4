import { digitsOf } from '../phone/phone-number.js';

/** Where a new call is headed, decided from who sent it and what was dialled. */
export type CallIntent =
  | { kind: 'inbound'; companyNumber: string; callerNumber: string }
  | { kind: 'internal'; fromExtension: string; extension: string }
  | { kind: 'outbound'; fromExtension: string; number: string }
  | { kind: 'click-to-call'; extension: string }
  | { kind: 'reject'; code: number; reason: string };

export interface DialPlanInput {
  /** 'trunk' when the INVITE came from a trunk address, 'phone' when a manager authenticated, 'controller' for click-to-call's first leg. */
  source: 'trunk' | 'phone' | 'controller';
  fromUser: string;
  dialled: string;
}

export interface DialPlanContext {
  extensions: ReadonlySet<string>;
}

/** External numbers need at least this many digits; shorter ones are typos or services. */
const MIN_EXTERNAL_DIGITS = 5;

export function classifyCall(input: DialPlanInput, ctx: DialPlanContext): CallIntent {
  // Which company line (and scenario) serves the dialled number is the scenarios' business.
  if (input.source === 'trunk') return { kind: 'inbound', companyNumber: input.dialled, callerNumber: input.fromUser };
  if (input.source === 'controller') {
    return ctx.extensions.has(input.dialled) ? { kind: 'click-to-call', extension: input.dialled } : { kind: 'reject', code: 404, reason: 'Unknown Extension' };
  }
  if (ctx.extensions.has(input.dialled)) {
    if (input.dialled === input.fromUser) return { kind: 'reject', code: 486, reason: 'Cannot Call Yourself' };
    return { kind: 'internal', fromExtension: input.fromUser, extension: input.dialled };
  }
  if (/^\+?[\d\s()-]+$/.test(input.dialled) && digitsOf(input.dialled).length >= MIN_EXTERNAL_DIGITS) {
    return { kind: 'outbound', fromExtension: input.fromUser, number: input.dialled };
  }
  return { kind: 'reject', code: 404, reason: 'Unknown Number' };
}

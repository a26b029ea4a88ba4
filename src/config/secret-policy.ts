import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import type { Config } from './config-schema.js';
import { envNameOf } from './env-overrides.js';

/**
 * Secrets a real deployment must not run with, checked once at start-up outside the demo
 * (`demo: true`, allowed on loopback only). The schema checks shapes; this checks that
 * nobody else knows the value: no placeholder, nothing published in this repository, and
 * enough randomness. Strength is zxcvbn's estimate of guesses (common passwords, keyboard
 * runs, repeats, sequences, dates); a random string scores about one decimal digit per
 * character, so a 32-character random token scores about 32.
 */

export interface SecretIssue {
  path: (string | number)[];
  message: string;
}

/** A token or signing secret: at least this long, and at least 10^this guesses (about 100 bits). */
const SECRET_MIN_LENGTH = 32;
const SECRET_MIN_GUESSES_LOG10 = 30;
/** A SIP password is typed into phones: shorter, still out of an online guesser's reach. */
const SIP_PASSWORD_MIN_LENGTH = 12;
const SIP_PASSWORD_MIN_GUESSES_LOG10 = 10;

const SECRET_COMMAND = 'openssl rand -base64 32';
const SIP_PASSWORD_COMMAND = 'openssl rand -base64 12';

const PLACEHOLDER = /change[-_ ]?me/i;

/**
 * Values this repository has published (the demo configuration, earlier production
 * examples): anyone can read them, so no deployment may use them.
 */
const PUBLISHED = new Set([
  'demo-admin-token-change-me', 'demo-supervisor-token-change-me', 'demo-anna-token-change-me',
  'demo-session-secret-change-me-9348fb0539a2fa16',
  'anna-secret-101', 'boris-secret-102', 'vera-secret-103', 'change-me-101',
  'change-me-to-a-long-random-token', 'change-me-to-another-long-random-token', 'change-me-to-a-third-long-random-token',
  'change-me-openssl-rand-hex-32-change-me-change-me',
  'leadline-minio-secret',
  // console password hashes of the demo (head, anna) and of "change-me-now" in the old example
  'scrypt$32768$8$1$E7HFZ5uoDTKrpV++n3vGHA==$ykL5yJFxNka3DzqqXC4E/bikZmHcwhL6KowZfL4xkqg=',
  'scrypt$32768$8$1$m54yUBWniDr08lPmAQNXUQ==$EGg4uzQjJlJv1V/A6y0+R/70DvNVSdAFLKh4c+rwF3Q=',
  'scrypt$32768$8$1$bOgK1E9TO2zrdm/nsa1M+Q==$1DnQIxj4OwfgbwES3nhc8sm+LxgU3iSK/BwL16B3Tdg=',
]);

let estimator: ZxcvbnFactory | null = null;
/** Built on first use: loading the dictionaries takes a moment, and only start-up needs them. */
function guessesLog10(value: string): number {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(value).guessesLog10;
}

/** Every problem at once, so an operator fixes the file in one go. */
export function secretIssues(config: Config): SecretIssue[] {
  if (config.demo) return [];
  const issues: SecretIssue[] = [];
  const secret = (path: SecretIssue['path'], value: string | undefined, kind: 'secret' | 'sip') => {
    if (value === undefined) return;
    const problem = weakness(value, kind);
    if (problem) issues.push({ path, message: `${problem}: generate one with \`${kind === 'sip' ? SIP_PASSWORD_COMMAND : SECRET_COMMAND}\` (or set ${envNameOf(path)})` });
  };
  config.api.tokens.forEach((t, i) => secret(['api', 'tokens', i, 'token'], t.token, 'secret'));
  secret(['console', 'sessionSecret'], config.console.sessionSecret, 'secret');
  secret(['leads', 'secret'], config.leads.secret, 'secret');
  config.managers.forEach((m, i) => secret(['managers', i, 'password'], m.password, 'sip'));
  // Every other value: no placeholder and nothing published (hashes, storage keys, webhook secrets ...).
  const checked = new Set(issues.map((i) => i.path.join('.')));
  for (const [path, value] of strings(config, [])) {
    if (checked.has(path.join('.'))) continue;
    if (PLACEHOLDER.test(value)) issues.push({ path, message: `is a placeholder ("change-me"): put the real value here (or set ${envNameOf(path)})` });
    else if (PUBLISHED.has(value)) issues.push({ path, message: `is a value published in Leadline's repository: put your own here (or set ${envNameOf(path)})` });
  }
  return issues;
}

function weakness(value: string, kind: 'secret' | 'sip'): string | null {
  if (PLACEHOLDER.test(value)) return 'is a placeholder ("change-me")';
  if (PUBLISHED.has(value)) return "is a value published in Leadline's repository";
  const [minLength, minGuesses] = kind === 'sip' ? [SIP_PASSWORD_MIN_LENGTH, SIP_PASSWORD_MIN_GUESSES_LOG10] : [SECRET_MIN_LENGTH, SECRET_MIN_GUESSES_LOG10];
  if (value.length < minLength) return `is ${value.length} characters; at least ${minLength} random characters are needed`;
  if (guessesLog10(value) < minGuesses) return 'is too easy to guess (words, repeats, sequences or keyboard runs)';
  return null;
}

function* strings(value: unknown, path: (string | number)[]): Generator<[(string | number)[], string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

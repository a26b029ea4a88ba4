import { z } from 'zod';
import { apiRoles } from './api-roles.js';

/**
 * The supervisor console: who may sign in to the web pages, and how sessions are signed.
 * People sign in with a login and password; machines keep using api.tokens.
 */

/** The languages the console's pages are written in (web/src/i18n). */
export const CONSOLE_LANGUAGES = ['ru', 'en'] as const;

/** Offered on the board's pause button; the API still takes any reason (phones and the routing set their own). */
export const DEFAULT_PAUSE_REASONS = ['break', 'lunch', 'training', 'meeting', 'paperwork'];

const PASSWORD_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

export const consoleUserSchema = z.object({
  login: z.string().regex(/^[A-Za-z0-9._@-]{2,64}$/, 'a login is 2 to 64 letters, digits or . _ @ -'),
  name: z.string().min(1),
  role: z.enum(apiRoles),
  /** The manager a manager account belongs to (one of managers[].extension). */
  extension: z.string({ error: 'an extension is text: quote it, e.g. "101"' }).optional(),
  /** From `npm run console-password`; the password itself is never stored. */
  /** The console's language for this account; absent: the browser's (Russian or English). */
  language: z.enum(CONSOLE_LANGUAGES).optional(),
  passwordHash: z.string().regex(PASSWORD_HASH, 'must be a hash printed by `npm run console-password` (scrypt$N$r$p$salt$hash)'),
});

export const consoleSchema = z
  .object({
    /** Signs the session cookies; changing it signs everyone out. */
    sessionSecret: z.string().min(32, 'console.sessionSecret needs at least 32 characters (e.g. openssl rand -hex 32)').optional(),
    sessionHours: z.number().min(0.1).max(24 * 30).default(12),
    /** The built pages (npm run build:web writes them); served at /. */
    webDir: z.string().default('web/dist'),
    /** Link from a call to the client's lead in the CRM; {id} is the CRM's lead id. */
    leadUrlTemplate: z.string().includes('{id}', { message: 'must contain {id}, where the lead id goes' }).optional(),
    users: z.array(consoleUserSchema).default([]),
    /** The reasons a manager or supervisor picks from when pausing a manager on the board. */
    pauseReasons: z
      .array(z.string().trim().min(1).max(100, 'a pause reason is at most 100 characters'))
      .min(1, 'console.pauseReasons needs at least one reason')
      .max(30)
      .refine((r) => new Set(r).size === r.length, 'console.pauseReasons lists a reason twice')
      .default(() => [...DEFAULT_PAUSE_REASONS]),
    /** Minutes a missed call's client may wait for the call back before his task shows overdue. */
    callbackSlaMinutes: z.number().int().min(1).max(10_080).default(60),
    /** Quality control: calls picked per manager per finished day (twice for a weak one) and the checklist a supervisor scores. */
    review: z
      .object({
        perManagerPerDay: z.number().int().min(0).max(50).default(3),
        checklist: z
          .array(z.string().trim().min(1).max(80))
          .min(1, 'console.review.checklist needs at least one item')
          .max(30)
          .refine((c) => new Set(c).size === c.length, 'console.review.checklist lists an item twice')
          .default(() => ['greeting', 'needs found out', 'offer made', 'objections handled', 'next step agreed']),
      })
      .prefault({}),
    wallboard: z
      .object({
        /** Service level: the share of inbound calls answered within this many seconds (80/20 is the usual goal). */
        serviceLevelSeconds: z.number().int().min(1).max(3600).default(20),
        /** The hourly chart compares today with the same weekday of this many previous weeks. */
        historyWeeks: z.number().int().min(1).max(26).default(4),
      })
      .prefault({}),
  })
  .prefault({})
  .superRefine((c, ctx) => {
    if (c.users.length > 0 && c.sessionSecret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sessionSecret'], message: 'console.users can sign in only with a console.sessionSecret to sign their sessions' });
    }
    const seen = new Set<string>();
    c.users.forEach((u, i) => {
      if (seen.has(u.login)) ctx.addIssue({ code: 'custom', path: ['users', i, 'login'], message: `login "${u.login}" is used twice` });
      seen.add(u.login);
    });
  });

export type ConsoleConfig = z.infer<typeof consoleSchema>;
export type ConsoleUser = z.infer<typeof consoleUserSchema>;

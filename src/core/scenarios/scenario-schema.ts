import { z } from 'zod';
import { digitsOf } from '../phone/phone-number.js';
import { emptyWeek, findOverlap, parseDayKey, parseTimeRange, type TimeRange, type Weekday, type WeeklyHours } from './weekly-hours.js';

/**
 * One dial plan file (`dialplans/*.yaml`). The YAML uses snake_case keys, as
 * operators write them; the parsed Scenario uses camelCase, as the code reads it.
 * Every issue path stays in the YAML's own terms so parse-scenario.ts can find the
 * line it came from.
 */

// The strategies themselves live in the routing core; a scenario only names one.
import { STRATEGIES, type StrategyName } from '../routing/strategies.js';
export { STRATEGIES };
export type Strategy = StrategyName;

export const AFTER_HOURS_ACTIONS = ['voicemail', 'hangup', 'forward'] as const;

export interface StepSettings {
  /** Seconds one attempt rings before the next manager (or the next step) is tried. */
  ringTimeout: number;
  /** Seconds the caller may spend in this step in total. */
  maxWait: number;
  /** Seconds after a call before the manager is offered another one. */
  wrapUp: number;
  maxConcurrentCalls: number;
  skipBusy: boolean;
  /** Calls that may wait in this step's line at once (per service instance); the next caller goes to the next step, or is refused (486). */
  maxWaiting: number;
  /** What a caller waiting in this step's line hears; null: ringback only. */
  whileWaiting?: WhileWaiting | null;
}

export interface WhileWaiting {
  /** A file in sounds/, looped while the caller waits. */
  music: string | null;
  /** Every this many seconds, "you are number N in line" (recomputed from the line); null: never. */
  positionEvery: number | null;
}

/** The client's own manager: the CRM owner, else whoever last talked to the number within `days`. */
export interface StickyStep extends StepSettings {
  kind: 'sticky';
  days: number;
  crmOwner: boolean;
}

export interface GroupStep extends StepSettings {
  kind: 'group';
  group: string;
  strategy: Strategy;
}

export type Step = StickyStep | GroupStep;

/** Languages of the generated default prompts (sounds/default/<language>/). */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A voice mailbox: the prompt (a file in sounds/, absent: the default one) and the longest message. */
export interface Voicemail {
  prompt: string | null;
  maxSeconds: number;
}

export type AfterHours =
  | { action: 'voicemail'; message?: string; maxSeconds: number }
  | { action: 'hangup'; message?: string }
  | { action: 'forward'; to: string; message?: string };

/** Who gets the callback task for a missed call: the client's own manager first when `sticky`. */
export interface Callback {
  group: string;
  strategy: Strategy;
  sticky: boolean;
}

export interface Scenario {
  name: string;
  numbers: string[];
  timezone: string;
  /** Null when the file gives no hours: always open, except on holidays. */
  hours: WeeklyHours | null;
  /** "YYYY-MM-DD" for one day, "MM-DD" for the same day every year. */
  holidays: string[];
  afterHours: AfterHours;
  groups: Record<string, string[]>;
  steps: Step[];
  missed: { callback: Callback | null; event: boolean; voicemail?: Voicemail | null };
  /** Played once to every caller before the first ring (early media), then `recordingNotice`. */
  greeting?: string | null;
  recordingNotice?: string | null;
  /** Language of the default prompts (position in line, voicemail). */
  language?: Language;
  /** "Press 1 for sales, 2 for support": played after the welcome, before the first ring. */
  menu?: Menu | null;
}

/** A DTMF menu: one digit picks the step the call starts at. */
export interface Menu {
  /** A file in sounds/. */
  prompt: string;
  /** Key (0-9, *, #) -> index in `steps` (0-based). */
  options: Record<string, number>;
  /** Seconds to wait for a digit after the prompt has played. */
  timeout: number;
  /** Times the prompt plays again after no digit or an unknown one. */
  repeats: number;
  /** The option taken when the caller chose nothing; null: the first step. */
  defaultDigit: string | null;
}

/** Longest voicemail message unless the scenario says otherwise. */
export const DEFAULT_VOICEMAIL_SECONDS = 120;

// YAML reads 101 and +74951234567 as numbers (dropping the +), so ask for quotes.
const quoted = { error: (issue: { input?: unknown }) => (typeof issue.input === 'number' ? `write ${issue.input} in quotes: "${issue.input}"` : undefined) };
const phoneNumber = z.string(quoted).regex(/^\+?\d{2,20}$/, 'must be a phone number: digits, optionally starting with +');
const extension = z.string(quoted).regex(/^\d{2,6}$/, 'an extension is 2 to 6 digits');
const groupName = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a group name is lower-case letters, digits, - or _');
const strategy = z.enum(STRATEGIES, { error: `the strategy must be one of ${STRATEGIES.join(', ')}` });
const wholeNumber = (min: number, max: number) => z.number().int().min(min).max(max);
/**
 * A file in sounds/ (WAV or MP3), by its path there. Only plain relative paths:
 * the name reaches the media server, so nothing may climb out of the directory.
 */
export const soundFile = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\/-]*\.(wav|mp3)$/i, 'a sound is a .wav or .mp3 file in sounds/, by its path there (letters, digits, _ . - /)')
  .refine((name) => !name.split('/').includes('..'), 'a sound path may not contain ".."');
const maxSeconds = wholeNumber(5, 600);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A recurring "MM-DD" is checked against a leap year so 02-29 is accepted. */
function isCalendarDate(text: string): boolean {
  const full = text.length === 5 ? `2000-${text}` : text;
  const date = new Date(`${full}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(full);
}

const holiday = z
  .string()
  .regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'a holiday is a date "YYYY-MM-DD", or "MM-DD" for every year')
  .refine(isCalendarDate, 'this date does not exist');

const hoursSchema = z
  .record(z.string(), z.union([z.string(), z.array(z.string()).min(1)], { error: 'give "HH:MM-HH:MM" or a list of them' }))
  .transform((raw, ctx): WeeklyHours => {
    const week = emptyWeek();
    const givenBy = new Map<Weekday, string>();
    const entries = Object.entries(raw);
    if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'hours lists no day: remove the block to stay always open', path: [] });
    for (const [key, value] of entries) {
      const days = parseDayKey(key);
      if (typeof days === 'string') ctx.addIssue({ code: 'custom', message: days, path: [key] });
      const ranges: TimeRange[] = [];
      const texts = typeof value === 'string' ? [value] : value;
      texts.forEach((text, i) => {
        const range = parseTimeRange(text);
        if (typeof range === 'string') ctx.addIssue({ code: 'custom', message: range, path: typeof value === 'string' ? [key] : [key, i] });
        else ranges.push(range);
      });
      if (findOverlap(ranges)) ctx.addIssue({ code: 'custom', message: `the ranges for "${key}" overlap`, path: [key] });
      if (typeof days === 'string') continue;
      for (const day of days) {
        const other = givenBy.get(day);
        if (other) ctx.addIssue({ code: 'custom', message: `${day} is already given by "${other}"`, path: [key] });
        givenBy.set(day, key);
        week[day] = [...ranges].sort((a, b) => a.from - b.from);
      }
    }
    return week;
  });

const afterHoursSchema = z
  .strictObject({
    action: z.enum(AFTER_HOURS_ACTIONS, { error: `the action must be one of ${AFTER_HOURS_ACTIONS.join(', ')}` }),
    to: phoneNumber.optional(),
    /** The announcement played first (for voicemail: the prompt before the beep), a file in sounds/. */
    message: soundFile.optional(),
    max_seconds: maxSeconds.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.action !== 'voicemail' && v.max_seconds !== undefined) ctx.addIssue({ code: 'custom', message: '"max_seconds" is only used with action: voicemail', path: ['max_seconds'] });
    if (v.action === 'forward' && !v.to) ctx.addIssue({ code: 'custom', message: 'forward needs a number in "to"', path: ['action'] });
    if (v.action !== 'forward' && v.to) ctx.addIssue({ code: 'custom', message: '"to" is only used with action: forward', path: ['to'] });
  })
  .transform((v): AfterHours =>
    v.action === 'forward'
      ? { action: 'forward', to: v.to!, message: v.message }
      : v.action === 'voicemail'
        ? { action: 'voicemail', message: v.message, maxSeconds: v.max_seconds ?? DEFAULT_VOICEMAIL_SECONDS }
        : { action: v.action, message: v.message },
  );

const whileWaitingSchema = z
  .strictObject({
    music: soundFile.optional(),
    position_every: wholeNumber(10, 600).optional(),
  })
  .refine((w) => w.music !== undefined || w.position_every !== undefined, 'give "music", "position_every" or both')
  .transform((w): WhileWaiting => ({ music: w.music ?? null, positionEvery: w.position_every ?? null }));

const voicemailSchema = z
  .union([z.boolean(), z.strictObject({ prompt: soundFile.optional(), max_seconds: maxSeconds.default(DEFAULT_VOICEMAIL_SECONDS) })], {
    error: 'voicemail is true, false or { prompt, max_seconds }',
  })
  .transform((v): Voicemail | null => (v === false ? null : v === true ? { prompt: null, maxSeconds: DEFAULT_VOICEMAIL_SECONDS } : { prompt: v.prompt ?? null, maxSeconds: v.max_seconds }));

const stepSchema = z
  .strictObject({
    sticky: z
      .strictObject({
        days: wholeNumber(1, 365).default(30),
        /** False skips the CRM look-up and uses only the call history. */
        crm_owner: z.boolean().default(true),
      })
      .optional(),
    group: groupName.optional(),
    strategy: strategy.optional(),
    ring_timeout: wholeNumber(1, 300).default(15),
    max_wait: wholeNumber(1, 3600).default(60),
    // Zero is allowed: some teams want the next call offered at once.
    wrap_up: wholeNumber(0, 3600).default(10),
    max_concurrent: wholeNumber(1, 10).default(1),
    skip_busy: z.boolean().default(true),
    // A trunk flooding the line must not hold unbounded transactions (issue 11).
    max_waiting: wholeNumber(1, 10_000).default(200),
    while_waiting: whileWaitingSchema.optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.sticky === undefined) === (s.group === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a step is either "sticky: {...}" or "group: <name>", exactly one of them', path: [] });
    }
    if (s.sticky === undefined && s.group !== undefined && s.strategy === undefined) ctx.addIssue({ code: 'custom', message: 'a group step needs a strategy', path: ['group'] });
    if (s.sticky !== undefined && s.strategy !== undefined) ctx.addIssue({ code: 'custom', message: 'a sticky step rings one manager: remove the strategy', path: ['strategy'] });
    if (s.ring_timeout > s.max_wait) ctx.addIssue({ code: 'custom', message: `ring_timeout (${s.ring_timeout}) cannot exceed max_wait (${s.max_wait})`, path: ['ring_timeout'] });
  })
  .transform((s): Step => {
    const settings: StepSettings = {
      ringTimeout: s.ring_timeout,
      maxWait: s.max_wait,
      wrapUp: s.wrap_up,
      maxConcurrentCalls: s.max_concurrent,
      skipBusy: s.skip_busy,
      maxWaiting: s.max_waiting,
      whileWaiting: s.while_waiting ?? null,
    };
    return s.sticky
      ? { kind: 'sticky', days: s.sticky.days, crmOwner: s.sticky.crm_owner, ...settings }
      : { kind: 'group', group: s.group!, strategy: s.strategy!, ...settings };
  });

const menuKey = z.string().regex(/^[0-9*#]$/, 'a menu key is one of 0-9, * or # (quote it: "1")');
/** A step by number (1 = the first step) or a group by name (the first step ringing it). */
const menuTarget = z.union([z.number().int().min(1).max(100), groupName], { error: 'an option is a step number (1 = the first step) or a group name' });
const menuSchema = z.strictObject({
  prompt: soundFile,
  // YAML reads "1:" as a number key; JavaScript objects keep every key as a string.
  options: z.record(z.string(), menuTarget).superRefine((o, ctx) => {
    const keys = Object.keys(o);
    if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'a menu needs at least one option', path: [] });
    for (const key of keys) if (!menuKey.safeParse(key).success) ctx.addIssue({ code: 'custom', message: `"${key.slice(0, 20)}" is no menu key: a key is one of 0-9, * or # (quote it: "1")`, path: [key] });
  }),
  timeout: wholeNumber(1, 60).default(5),
  repeat: wholeNumber(0, 3).default(1),
  default: menuKey.optional(),
});

const callbackSchema = z.strictObject({
  group: groupName,
  strategy: strategy.default('round-robin'),
  sticky: z.boolean().default(true),
});

const missedSchema = z.strictObject({
  /** False: no callback task. Absent: the first group step's group, round-robin. */
  callback: z.union([z.literal(false), callbackSchema], { error: 'callback is false or { group, strategy, sticky }' }).optional(),
  event: z.boolean().default(true),
  /** Offer the caller a voice mailbox when nobody answered. */
  voicemail: voicemailSchema.optional(),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a name is lower-case letters, digits and -'),
    numbers: z.array(phoneNumber).min(1, 'a scenario serves at least one company number'),
    timezone: z.string().refine(isTimeZone, 'not an IANA time zone (for example Europe/Moscow)'),
    hours: hoursSchema.optional(),
    holidays: z.array(holiday).default([]),
    after_hours: afterHoursSchema.default({ action: 'voicemail', maxSeconds: DEFAULT_VOICEMAIL_SECONDS }),
    groups: z.record(groupName, z.array(extension).min(1, 'a group needs at least one manager')).default({}),
    steps: z.array(stepSchema).min(1, 'a scenario needs at least one step'),
    missed: missedSchema.prefault({}),
    greeting: soundFile.optional(),
    recording_notice: soundFile.optional(),
    language: z.enum(LANGUAGES, { error: `the language must be one of ${LANGUAGES.join(', ')}` }).default('en'),
    menu: menuSchema.optional(),
  })
  // Cross-references are checked here, not in a refine: zod runs an outer refine even
  // after an inner one failed, when the steps are still raw input; a transform runs
  // only once everything inside is valid.
  .transform((s, ctx): Scenario => {
    let valid = true;
    const problem = (message: string, path: PropertyKey[]) => {
      ctx.addIssue({ code: 'custom', message, path });
      valid = false;
    };
    const digits = new Set<string>();
    s.numbers.forEach((n, i) => {
      const d = digitsOf(n);
      if (digits.has(d)) problem(`${n} is listed twice`, ['numbers', i]);
      digits.add(d);
    });
    for (const [name, members] of Object.entries(s.groups)) {
      members.forEach((m, i) => {
        if (members.indexOf(m) !== i) problem(`${m} is listed twice in ${name}`, ['groups', name, i]);
      });
    }
    s.steps.forEach((step, i) => {
      if (step.kind === 'group' && !(step.group in s.groups)) problem(unknownGroup(step.group, s.groups), ['steps', i, 'group']);
    });
    const callback = s.missed.callback;
    if (callback && !(callback.group in s.groups)) problem(unknownGroup(callback.group, s.groups), ['missed', 'callback', 'group']);
    if (callback === undefined && !s.steps.some((step) => step.kind === 'group')) {
      problem('no group step to take callbacks: name missed.callback.group, or write callback: false', ['missed']);
    }
    let menu: Menu | null = null;
    if (s.menu) {
      const options: Record<string, number> = {};
      for (const [key, target] of Object.entries(s.menu.options)) {
        const step = menuStep(target, s.steps, s.groups);
        if (typeof step === 'string') problem(step, ['menu', 'options', key]);
        else options[key] = step;
      }
      const fallback = s.menu.default;
      if (fallback !== undefined && !Object.hasOwn(s.menu.options, fallback)) problem(`the default "${fallback}" is not one of the options (${Object.keys(s.menu.options).join(', ')})`, ['menu', 'default']);
      menu = { prompt: s.menu.prompt, options, timeout: s.menu.timeout, repeats: s.menu.repeat, defaultDigit: fallback ?? null };
    }
    if (!valid) return z.NEVER;
    const firstGroup = s.steps.find((step): step is GroupStep => step.kind === 'group');
    return {
      name: s.name,
      numbers: s.numbers,
      timezone: s.timezone,
      hours: s.hours ?? null,
      holidays: s.holidays,
      afterHours: s.after_hours,
      groups: s.groups,
      steps: s.steps,
      missed: {
        callback: callback === false ? null : (callback ?? { group: firstGroup!.group, strategy: 'round-robin', sticky: true }),
        event: s.missed.event,
        voicemail: s.missed.voicemail ?? null,
      },
      greeting: s.greeting ?? null,
      recordingNotice: s.recording_notice ?? null,
      language: s.language,
      menu,
    };
  });

/** What a file may contain (snake_case, defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

function menuStep(target: number | string, steps: Step[], groups: Record<string, string[]>): number | string {
  if (typeof target === 'number') return target <= steps.length ? target - 1 : `there is no step ${target}: the scenario has ${steps.length}`;
  if (!(target in groups)) return unknownGroup(target, groups);
  const i = steps.findIndex((step) => step.kind === 'group' && step.group === target);
  return i >= 0 ? i : `no step rings the group "${target}": add a step with group: ${target}`;
}

function unknownGroup(name: string, groups: Record<string, string[]>): string {
  const known = Object.keys(groups);
  return `no group "${name}" in groups${known.length ? ` (there are: ${known.join(', ')})` : ''}`;
}

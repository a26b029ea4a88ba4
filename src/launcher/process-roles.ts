/**
 * What one Leadline process does (`src/main.ts --role ROLE`, docs/processes.md):
 * - launcher: the router, plus the daemons and the workers it supervises (default);
 * - router: answers Kamailio, keeps live state, serves HTTP; workers run elsewhere;
 * - all: everything in one process (development, small tests);
 * - recordings: converts and stores recordings (idle CPU priority);
 * - webhooks: delivers CRM webhooks.
 */
export const PROCESS_ROLES = ['launcher', 'router', 'all', 'recordings', 'webhooks'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];
export type WorkerRole = Extract<ProcessRole, 'recordings' | 'webhooks'>;

export function isWorkerRole(role: ProcessRole): role is WorkerRole {
  return role === 'recordings' || role === 'webhooks';
}

/** `--role NAME` from the command line; `launcher` without it. */
export function roleFromArgs(argv: readonly string[]): ProcessRole {
  const i = argv.indexOf('--role');
  const role = i >= 0 ? argv[i + 1] : 'launcher';
  if (!PROCESS_ROLES.includes(role as ProcessRole)) {
    throw new Error(`Unknown role "${role}": use one of ${PROCESS_ROLES.join(', ')}.`);
  }
  return role as ProcessRole;
}

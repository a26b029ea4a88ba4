/**
 * admin: everything; supervisor: every manager's calls, states and pauses, the queues
 * and scenarios; manager: the managers' states, his own calls, his own pause.
 * Shared by API tokens and console accounts.
 */
export const apiRoles = ['admin', 'supervisor', 'manager'] as const;
export type ApiRole = (typeof apiRoles)[number];

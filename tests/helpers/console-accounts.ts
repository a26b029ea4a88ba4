/**
 * Console accounts for tests: a supervisor and two managers, with their passwords and
 * the hashes `npm run console-password` printed for them.
 */
export const CONSOLE_SESSION_SECRET = 'console-session-secret-for-tests-0123456789';

export const CONSOLE_ACCOUNTS = {
  head: { login: 'head', name: 'Head of sales', role: 'supervisor', password: 'head-password-1',
    passwordHash: 'scrypt$32768$8$1$x3YnUB+BxYhvyzFofVnkrA==$eEDIAU2+qmAlOAsM7/Wx/63CiBligWltuXL3AYZ4hFk=' },
  anna: { login: 'anna', name: 'Anna', role: 'manager', extension: '101', password: 'anna-password-1',
    passwordHash: 'scrypt$32768$8$1$bqaiREiJHFfZAMbV+fbwag==$zWJw+xQMI35n9104Jv6TX9zrX37NGxMvtlUhuytYLrA=' },
  boris: { login: 'boris', name: 'Boris', role: 'manager', extension: '102', password: 'boris-password-1',
    passwordHash: 'scrypt$32768$8$1$xfSrMBdh54PUeDalDz4xGg==$ORa/WNurpE6DPNkuvQTbmfR0KhKPX1631rd3gNYeyuc=' },
} as const;

/** The `console` config section with those accounts (passwords left out). */
export function consoleSection(extra: Record<string, unknown> = {}) {
  return {
    sessionSecret: CONSOLE_SESSION_SECRET,
    users: Object.values(CONSOLE_ACCOUNTS).map(({ password: _password, ...user }) => user),
    ...extra,
  };
}

/** The console's session cookie: a JWT naming the signed-in login, HttpOnly and SameSite=Strict. */
export const SESSION_COOKIE = 'leadline_session';

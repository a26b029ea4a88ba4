import { errorRef } from './error-response.js';

/** What every /api route declares in its schema, so the OpenAPI document shows both ways in (a token or a console session) and these replies. */
export const bearerSecurity = [{ bearerAuth: [] }, { sessionCookie: [] }] as const;

/** Replies any /api route can give besides its own: no or a bad token, too many requests, a failure. */
export const authErrors = { 401: errorRef, 429: errorRef, 500: errorRef } as const;

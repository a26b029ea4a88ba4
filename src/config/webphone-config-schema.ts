import { z } from 'zod';

/** An origin as a browser sends it: scheme, host, optional port; nothing else. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const origin = z.string().regex(ORIGIN, 'an origin is scheme://host[:port] with nothing after it, e.g. https://crm.example.com');

/**
 * webphone: the browser phone (docs/browser-phone.md). Kamailio takes SIP over WebSocket
 * on its own port; a signed-in manager gets short-lived credentials for his extension
 * (HMAC of the expiry and the extension, checked by Kamailio's auth_ephemeral), never
 * his SIP password.
 */
export const webphoneSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Where Kamailio listens for SIP over WebSocket (plain ws: put TLS in front for wss). */
    listen: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address such as 127.0.0.1').default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(5066),
    /**
     * The address the browser opens (ws:// or wss://). Default: ws://listen:port, which a
     * browser accepts only from a console on plain HTTP on the same machine; behind a TLS
     * proxy set it to that proxy's wss:// URL.
     */
    publicUrl: z.string().regex(/^wss?:\/\/[^\s"'<>]+$/, 'must be a ws:// or wss:// URL').optional(),
    /** How long one set of credentials is valid; the phone fetches new ones before they lapse. */
    credentialTtlSeconds: z.number().int().min(60).max(86_400).default(900),
    /**
     * Pages whose scripts may open the WebSocket (the Origin header of the handshake).
     * Default: the console's own origin (http://http.host:http.port).
     */
    allowedOrigins: z.array(origin).default([]),
    /**
     * Sites that may embed /phone in an iframe (the CRM's client card): the page's
     * Content-Security-Policy frame-ancestors. Empty: /phone cannot be embedded.
     */
    embedOrigins: z.array(origin).default([]),
  })
  .prefault({});

export type WebphoneConfig = z.infer<typeof webphoneSchema>;

import { z } from 'zod';

const port = z.number().int().min(1).max(65535);
/** A file path: one line, no quotes or `$` (it is written into Kamailio's config as it is). */
const filePath = z.string().min(1).regex(/^[^\s"'$\\]+$/, 'a file path without spaces, quotes, "$" or "\\"');

/**
 * sip.tls: phones over SIP/TLS on their own port (docs/remote-phones.md). Without a
 * certificate and key the service makes a self-signed pair in its run directory at the
 * first start and keeps it (phones then trust it by fingerprint or accept any).
 * Media to and from a phone on TLS is SRTP (SDES keys, which only TLS keeps secret);
 * rtpengine bridges it to plain RTP toward the trunks and the recording.
 */
export const sipTlsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** TCP port of the TLS listener, on sip.listen. */
    port: port.default(5061),
    /** PEM certificate (chain) Kamailio presents; with privateKey, or neither. */
    certificate: filePath.optional(),
    /** PEM private key of the certificate. */
    privateKey: filePath.optional(),
  })
  .prefault({})
  .superRefine((tls, ctx) => {
    if ((tls.certificate === undefined) !== (tls.privateKey === undefined)) {
      const missing = tls.certificate === undefined ? 'certificate' : 'privateKey';
      ctx.addIssue({ code: 'custom', path: [missing], message: `sip.tls needs certificate and privateKey together (or neither, for a self-signed pair made at start-up): ${missing} is missing` });
    }
  });

export type SipTlsConfig = z.infer<typeof sipTlsSchema>;

/**
 * The TCP ports Kamailio would listen on for SIP must all differ when they share the address:
 * SIP over TCP on sip.port, TLS on sip.tls.port, the browser phone's WebSocket.
 */
export function checkSipTcpPorts(
  config: { sip: { listen: string; port: number; tcp: boolean; tls: SipTlsConfig }; webphone: { enabled: boolean; listen: string; port: number } },
  ctx: z.RefinementCtx,
): void {
  const { sip, webphone } = config;
  const ws = webphone.enabled && webphone.listen === sip.listen ? webphone.port : null;
  if (sip.tls.enabled && sip.tcp && sip.tls.port === sip.port) {
    ctx.addIssue({ code: 'custom', path: ['sip', 'tls', 'port'], message: `${sip.tls.port} is also sip.port, where sip.tcp listens for plain SIP over TCP: TLS needs a port of its own (5061 is the usual one)` });
  }
  if (sip.tls.enabled && ws === sip.tls.port) {
    ctx.addIssue({ code: 'custom', path: ['sip', 'tls', 'port'], message: `${sip.tls.port} is also webphone.port on the same address: TLS and the browser phone's WebSocket need a port each` });
  }
  if (sip.tcp && ws === sip.port) {
    ctx.addIssue({ code: 'custom', path: ['webphone', 'port'], message: `${webphone.port} is also sip.port, where sip.tcp listens for SIP over TCP: the browser phone's WebSocket needs a port of its own` });
  }
}

import { resolve } from 'node:path';
import type { Config } from '../../config/config-schema.js';

export interface SipTlsFiles {
  certificate: string;
  privateKey: string;
  /** True when no pair is configured: the service makes (and keeps) a self-signed one here. */
  selfSigned: boolean;
}

/**
 * Where Kamailio finds its TLS certificate and key: the configured pair, or the
 * self-signed one in the run directory (which Kamailio shares with the service, also
 * in containers). Never in the repository.
 */
export function sipTlsFiles(config: Config): SipTlsFiles {
  const { certificate, privateKey } = config.sip.tls;
  if (certificate !== undefined && privateKey !== undefined) {
    return { certificate: resolve(certificate), privateKey: resolve(privateKey), selfSigned: false };
  }
  const dir = resolve(config.paths.runDir, 'tls');
  return { certificate: resolve(dir, 'sip-self-signed.crt'), privateKey: resolve(dir, 'sip-self-signed.key'), selfSigned: true };
}

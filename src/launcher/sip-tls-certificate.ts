import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { sipTlsFiles, type SipTlsFiles } from '../adapters/kamailio/sip-tls-files.js';
import { StartupError } from '../core/errors/app-error.js';
import { requireBinary } from './preflight.js';
import { makePrivateDir } from './private-files.js';

const run = promisify(execFile);
const DAY_MS = 86_400_000;
/** A self-signed pair this close to its end is made anew at start-up. */
const RENEW_WITHIN_DAYS = 30;
const SELF_SIGNED_DAYS = 3650;

export interface PreparedTls extends SipTlsFiles {
  /** SHA-256 fingerprint of the certificate (what a phone may pin). */
  fingerprint: string;
  validTo: Date;
}

/**
 * Before Kamailio starts with sip.tls: the configured certificate and key are read and
 * must belong together and be valid now (Kamailio itself would only log an OpenSSL error
 * and exit); without a configured pair a self-signed one is made once in the run directory
 * with openssl and kept across restarts, so phones that pinned it keep trusting it.
 */
export async function prepareSipTls(config: Config, log: Logger, now = new Date()): Promise<PreparedTls | null> {
  if (!config.sip.tls.enabled) return null;
  const files = sipTlsFiles(config);
  if (!files.selfSigned) {
    const checked = checkPair(files, now);
    if (typeof checked === 'string') throw new StartupError('TLS_CERTIFICATE', `sip.tls: ${checked}`);
    if (checked.validTo.getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS) {
      log.warn({ certificate: files.certificate, validTo: checked.validTo.toISOString() }, 'the SIP TLS certificate expires within 30 days: renew it');
    }
    return { ...files, ...checked };
  }
  if (existsSync(files.certificate) && existsSync(files.privateKey)) {
    const kept = checkPair(files, now);
    if (typeof kept !== 'string' && kept.validTo.getTime() - now.getTime() >= RENEW_WITHIN_DAYS * DAY_MS) return { ...files, ...kept };
    log.warn({ certificate: files.certificate, problem: typeof kept === 'string' ? kept : 'expires within 30 days' }, 'making a new self-signed SIP TLS certificate');
  }
  await makeSelfSigned(config, files);
  // Checked at the time openssl made it: its validity starts then, to the second.
  const made = checkPair(files, new Date(Math.max(now.getTime(), Date.now())));
  if (typeof made === 'string') throw new StartupError('TLS_CERTIFICATE', `the self-signed certificate openssl made is not usable: ${made}`);
  log.info({ certificate: files.certificate, fingerprint: made.fingerprint, validTo: made.validTo.toISOString() }, 'made a self-signed SIP TLS certificate (set sip.tls.certificate and privateKey for one a CA signed)');
  return { ...files, ...made };
}

/** The pair's fingerprint and end of validity, or what is wrong with it. */
export function checkPair(files: { certificate: string; privateKey: string }, now: Date): { fingerprint: string; validTo: Date } | string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(files.certificate));
  } catch (err) {
    return `certificate ${files.certificate} cannot be read as a PEM certificate (${(err as Error).message})`;
  }
  let key;
  try {
    key = createPrivateKey(readFileSync(files.privateKey));
  } catch (err) {
    return `private key ${files.privateKey} cannot be read as an unencrypted PEM key (${(err as Error).message})`;
  }
  if (!cert.checkPrivateKey(key)) return `private key ${files.privateKey} does not belong to certificate ${files.certificate}`;
  const validTo = new Date(cert.validTo);
  if (validTo.getTime() <= now.getTime()) return `certificate ${files.certificate} expired on ${validTo.toISOString()}`;
  if (new Date(cert.validFrom).getTime() > now.getTime()) return `certificate ${files.certificate} is valid only from ${new Date(cert.validFrom).toISOString()}`;
  return { fingerprint: cert.fingerprint256, validTo };
}

/** RSA 2048 (what every desk phone and softphone accepts), named for the domain and the addresses phones use. */
async function makeSelfSigned(config: Config, files: SipTlsFiles): Promise<void> {
  const openssl = requireBinary('openssl', 'openssl');
  makePrivateDir(dirname(files.privateKey));
  const names = [`IP:${config.sip.listen}`];
  if (config.sip.advertise) names.push(`IP:${config.sip.advertise}`);
  if (/^[A-Za-z0-9.-]+$/.test(config.sip.domain)) names.unshift(`DNS:${config.sip.domain}`);
  const cn = /^[A-Za-z0-9.-]+$/.test(config.sip.domain) ? config.sip.domain : config.sip.listen;
  const keyTmp = `${files.privateKey}.new`;
  const certTmp = `${files.certificate}.new`;
  try {
    await run(openssl, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', String(SELF_SIGNED_DAYS),
      '-subj', `/O=Leadline/CN=${cn}`, '-addext', `subjectAltName=${names.join(',')}`,
      '-keyout', keyTmp, '-out', certTmp,
    ], { timeout: 30_000 });
    chmodSync(keyTmp, 0o600);
    renameSync(keyTmp, files.privateKey);
    renameSync(certTmp, files.certificate);
  } catch (err) {
    throw new StartupError('TLS_CERTIFICATE', `openssl could not make a self-signed certificate in ${dirname(files.certificate)}: ${(err as Error).message}`, { cause: err });
  } finally {
    rmSync(keyTmp, { force: true });
    rmSync(certTmp, { force: true });
  }
}

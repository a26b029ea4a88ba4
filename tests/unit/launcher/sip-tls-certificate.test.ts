import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { sipTlsFiles } from '../../../src/adapters/kamailio/sip-tls-files.js';
import { prepareSipTls } from '../../../src/launcher/sip-tls-certificate.js';
import { CONFIG_HEAD } from '../../helpers/config-head.js';

const log = pino({ level: 'silent' });
const DAY_MS = 86_400_000;

function configIn(dir: string, tls: string) {
  return parseConfig(`${CONFIG_HEAD}sip:
  listen: 10.0.0.5
  advertise: 203.0.113.5
  domain: pbx.example.com
  tls: ${tls}
paths: { runDir: ${dir}/run }
`);
}

function makePair(dir: string, name: string, days = 30): { certificate: string; privateKey: string } {
  const certificate = join(dir, `${name}.crt`);
  const privateKey = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', String(days), '-subj', `/CN=${name}`, '-keyout', privateKey, '-out', certificate], { stdio: 'ignore' });
  return { certificate, privateKey };
}

describe('the SIP TLS certificate at start-up', () => {
  it('does nothing while TLS is off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadline-tls-'));
    expect(await prepareSipTls(configIn(dir, '{ enabled: false }'), log)).toBeNull();
  });

  it('makes a self-signed pair for the domain and addresses once, private to the service, and keeps it across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadline-tls-'));
    const config = configIn(dir, '{ enabled: true }');
    const made = (await prepareSipTls(config, log))!;
    expect(made.certificate).toBe(sipTlsFiles(config).certificate);
    expect(statSync(made.privateKey).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(readFileSync(made.certificate));
    expect(cert.subject).toContain('CN=pbx.example.com');
    expect(cert.subjectAltName).toBe('DNS:pbx.example.com, IP Address:10.0.0.5, IP Address:203.0.113.5');
    expect(made.validTo.getTime() - Date.now()).toBeGreaterThan(3600 * DAY_MS);
    expect(made.fingerprint).toBe(cert.fingerprint256);

    const again = (await prepareSipTls(config, log))!;
    expect(again.fingerprint).toBe(made.fingerprint);
    // Near its end (30 days), the next start makes a new one.
    const later = (await prepareSipTls(config, log, new Date(made.validTo.getTime() - 10 * DAY_MS)))!;
    expect(later.fingerprint).not.toBe(made.fingerprint);
  });

  it('replaces a self-signed pair whose key was damaged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadline-tls-'));
    const config = configIn(dir, '{ enabled: true }');
    const made = (await prepareSipTls(config, log))!;
    writeFileSync(made.privateKey, 'not a key');
    const again = (await prepareSipTls(config, log))!;
    expect(again.fingerprint).not.toBe(made.fingerprint);
  });

  it('takes a configured pair as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadline-tls-'));
    const pair = makePair(dir, 'ca-signed');
    const ready = (await prepareSipTls(configIn(dir, `{ enabled: true, certificate: ${pair.certificate}, privateKey: ${pair.privateKey} }`), log))!;
    expect(ready).toMatchObject({ ...pair, selfSigned: false, fingerprint: new X509Certificate(readFileSync(pair.certificate)).fingerprint256 });
  });

  it.each([
    ['a missing certificate', (d: string) => ({ certificate: join(d, 'none.crt'), privateKey: makePair(d, 'a').privateKey }), /STARTUP\.TLS_CERTIFICATE|sip\.tls: certificate .*none\.crt cannot be read/],
    ['a key of another certificate', (d: string) => ({ certificate: makePair(d, 'a').certificate, privateKey: makePair(d, 'b').privateKey }), /sip\.tls: private key .*b\.key does not belong to certificate .*a\.crt/],
  ])('refuses %s with the file named', async (_, pairIn, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'leadline-tls-'));
    const pair = pairIn(dir);
    await expect(prepareSipTls(configIn(dir, `{ enabled: true, certificate: ${pair.certificate}, privateKey: ${pair.privateKey} }`), log)).rejects.toThrow(message);
  });

  it('refuses an expired configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadline-tls-'));
    const pair = makePair(dir, 'short', 1);
    const config = configIn(dir, `{ enabled: true, certificate: ${pair.certificate}, privateKey: ${pair.privateKey} }`);
    await expect(prepareSipTls(config, log, new Date(Date.now() + 2 * DAY_MS))).rejects.toMatchObject({ code: 'STARTUP.TLS_CERTIFICATE', message: expect.stringMatching(/short\.crt expired on/) });
  });
});

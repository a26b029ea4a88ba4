import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { renderKamailioConfig } from '../../../src/adapters/kamailio/render-config.js';
import { sipTlsFiles } from '../../../src/adapters/kamailio/sip-tls-files.js';
import { CONFIG_HEAD } from '../../helpers/config-head.js';

/** Lines 1-9 are the head; the sip section's own lines start at 10. */
const config = (sip: string, more = '') => `${CONFIG_HEAD}sip:
  listen: 10.0.0.5
${sip}${more}`;

describe('SIP over TCP and TLS in the configuration', () => {
  it('is off by default: UDP only, no TCP at all, no tls module', () => {
    const c = parseConfig(config(''));
    expect(c.sip.tcp).toBe(false);
    expect(c.sip.tls).toEqual({ enabled: false, port: 5061 });
    const cfg = renderKamailioConfig(c);
    expect(cfg).toContain('# (no SIP over TCP)\n# (no TLS)\n');
    expect(cfg).not.toMatch(/^#!define WITH_TCP$/m);
  });

  it('listens for TCP on the SIP port and TLS on its own port, with the self-signed pair in the run directory', () => {
    const c = parseConfig(config('  tcp: true\n  tls: { enabled: true }\n'));
    const cfg = renderKamailioConfig(c);
    expect(cfg).toMatch(/^#!define WITH_SIP_TCP$/m);
    expect(cfg).toMatch(/^#!define WITH_TLS$/m);
    expect(cfg).toMatch(/^#!define WITH_TCP$/m);
    expect(cfg).toContain('listen=tcp:10.0.0.5:5060\n');
    expect(cfg).toContain('listen=tls:10.0.0.5:5061\n');
    expect(cfg).toContain('alias="10.0.0.5:5061"');
    const files = sipTlsFiles(c);
    expect(files).toEqual({ certificate: resolve(c.paths.runDir, 'tls/sip-self-signed.crt'), privateKey: resolve(c.paths.runDir, 'tls/sip-self-signed.key'), selfSigned: true });
    expect(cfg).toContain(`modparam("tls", "certificate", "${files.certificate}")`);
    expect(cfg).toContain(`modparam("tls", "private_key", "${files.privateKey}")`);
    // The tls module comes before any other module that may use OpenSSL (db_postgres's libpq).
    expect(cfg.indexOf('loadmodule "tls.so"')).toBeLessThan(cfg.indexOf('loadmodule "db_postgres.so"'));
    expect(cfg.indexOf('loadmodule "tls.so"')).toBeLessThan(cfg.indexOf('loadmodule "kex.so"'));
  });

  it('takes a configured certificate and key, and advertises the public address on TLS too', () => {
    const c = parseConfig(config('  advertise: 203.0.113.5\n  tls: { enabled: true, port: 5081, certificate: /etc/leadline/sip.crt, privateKey: /etc/leadline/sip.key }\n'));
    const cfg = renderKamailioConfig(c);
    expect(cfg).toContain('listen=tls:10.0.0.5:5081 advertise 203.0.113.5:5081\n');
    expect(cfg).toContain('alias="203.0.113.5:5081"');
    expect(cfg).toContain('modparam("tls", "certificate", "/etc/leadline/sip.crt")');
    expect(cfg).toContain('modparam("tls", "private_key", "/etc/leadline/sip.key")');
    expect(sipTlsFiles(c).selfSigned).toBe(false);
  });

  it('sends SRTP toward a phone on TLS and plain RTP from an SRTP offer toward anyone else (rtpengine flags by leg)', () => {
    const cfg = renderKamailioConfig(parseConfig(config('  tls: { enabled: true }\n')));
    const media = cfg.slice(cfg.indexOf('route[MEDIA_FLAGS]'));
    expect(media).toContain('if ($var(next) =~ "transport=[tT][lL][sS]" || $var(next) =~ "^sips:") $var(to_tls) = 1;');
    expect(media).toContain('if (isflagset(FLT_TLS)) $var(to_tls) = 1;');
    expect(media).toContain('" ICE=remove transport-protocol=RTP/SAVP DTLS=off"');
    expect(media).toMatch(/else if \(\$rb =~ "RTP\/SAVP"\) \{\n\t\t\$var\(rtp_flags\) = \$var\(rtp_flags\) \+ " ICE=remove transport-protocol=RTP\/AVP";/);
    // The service learns the transport with the source, and rings the phone over it; a phone
    // answering over a connection is reached over that connection inside the dialog.
    expect(cfg).toContain('if ($proto != "udp") $var(jv) = $var(jv) + ";transport=" + $proto;');
    expect(cfg).toContain('if (nat_uac_test("1") || $proto == "tcp" || $proto == "tls") fix_nated_contact();');
  });

  it.each([
    ['a certificate without its key', '  tls: { enabled: true, certificate: /etc/leadline/sip.crt }\n', /x\.yaml:10: sip\.tls\.privateKey: sip\.tls needs certificate and privateKey together/],
    ['a path Kamailio\'s config cannot hold', '  tls: { enabled: true, certificate: "/etc/my cert.pem", privateKey: /k.pem }\n', /sip\.tls\.certificate: a file path without spaces/],
    ['TLS on the TCP SIP port', '  tcp: true\n  tls: { enabled: true, port: 5060 }\n', /x\.yaml:11: sip\.tls\.port: 5060 is also sip\.port, where sip\.tcp listens/],
  ])('refuses %s, naming the line', (_, sip, message) => {
    expect(() => parseConfig(config(sip), 'x.yaml')).toThrow(message);
  });

  it('refuses the browser phone\'s WebSocket on the TCP SIP port or the TLS port of the same address', () => {
    expect(() => parseConfig(config('  tcp: true\n', 'webphone: { enabled: true, listen: 10.0.0.5, port: 5060 }\n'), 'x.yaml')).toThrow(/webphone\.port: 5060 is also sip\.port/);
    expect(() => parseConfig(config('  tls: { enabled: true }\n', 'webphone: { enabled: true, listen: 10.0.0.5, port: 5061 }\n'), 'x.yaml')).toThrow(/sip\.tls\.port: 5061 is also webphone\.port/);
    // On another address the same number is another socket.
    expect(parseConfig(config('  tls: { enabled: true }\n', 'webphone: { enabled: true, listen: 127.0.0.1, port: 5061 }\n')).webphone.port).toBe(5061);
  });

  it('renders a configuration Kamailio accepts with TCP, TLS and the browser phone together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadline-tls-cfg-'));
    const c = parseConfig(config('  tcp: true\n  tls: { enabled: true }\n', `webphone: { enabled: true, port: 5066 }\npaths: { runDir: ${dir} }\n`).replace('listen: 10.0.0.5', 'listen: 127.0.0.1'));
    const file = join(dir, 'kamailio.cfg');
    writeFileSync(file, renderKamailioConfig(c));
    mkdirSync(dirname(sipTlsFiles(c).privateKey));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=t', '-keyout', sipTlsFiles(c).privateKey, '-out', sipTlsFiles(c).certificate], { stdio: 'ignore' });
    const check = spawnSync('kamailio', ['-c', '-f', file], { encoding: 'utf8' });
    expect(check.status, check.stderr.split('\n').filter((l) => /ERROR|error/.test(l)).join('\n')).toBe(0);
  });
});

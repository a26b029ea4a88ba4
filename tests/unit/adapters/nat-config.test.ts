import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { renderKamailioConfig } from '../../../src/adapters/kamailio/render-config.js';
import { rtpengineDaemon } from '../../../src/adapters/rtpengine/rtpengine-daemon.js';
import { CONFIG_HEAD } from '../../helpers/config-head.js';

const config = (sip: string) => `${CONFIG_HEAD}sip:
  listen: 10.0.0.5
${sip}`;

describe('a PBX behind 1:1 NAT and phones behind NAT', () => {
  it('advertises the public address in Kamailio (listen, alias, registrations) and in rtpengine\'s SDP', () => {
    const c = parseConfig(config('  advertise: 203.0.113.5\n'));
    const cfg = renderKamailioConfig(c);
    expect(cfg).toContain('listen=udp:10.0.0.5:5060 advertise 203.0.113.5:5060\n');
    expect(cfg).toContain('alias="203.0.113.5:5060"');
    expect(cfg).toContain('modparam("uac", "reg_contact_addr", "203.0.113.5:5060")');
    expect(rtpengineDaemon(c, 'rtpengine').args).toContain('--interface=10.0.0.5!203.0.113.5');
  });

  it('without advertise, listens and announces its own address; pings NATed phones every natKeepaliveSeconds', () => {
    const c = parseConfig(config('  natKeepaliveSeconds: 20\n'));
    const cfg = renderKamailioConfig(c);
    expect(cfg).toContain('listen=udp:10.0.0.5:5060\n');
    expect(cfg).toContain('#!trydef NAT_KEEPALIVE_S 20');
    expect(rtpengineDaemon(c, 'rtpengine').args).toContain('--interface=10.0.0.5');
  });

  it('refuses an advertised address that is no IPv4 address, naming it', () => {
    expect(() => parseConfig(config('  advertise: pbx.example.com\n'), 'x.yaml')).toThrow(/x\.yaml:10: sip\.advertise: must be an IPv4 address/);
  });
});

import { resolve } from 'node:path';
import type { Config } from '../../config/config-schema.js';
import type { DaemonSpec } from '../../launcher/daemon.js';
import { pingRtpengine } from './rtpengine-ping.js';

/**
 * rtpengine in userspace (no kernel module can be loaded here: --table=-1, and no
 * --no-fallback, which would exit without it), recording every call as one pcap
 * in the spool. --delete-delay=0 moves a call's metadata out at once after BYE.
 * The system's /etc/rtpengine/rtpengine.conf is not read: it binds fixed CLI and
 * HTTP ports, which a second instance on the machine (tests, bench) cannot bind.
 * Its media timeouts are given here instead. Ready when it answers an ng ping.
 */
export function rtpengineDaemon(config: Config, binary: string): DaemonSpec {
  const { listen, advertise } = config.sip;
  return {
    name: 'rtpengine',
    command: binary,
    args: [
      '--config-file=none',
      '--foreground',
      '--log-stderr',
      // a call whose media stops for a minute is dead (BYE lost); on hold it may be silent for an hour
      '--timeout=60',
      '--silent-timeout=3600',
      '--table=-1',
      // behind 1:1 NAT: bound to the private address, the public one written into SDP
      `--interface=${advertise ? `${listen}!${advertise}` : listen}`,
      `--listen-ng=127.0.0.1:${config.rtpengine.ngPort}`,
      // every RFC 4733 key a caller sends, as JSON, for the scenarios' DTMF menus
      `--dtmf-log-dest=127.0.0.1:${dtmfPortOf(config)}`,
      `--port-min=${config.rtpengine.portMin}`,
      `--port-max=${config.rtpengine.portMax}`,
      '--recording-method=pcap',
      `--recording-dir=${resolve(config.paths.spoolDir)}`,
      '--delete-delay=0',
      // warnings: INFO is about ten lines per call and NOTICE two, too much at 1,000 calls/s
      '--log-level=4',
      `--pidfile=${rtpenginePidfile(config)}`,
    ],
    cwd: resolve(config.paths.runDir),
    probe: async () => (await pingRtpengine(config.rtpengine.ngPort, '127.0.0.1', 200)).ok,
  };
}

/** Where rtpengine sends DTMF reports and the service listens for them. */
export function dtmfPortOf(config: Config): number {
  return config.rtpengine.dtmfPort ?? config.rtpengine.ngPort + 1;
}

export function rtpenginePidfile(config: Config): string {
  return resolve(config.paths.runDir, 'rtpengine.pid');
}

import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { kamailioDaemon, kamailioPidfile } from '../adapters/kamailio/kamailio-daemon.js';
import { rtpengineDaemon, rtpenginePidfile } from '../adapters/rtpengine/rtpengine-daemon.js';
import { Daemon } from './daemon.js';
import { requirePortFree } from './preflight.js';
import { writePrivateFile } from './private-files.js';
import { findLeftDaemon, sameArguments, type LeftDaemon } from './left-daemon.js';

export interface EmbeddedDaemons {
  rtpengine: Daemon;
  kamailio: Daemon;
  /** True when both were taken over from a previous run (calls in progress went on). */
  adopted: boolean;
}

/**
 * Kamailio and rtpengine as children of the launcher. When a previous run of this
 * install was killed and left them running, they are adopted if they run exactly
 * what this run would start (same arguments, same rendered Kamailio config): the
 * service reconnects and calls in progress are undisturbed. Otherwise the left ones
 * are stopped first, so their ports are free. No manual step either way.
 * Kamailio is supervised: if it dies, it is started again (rtpengine is not yet).
 */
export async function startEmbeddedDaemons(opts: {
  config: Config;
  binaries: { kamailio: string; rtpengine: string };
  kamailioCfg: string;
  kamailioCfgText: string;
  log: Logger;
  /** Called with each daemon as soon as it runs, so a later failure stops it. */
  started: (daemon: Daemon) => void;
}): Promise<EmbeddedDaemons> {
  const { config, binaries, kamailioCfg, kamailioCfgText, log } = opts;
  const rtpSpec = rtpengineDaemon(config, binaries.rtpengine);
  const kamSpec = kamailioDaemon(config, binaries.kamailio, kamailioCfg);
  const rtpengine = new Daemon(rtpSpec, log.child({ component: 'rtpengine' }));
  const kamailio = new Daemon(kamSpec, log.child({ component: 'kamailio' }));

  const leftRtp = findLeftDaemon(rtpenginePidfile(config), binaries.rtpengine, rtpenginePidfile(config));
  const leftKam = findLeftDaemon(kamailioPidfile(config), binaries.kamailio, kamailioCfg);
  const sameConfig = previousText(kamailioCfg) === kamailioCfgText;
  if (leftRtp && leftKam && sameConfig && sameArguments(leftRtp, rtpSpec.args) && sameArguments(leftKam, kamSpec.args)) {
    rtpengine.adopt(leftRtp.pid);
    opts.started(rtpengine);
    kamailio.adopt(leftKam.pid);
    opts.started(kamailio);
    kamailio.supervise();
    return { rtpengine, kamailio, adopted: true };
  }
  // Kamailio first: its calls hold rtpengine sessions, not the other way round.
  for (const [name, left] of [['kamailio', leftKam], ['rtpengine', leftRtp]] as [string, LeftDaemon | null][]) {
    if (left) await Daemon.stopLeft(name, left.pid, log.child({ component: name }));
  }
  await checkDaemonPortsFree(config);
  writePrivateFile(kamailioCfg, kamailioCfgText);
  opts.started(rtpengine);
  await rtpengine.start();
  opts.started(kamailio);
  await kamailio.start();
  kamailio.supervise();
  return { rtpengine, kamailio, adopted: false };
}

/**
 * The first check at start-up, before anything is opened, so a taken port is reported
 * at once: unless this install's own daemons hold them (left by a killed run), which
 * startEmbeddedDaemons adopts or stops, checking again after.
 */
export async function checkPortsUnlessLeftRunning(config: Config, binaries: { kamailio: string; rtpengine: string }, kamailioCfg: string): Promise<void> {
  const left = findLeftDaemon(rtpenginePidfile(config), binaries.rtpengine, rtpenginePidfile(config)) ?? findLeftDaemon(kamailioPidfile(config), binaries.kamailio, kamailioCfg);
  if (!left) await checkDaemonPortsFree(config);
}

function previousText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Checked after any left daemon was stopped: what still holds a port is someone else's. */
async function checkDaemonPortsFree(config: Config): Promise<void> {
  await requirePortFree({ what: 'SIP', host: config.sip.listen, port: config.sip.port, protocol: 'udp', setting: 'sip.port' });
  if (config.sip.tcp) {
    await requirePortFree({ what: 'SIP over TCP', host: config.sip.listen, port: config.sip.port, protocol: 'tcp', setting: 'sip.port' });
  }
  if (config.sip.tls.enabled) {
    await requirePortFree({ what: 'SIP over TLS', host: config.sip.listen, port: config.sip.tls.port, protocol: 'tcp', setting: 'sip.tls.port' });
  }
  await requirePortFree({ what: 'Kamailio evapi', host: '127.0.0.1', port: config.kamailio.evapiPort, protocol: 'tcp', setting: 'kamailio.evapiPort' });
  if (config.webphone.enabled) {
    await requirePortFree({ what: 'browser phone WebSocket', host: config.webphone.listen, port: config.webphone.port, protocol: 'tcp', setting: 'webphone.port' });
  }
  await requirePortFree({ what: 'rtpengine control', host: '127.0.0.1', port: config.rtpengine.ngPort, protocol: 'udp', setting: 'rtpengine.ngPort' });
}

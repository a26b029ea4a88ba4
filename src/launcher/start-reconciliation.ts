import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { EvapiClient } from '../adapters/kamailio/evapi-client.js';
import type { KamailioBridge } from '../adapters/kamailio/kamailio-bridge.js';
import { KamailioEdgeView } from '../adapters/kamailio/kamailio-edge-view.js';
import { KamailioRpc } from '../adapters/kamailio/kamailio-rpc.js';
import type { LeadlineRedis } from '../adapters/redis/create-redis.js';
import { RedisKeys } from '../adapters/redis/redis-keys.js';
import { RedisServiceHeartbeat } from '../adapters/redis/redis-service-heartbeat.js';
import { hasMediaSession } from '../adapters/rtpengine/rtpengine-ping.js';
import { mediaTimesOf } from '../adapters/rtpengine/spool-pcap.js';
import type { RegistrationStore } from '../core/agents/agent-ports.js';
import { Reconciliation } from '../services/reconciliation.js';
import type { RouterElection } from '../services/router-election.js';
import type { Services } from './compose-services.js';

/**
 * Reconciliation with Kamailio each time this instance becomes the router: the channel
 * opened and it took the router lease (first start, restart after a crash, Kamailio
 * restarted, the previous router died). First the bridge replays what it heard while
 * standing by, then the reconciliation checks the rest against Kamailio. The channel
 * decides whether the instance competes for the lease at all: one that cannot reach
 * Kamailio cannot route.
 */
export function startReconciliation(opts: {
  config: Config;
  redis: LeadlineRedis;
  evapi: EvapiClient;
  services: Services;
  registrationStore: RegistrationStore;
  bridge: Pick<KamailioBridge, 'routeAgain' | 'takeOver' | 'standBy'>;
  election: RouterElection;
  /** The in-memory mirrors of the shared stores: read again at a takeover, the live calls dropped at a demotion. */
  mirrors: { takeOver(): Promise<void>; standBy(): void };
  log: Logger;
}): Reconciliation {
  const { config, evapi, services, registrationStore, log } = opts;
  const reconciliation = new Reconciliation({
    liveCalls: services.calls.live,
    edge: new KamailioEdgeView(new KamailioRpc(evapi)),
    callEvents: services.callEvents,
    distributor: services.distributor,
    registrations: services.registrations,
    registrationStore: registrationStore,
    extensions: config.managers.map((m) => m.extension),
    heartbeat: new RedisServiceHeartbeat(opts.redis, new RedisKeys(config.redis.keyPrefix)),
    mediaTimes: (callId) => mediaTimesOf(config.paths.spoolDir, callId),
    routeAgain: (request) => opts.bridge.routeAgain(request),
    mediaUp: (callId) => hasMediaSession(config.rtpengine.ngPort, callId),
    log,
  });
  const { election, bridge, mirrors } = opts;
  election.on('promoted', () => {
    void (async () => {
      await mirrors.takeOver().catch((err: unknown) => log.warn({ err }, 'mirrors not read again at the takeover'));
      await bridge.takeOver();
      await reconciliation.connected();
    })().catch((err: unknown) => log.error({ err }, 'reconciliation with kamailio failed'));
  });
  election.on('demoted', () => {
    bridge.standBy();
    mirrors.standBy();
    reconciliation.disconnected();
  });
  evapi.on('connected', () => election.compete());
  evapi.on('disconnected', () => void election.withdraw('the channel to kamailio closed'));
  return reconciliation;
}

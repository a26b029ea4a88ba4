import { LiveListen } from '../services/live-listen.js';
import { RtpengineSubscriptions } from '../adapters/rtpengine/rtpengine-subscriptions.js';
import { LiveCoaching } from '../services/live-coaching.js';
import { CallerCards } from '../services/caller-cards.js';
import { BoardCoachedCalls } from '../services/coached-calls.js';
import { RtpengineCoaching } from '../adapters/rtpengine/rtpengine-coaching.js';
import { RedisCoachSessions } from '../adapters/redis/redis-coach-sessions.js';
import { PostgresRecordingIndex } from '../adapters/recordings/postgres-recording-index.js';
import { DomainEvents } from '../services/domain-events.js';
import { VoicemailUa } from '../adapters/voicemail/voicemail-ua.js';
import { VoicemailService } from '../services/voicemail.js';
import { newRecordingOf } from '../services/recordings/new-recording.js';
import type { RecordingArchive } from './recording-archive.js';
import { SoundLibrary } from '../adapters/media/sound-library.js';
import { RtpengineMedia } from '../adapters/rtpengine/rtpengine-media.js';
import { defaultPromptTexts } from '../core/media/default-prompts.js';
import { LANGUAGES, type Scenario } from '../core/scenarios/scenario-schema.js';
import { defaultSound, soundsOf } from '../core/scenarios/scenario-sounds.js';
import { Announcer } from '../services/announcer.js';
import { DtmfMenu } from '../services/dtmf-menu.js';
import { DtmfListener } from '../adapters/rtpengine/dtmf-listener.js';
import { dtmfPortOf } from '../adapters/rtpengine/rtpengine-daemon.js';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { StartupError } from '../core/errors/app-error.js';
import { buildApp } from '../adapters/http/app.js';
import { startHttpServer } from '../adapters/http/server.js';
import { EvapiClient } from '../adapters/kamailio/evapi-client.js';
import { KamailioRpc } from '../adapters/kamailio/kamailio-rpc.js';
import { KamailioBridge } from '../adapters/kamailio/kamailio-bridge.js';
import { kamailioSecrets, renderKamailioConfig } from '../adapters/kamailio/render-config.js';
import { TrunkStatus } from '../services/trunk-status.js';
import { registrationsDbDir, registrationsDbFiles } from '../adapters/kamailio/trunk-registrations.js';
import { makePrivateDir, writePrivateFile } from './private-files.js';
import { BatchedCallWriter } from '../adapters/postgres/call-record-writer.js';
import { PostgresCallStore } from '../adapters/postgres/call-store.js';
import { checkPostgres } from '../adapters/postgres/database-health.js';
import { createDatabase, type Database } from '../adapters/postgres/database.js';
import { ensureDatabase } from '../adapters/postgres/ensure-database.js';
import { migrateToLatest } from '../adapters/postgres/migrate.js';
import { describeConnectionError } from '../adapters/postgres/postgres-errors.js';
import { checkRedis, createRedis, type LeadlineRedis } from '../adapters/redis/create-redis.js';
import { RedisKeys } from '../adapters/redis/redis-keys.js';
import { RedisSessionRevocations } from '../adapters/redis/redis-session-revocations.js';
import { PostgresCallbackTaskStore } from '../adapters/postgres/callback-task-store.js';
import { PostgresLeadStore } from '../adapters/postgres/lead-store.js';
import { ScenarioDirectory } from '../adapters/scenarios/scenario-directory.js';
import { pingRtpengine } from '../adapters/rtpengine/rtpengine-ping.js';
import { CallBrowser } from '../services/call-browser.js';
import { DrawdownWatch } from '../services/drawdown-watch.js';
import { KpiReport } from '../services/kpi-report.js';
import { Wallboard } from '../services/wallboard.js';
import { CallbackDesk } from '../services/callback-desk.js';
import { PostgresWallboardFacts } from '../adapters/postgres/wallboard-facts.js';
import { PostgresConversationFacts } from '../adapters/postgres/conversation-facts.js';
import { ConversationReport } from '../services/conversation-report.js';
import { ReviewQueue } from '../services/review-queue.js';
import { PostgresReviewStore } from '../adapters/postgres/review-store.js';
import { PostgresKpiFacts } from '../adapters/postgres/kpi-facts.js';
import { PostgresDrawdownAlertStore } from '../adapters/postgres/drawdown-alert-store.js';
import { ClickToCall } from '../services/click-to-call.js';
import { composeServices } from './compose-services.js';
import { startRecordings, startWebhooks, workPlacement } from './compose-roles.js';
import { openSharedStores } from './shared-stores.js';
import { WorkerSupervisor } from './worker-supervisor.js';
import type { Daemon } from './daemon.js';
import { checkPortsUnlessLeftRunning, startEmbeddedDaemons } from './embedded-daemons.js';
import { startReconciliation } from './start-reconciliation.js';
import { startMetrics } from './start-metrics.js';
import { timedRouter } from '../adapters/metrics/timed-router.js';
import { requireBinary, requirePortFree } from './preflight.js';
import { prepareSipTls } from './sip-tls-certificate.js';
import { routerFailover } from './router-failover.js';
import { AccessList } from '../adapters/http/access-list.js';
import { ConfigReloader, type ReloadReport } from '../services/config-reloader.js';

export interface RunningLeadline {
  config: Config;
  httpUrl: string;
  redis: LeadlineRedis;
  db: Database;
  app: FastifyInstance;
  evapi: EvapiClient;
  /** The forked workers, when this process supervises them. */
  workers: WorkerSupervisor | null;
  /** Reads the configuration file again and applies managers, tokens and accounts live (SIGHUP, POST /api/admin/reload). */
  reload(trigger: string): Promise<ReloadReport>;
  /** Stops everything in reverse order; safe to call twice. */
  stop(): Promise<void>;
  /** Kills the daemons at once, for exit paths where nothing asynchronous runs. */
  killNow(): void;
}

/**
 * The launcher: checks what it needs, starts rtpengine, then Kamailio, connects
 * the service to both, and opens the HTTP API. Any failure stops what was already
 * started and surfaces as a StartupError with one actionable sentence.
 */
export async function startLeadline(
  config: Config,
  log: Logger,
  role: 'launcher' | 'router' | 'all' = 'launcher',
  /** Reads and validates the configuration file again (a reload); default: this configuration, unchanged. */
  readConfig: () => Config = () => config,
): Promise<RunningLeadline> {
  const cleanup: (() => Promise<void>)[] = [];
  let workers: WorkerSupervisor | null = null;
  const daemons: Daemon[] = [];
  const stop = async () => {
    while (cleanup.length > 0) {
      const step = cleanup.pop()!;
      await step().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
    }
  };
  try {
    const embedded = config.daemons.mode === 'embedded';
    const binaries = embedded ? { kamailio: requireBinary('kamailio', 'kamailio'), rtpengine: requireBinary('rtpengine', 'rtpengine-daemon') } : null;
    await requirePortFree({ what: 'HTTP', host: config.http.host, port: config.http.port, protocol: 'tcp', setting: 'http.port' });
    const runDir = resolve(config.paths.runDir);
    const kamailioCfg = resolve(config.daemons.kamailioConfigOut ?? resolve(runDir, 'kamailio.cfg'));
    if (binaries) await checkPortsUnlessLeftRunning(config, binaries, kamailioCfg);

    const redis = await createRedis(config.redis.url);
    cleanup.push(async () => void redis.disconnect());
    const db = await openDatabase(config);
    cleanup.push(() => db.destroy());
    // A missing dial plan directory is named before the prompts take seconds to generate,
    // and the run directory is private before the converted prompts go into it.
    requireDialplansDir(config);
    makePrivateDir(runDir);
    const sounds = new SoundLibrary(resolve(config.paths.soundsDir), resolve(runDir, 'sounds'), log.child({ component: 'sounds' }));
    await prepareSounds(sounds);
    const scenarios = await loadScenarios(config, log.child({ component: 'scenarios' }), sounds);
    cleanup.push(async () => scenarios.stop());

    makePrivateDir(resolve(config.paths.spoolDir));
    mkdirSync(dirname(kamailioCfg), { recursive: true });
    // The certificate Kamailio's TLS listener loads at its start, embedded or external.
    await prepareSipTls(config, log.child({ component: 'sip-tls' }));
    const kamailioCfgText = renderKamailioConfig(config);
    // Read by Kamailio's uac_reg at its start, embedded or external.
    writeTrunkRegistrations(config);

    let kamailio: Daemon | null = null;
    if (binaries) {
      const started = (daemon: Daemon) => {
        daemons.push(daemon);
        cleanup.push(() => daemon.stop());
      };
      ({ kamailio } = await startEmbeddedDaemons({ config, binaries, kamailioCfg, kamailioCfgText, log, started }));
    } else {
      writePrivateFile(kamailioCfg, kamailioCfgText);
      log.info({ kamailioCfg }, 'daemons are external: kamailio config rendered for them');
    }

    const callStore = new PostgresCallStore(db);
    const writer = new BatchedCallWriter(callStore, log.child({ component: 'call-writer' }));
    cleanup.push(() => writer.close());

    const serviceLog = log.child({ component: 'calls' });
    const shared = await openSharedStores({ config, redis, callbacks: new PostgresCallbackTaskStore(db), records: writer, log: serviceLog });
    cleanup.push(async () => shared.stop());
    const leadStore = new PostgresLeadStore(db);
    const media = new RtpengineMedia(config.rtpengine.ngPort);
    cleanup.push(async () => media.shutdown());
    const announcer = new Announcer({ media, pathOf: (name) => sounds.pathOf(name), log: serviceLog.child({ part: 'announcer' }) });
    const menu = new DtmfMenu({ media, pathOf: (name) => sounds.pathOf(name), log: serviceLog.child({ part: 'menu' }) });
    // rtpengine sends from its ng address (loopback) or the SIP interface it relays on.
    const dtmf = new DtmfListener({ host: '127.0.0.1', port: dtmfPortOf(config) }, new Set(['127.0.0.1', config.sip.listen]), (r) => menu.deliver(r), serviceLog.child({ part: 'dtmf' }));
    // A second instance beside the first (failover) shares its rtpengine: the port is the first's,
    // and rtpengine reports to one address only. Without it a menu takes its default: no call lost.
    await dtmf.start().catch((err: unknown) => serviceLog.warn({ err, port: dtmfPortOf(config) }, 'DTMF reports cannot be received here: menus will take their default option'));
    cleanup.push(async () => dtmf.stop());
    const servicesEvents = new DomainEvents();
    // The mailbox: a user agent Kamailio rings like a phone, and the service that runs its messages.
    let recordingsRef: RecordingArchive | null = null;
    const callbackTasks = new PostgresCallbackTaskStore(db);
    const publicBaseUrl = (config.recordings.publicBaseUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/$/, '');
    let mailbox: VoicemailUa | null = null;
    const voicemail = new VoicemailService({
      media,
      pathOf: (name) => sounds.pathOf(name),
      uri: `sip:voicemail@${config.sip.listen}:${config.voicemail.port ?? config.sip.port + 2}`,
      hangUp: (callId) => mailbox?.hangUp(callId),
      events: servicesEvents,
      store: async (m) => {
        if (!recordingsRef) return;
        await recordingsRef.submit(
          newRecordingOf(
            { callId: m.callId, direction: 'inbound', manager: null, callerNumber: m.callerNumber, calleeNumber: m.companyNumber, startedAt: new Date(m.startedAt) },
            { format: config.recordings.format, clientAddress: config.trunks[0]?.address ?? null, pcapPath: null },
          ),
        );
      },
      attach: async (callId, url, seconds) => void (await callbackTasks.attachVoicemail(callId, url, seconds)),
      recordingUrl: (callId) => `${publicBaseUrl}/api/recordings/${encodeURIComponent(callId)}/audio`,
      log: serviceLog.child({ part: 'voicemail' }),
    });
    mailbox = new VoicemailUa({ ip: config.sip.listen, port: config.voicemail.port ?? config.sip.port + 2 }, { ip: config.sip.listen, port: config.sip.port }, voicemail, serviceLog.child({ part: 'voicemail-ua' }));
    await mailbox.start();
    cleanup.push(async () => mailbox?.stop());
    const services = composeServices({ config, scenarios, log: serviceLog, announcer, menu, voicemail, events: servicesEvents, stores: { ...shared.stores, leads: leadStore, callHistory: callStore } });
    services.start();
    cleanup.push(() => services.stop());
    // Subscribed before the Kamailio channel opens, so no call event is missed.
    const here = workPlacement(config, role);
    const webhooks = await startWebhooks({ config, db, events: services.events, log: log.child({ component: 'webhooks' }), runWorker: here.webhookWorker, cleanup });
    const recordings = await startRecordings({ config, db, events: services.events, log: log.child({ component: 'recordings' }), runWorker: here.recordingWorker, routesCalls: true, cleanup });
    recordingsRef = recordings;
    const evapi = new EvapiClient('127.0.0.1', config.kamailio.evapiPort, kamailioSecrets(config).evapi, log.child({ component: 'evapi' }));
    const kamailioRpc = new KamailioRpc(evapi);
    const metrics = startMetrics({ config, db, events: services.events, routing: services.console, kamailio: kamailioRpc, log: log.child({ component: 'metrics' }) }, cleanup);
    const router = timedRouter(services.router, metrics);
    const trunks = new TrunkStatus(config, { log: log.child({ component: 'trunks' }), events: services.events });
    const failover = routerFailover(config, redis, log.child({ component: 'failover' }));
    const access = new AccessList(config.api.tokens, config.console.users);
    // Filled below once the bridge exists; the reloader is what reads the current managers.
    let pushCredential: (extension: string, manager: Config['managers'][number] | null) => boolean = () => false;
    const reloader = new ConfigReloader(config, {
      read: readConfig,
      targets: {
        credential: (extension, manager) => pushCredential(extension, manager),
        extensions: [services.extensions],
        unregister: async (extension) => {
          await services.registrations.unregistered(extension);
          // His phone's binding goes too, so nothing reaches it through Kamailio's location table.
          await kamailioRpc.call('ul.rm', ['location', extension]).catch((err: unknown) => log.warn({ err, extension }, 'binding of a withdrawn manager not removed from kamailio: it lapses at its expiry'));
        },
        roster: (managers) => services.console.setManagers(managers),
        access: (tokens, users) => access.replace(tokens, users),
      },
      log: log.child({ component: 'config' }),
    });
    const { election } = failover;
    const bridge = new KamailioBridge({
      config,
      evapi,
      log: serviceLog,
      router,
      events: services.callEvents,
      registrations: services.registrations,
      trunks,
      managers: () => reloader.config.managers,
      leadership: { ...failover.leadership, isLive: async (callId) => (await services.calls.get(callId)) !== null, registrationCache: shared.stores.registrations },
    });
    pushCredential = (extension, manager) => bridge.pushCredential(extension, manager);
    services.setResume((call, decision) => bridge.resume(call, decision));
    cleanup.push(async () => evapi.stop());
    const reconciliation = startReconciliation({ config, redis, evapi, services, registrationStore: shared.stores.registrations, bridge, election, mirrors: shared, log: log.child({ component: 'reconciliation' }) });
    cleanup.push(async () => reconciliation.stop());
    bridge.start();
    // An external Kamailio starts once it finds the rendered config: give it time.
    await evapi.waitConnected(embedded ? 10_000 : 120_000).catch((err: Error) => {
      throw new StartupError('KAMAILIO_UNREACHABLE', `${err.message}: check the kamailio lines above in the log.`);
    });

    const kpi = new KpiReport({ facts: new PostgresKpiFacts(db), config });
    const drawdowns = new DrawdownWatch({ report: kpi, alerts: new PostgresDrawdownAlertStore(db), events: services.events, config, log: log.child({ component: 'kpi' }) });
    drawdowns.start();
    cleanup.push(async () => drawdowns.stop());

    const app = buildApp({
      config,
      callStore,
      routing: services.console,
      board: services.board,
      leads: services.leads ?? undefined,
      webhooks: webhooks?.outbox,
      recordings: recordings
        ? {
            index: recordings.index,
            storage: recordings.storage,
            presignSeconds: config.recordings.presignSeconds,
            redirectByDefault: config.recordings.storage.driver === 's3' && config.recordings.storage.redirect,
            reconvert: recordings.reconvert,
          }
        : undefined,
      kpi,
      wallboard: new Wallboard({
        facts: new PostgresWallboardFacts(db),
        routing: services.console,
        config: { timezone: config.routing.timezone, ...config.console.wallboard },
      }),
      conversations: new ConversationReport({ facts: new PostgresConversationFacts(db), reviews: new PostgresReviewStore(db), managers: config.managers, timezone: config.routing.timezone }),
      reviews: new ReviewQueue({
        store: new PostgresReviewStore(db),
        kpi,
        timezone: config.routing.timezone,
        perManager: config.console.review.perManagerPerDay,
        checklist: config.console.review.checklist,
      }),
      callbacks: new CallbackDesk({ tasks: new PostgresCallbackTaskStore(db), managers: config.managers, slaMinutes: config.console.callbackSlaMinutes }),
      metrics: metrics.registry,
      trunks,
      callBrowser: new CallBrowser({
        callStore,
        recordings: recordings?.index,
        leads: leadStore,
        leadUrlTemplate: config.console.leadUrlTemplate ?? null,
        defaultRegion: config.phone.defaultRegion,
      }),
      clickToCall: new ClickToCall({ config, managers: () => reloader.config.managers, agents: shared.stores.agents, leads: leadStore, bridge: (manager, client) => bridge.bridge(manager, client), log: serviceLog }),
      sessions: new RedisSessionRevocations(redis, new RedisKeys(config.redis.keyPrefix)),
      webphoneSecret: config.webphone.enabled ? kamailioSecrets(config).webphone : undefined,
      liveListen: new LiveListen({
        media: new RtpengineSubscriptions(config.rtpengine.ngPort),
        // The recording audit log, whether or not recordings are on.
        audit: recordings?.index ?? new PostgresRecordingIndex(db),
        log: serviceLog,
      }),
      callerCards: new CallerCards({ leads: leadStore, defaultRegion: config.phone.defaultRegion, leadUrlTemplate: config.console.leadUrlTemplate ?? null }),
      liveCoaching: new LiveCoaching({
        media: new RtpengineCoaching(config.rtpengine.ngPort),
        sessions: new RedisCoachSessions(redis, new RedisKeys(config.redis.keyPrefix)),
        audit: recordings?.index ?? new PostgresRecordingIndex(db),
        calls: new BoardCoachedCalls({ board: services.board, registrations: shared.stores.registrations }),
        log: serviceLog,
      }),
      access,
      reload: (trigger) => reloader.reload(trigger),
      logger: log.child({ component: 'http' }),
      health: [
        { name: 'redis', check: () => checkRedis(redis) },
        { name: 'postgres', check: () => checkPostgres(db) },
        { name: 'kamailio', check: async () => kamailioHealth(kamailio, evapi) },
        // Informational: a standby is healthy, it serves the API and takes over routing when needed.
        { name: 'router', check: async () => ({ ok: true, detail: election.isActive ? `active (${election.holder})` : 'standby: another instance routes calls' }) },
        { name: 'rtpengine', check: () => pingRtpengine(config.rtpengine.ngPort) },
        { name: 'trunks', check: async () => trunks.health() },
        ...(webhooks ? [webhooks.health] : []),
        ...(recordings ? [recordings.health] : []),
        { name: 'workers', check: async () => (workers === null || workers.healthy ? { ok: true } : { ok: false, detail: 'a worker process is being restarted' }) },
      ],
    });
    cleanup.push(() => app.close());
    workers = await superviseWorkers(config, role, log.child({ component: 'workers' }));
    if (workers) {
      const supervised = workers;
      cleanup.push(() => supervised.stop());
    }
    // First in the stop: events stop being handled, those in hand finish, then the lease
    // goes to a standby at once (not after the workers and the HTTP server have stopped).
    cleanup.push(() => election.withdraw('stopping', () => bridge.idle(2000)));
    const httpUrl = await startHttpServer(app, config.http);
    log.info({ sip: `${config.sip.listen}:${config.sip.port}`, http: httpUrl }, 'Leadline is ready');

    return {
      config,
      httpUrl,
      redis,
      db,
      app,
      evapi,
      workers,
      reload: (trigger) => reloader.reload(trigger),
      stop,
      killNow: () => {
        workers?.killNow();
        daemons.forEach((d) => d.killNow());
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function openDatabase(config: Config): Promise<Database> {
  const { url, schema } = config.postgres;
  try {
    await ensureDatabase(url);
    const db = createDatabase(config.postgres);
    await migrateToLatest(db, schema);
    return db;
  } catch (err) {
    const sentence = describeConnectionError(err, url);
    throw new StartupError('POSTGRES_UNREACHABLE', sentence ?? `PostgreSQL could not be prepared: ${(err as Error).message}`, { cause: err });
  }
}

/** The launcher forks the workers its configuration asks for; `router` and `all` fork none. */
async function superviseWorkers(config: Config, role: 'launcher' | 'router' | 'all', log: Logger): Promise<WorkerSupervisor | null> {
  if (role !== 'launcher' || config.processes.workers !== 'forked') return null;
  const wanted = [
    ...(config.recordings.enabled ? [{ role: 'recordings' as const, count: config.processes.recordingWorkers }] : []),
    ...(config.crm.webhooks.length > 0 ? [{ role: 'webhooks' as const, count: config.processes.webhookWorkers }] : []),
  ];
  if (wanted.length === 0) return null;
  const supervisor = new WorkerSupervisor({
    config,
    workers: wanted,
    // main.ts under tsx, main.js when compiled (npm run build, the container image).
    entry: fileURLToPath(new URL(`../main${extname(fileURLToPath(import.meta.url))}`, import.meta.url)),
    lowPriority: config.processes.lowPriority,
    restartDelayMs: config.processes.restartDelayMs,
    log,
  });
  await supervisor.start();
  return supervisor;
}

/** uac_reg's accounts (passwords included): a private folder in the run directory. */
function writeTrunkRegistrations(config: Config): void {
  const dir = registrationsDbDir(config);
  makePrivateDir(dir);
  for (const [name, text] of Object.entries(registrationsDbFiles(config))) writePrivateFile(resolve(dir, name), text);
}

/** Dial plans are read before the first call: a broken file is reported, and the good ones serve. */
/**
 * The default prompts exist (generated with espeak-ng and sox when missing) and are
 * converted for rtpengine before any dial plan is read: a scenario may name them.
 */
async function prepareSounds(sounds: SoundLibrary): Promise<void> {
  try {
    await sounds.ensureDefaults();
  } catch (err) {
    throw new StartupError('SOUNDS_MISSING', `The default prompts in ${sounds.sourceDir}/default could not be generated (${(err as Error).message}): install espeak-ng and sox (bash scripts/setup.sh does).`);
  }
  for (const language of LANGUAGES) {
    for (const name of [...Object.keys(defaultPromptTexts(language)), 'beep.wav']) {
      const problem = await sounds.prepare(defaultSound(language, name));
      if (problem) throw new StartupError('SOUNDS_MISSING', `A default prompt cannot be used: ${problem}. Delete it to have it generated again.`);
    }
  }
}

/** Every sound file a scenario names must exist and convert: else the scenario is rejected (file:line). */
async function checkSounds(sounds: SoundLibrary, scenario: Scenario): Promise<{ path: (string | number)[]; reason: string }[]> {
  const problems = [];
  for (const ref of soundsOf(scenario)) {
    const reason = await sounds.prepare(ref.file);
    if (reason) problems.push({ path: ref.path, reason });
  }
  return problems;
}

function requireDialplansDir(config: Config): void {
  const dir = resolve(config.routing.dialplansDir);
  if (!existsSync(dir)) {
    throw new StartupError('DIALPLANS_MISSING', `The dial plan directory ${dir} does not exist: create it with at least one scenario (see dialplans/README.md) or set routing.dialplansDir.`);
  }
}

async function loadScenarios(config: Config, log: Logger, sounds: SoundLibrary): Promise<ScenarioDirectory> {
  const dir = resolve(config.routing.dialplansDir);
  const directory = new ScenarioDirectory(dir, {
    check: (scenario) => checkSounds(sounds, scenario),
    onReload: ({ active, errors }) => {
      for (const e of errors) log.error({ file: e.file }, `dial plan rejected, the last good version stays active: ${e.message}`);
      log.info({ scenarios: active.map((a) => a.scenario.name) }, 'dial plans loaded');
    },
  });
  await directory.start();
  return directory;
}

function kamailioHealth(kamailio: Daemon | null, evapi: EvapiClient): { ok: boolean; detail?: string } {
  if (kamailio && !kamailio.running) return { ok: false, detail: 'the kamailio process has exited' };
  if (!evapi.isConnected) return { ok: false, detail: 'the evapi channel to kamailio is down' };
  return { ok: true };
}

import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config/config-schema.js';
import type { CallStore } from '../../core/calls/call-store.port.js';
import type { LeadDesk } from '../../services/lead-tracker.js';
import type { RoutingConsole } from '../../services/routing-console.js';
import type { WebhookAdmin } from '../../core/webhooks/webhook-admin.port.js';
import type { HealthCheck } from './health-check.js';
import type { SessionRevocations } from '../../core/auth/session-revocations.port.js';
import { MemorySessionRevocations } from '../memory/memory-session-revocations.js';
import { apiDocsPlugin } from './plugins/api-docs.js';
import { apiAuthPlugin } from './plugins/api-auth.js';
import { AccessList } from './access-list.js';
import { adminReloadRoutes } from './routes/admin-reload.js';
import type { ReloadReport } from '../../services/config-reloader.js';
import { webConsolePlugin } from './plugins/web-console.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { boardRoutes, type BoardSource } from './routes/board.js';
import { callBrowserRoutes } from './routes/call-browser.js';
import { callsRoutes } from './routes/calls.js';
import { kpiRoutes } from './routes/kpi.js';
import type { KpiDesk } from '../../services/kpi-report.js';
import type { CallBrowsing } from '../../services/call-browser.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import type { Registry } from 'prom-client';
import { leadsRoutes } from './routes/leads.js';
import { clickToCallRoutes, type ClickToCallPort } from './routes/click-to-call.js';
import { routingRoutes } from './routes/routing.js';
import { sessionRoutes } from './routes/session.js';
import { webhooksRoutes } from './routes/webhooks.js';
import { recordingsRoutes, type RecordingLibrary } from './routes/recordings.js';
import { trunksRoutes, type TrunksRoutesOptions } from './routes/trunks.js';
import { phoneRoutes } from './routes/phone.js';
import { liveListenRoutes } from './routes/live-listen.js';
import { liveCoachingRoutes } from './routes/live-coaching.js';
import type { LiveCoaching } from '../../services/live-coaching.js';
import type { CallerCards } from '../../services/caller-cards.js';
import type { LiveListen } from '../../services/live-listen.js';
import { phonePagePlugin } from './plugins/phone-page.js';
import { webphoneUrl } from '../../config/webphone-origins.js';
import { consoleSettingsOf, consoleSettingsRoutes } from './routes/console-settings.js';
import { wallboardRoutes } from './routes/wallboard.js';
import { callbacksRoutes } from './routes/callbacks.js';
import { conversationsRoutes } from './routes/conversations.js';
import { reviewsRoutes } from './routes/reviews.js';
import type { ReviewQueue } from '../../services/review-queue.js';
import type { ConversationReport } from '../../services/conversation-report.js';
import type { WallboardDesk } from '../../services/wallboard.js';
import type { CallbackDesk } from '../../services/callback-desk.js';

export interface AppDeps {
  config: Config;
  callStore: CallStore;
  health: HealthCheck[];
  /** Live routing (managers, pauses, waiting calls, scenarios); without it those routes do not exist. */
  routing?: RoutingConsole;
  /** The live board (GET /api/board and its event stream); without it those routes do not exist. */
  board?: BoardSource;
  /** Calls with their recording and CRM lead, for the console's list (GET /api/call-browser); without it that route does not exist. */
  callBrowser?: CallBrowsing;
  /** The per-manager KPI table (GET /api/kpi, /api/kpi.csv); without it those routes do not exist. */
  kpi?: KpiDesk;
  /** Click-to-call (POST /api/calls); without it the route does not exist. */
  clickToCall?: ClickToCallPort;
  /** Leads and first-dial figures (/api/leads, and /crm/leads when leads.secret is set); without it those routes do not exist. */
  leads?: LeadDesk;
  /** Webhook deliveries and endpoints (dead letters, replay, enable); without it those routes do not exist. */
  webhooks?: WebhookAdmin;
  /** Prometheus metrics (GET /metrics, with a token); without it the route does not exist. */
  metrics?: Registry;
  /** Call recordings (list, audio with Range, audit); without it those routes do not exist. */
  recordings?: RecordingLibrary;
  /** The trunks and their registration state (GET /api/trunks); without it the route does not exist. */
  trunks?: TrunksRoutesOptions['trunks'];
  /** The wallboard's figures (GET /api/wallboard); without it the route does not exist. */
  wallboard?: WallboardDesk;
  /** Open callback tasks and their reassignment (/api/callbacks); without it those routes do not exist. */
  callbacks?: CallbackDesk;
  /** Per-manager conversation medians (GET /api/conversations); without it the route does not exist. */
  conversations?: ConversationReport;
  /** The quality-control review queue (/api/reviews); without it those routes do not exist. */
  reviews?: ReviewQueue;
  /** How often an open board stream re-checks its console session (default 15 s; tests shorten it). */
  sessionCheckMs?: number;
  /** Signed-out console sessions; default: this process's memory (one instance). The launcher passes Redis. */
  sessions?: SessionRevocations;
  /**
   * The secret Kamailio checks the browser phone's short-lived credentials with; with it
   * (and webphone.enabled) POST /api/phone/credentials and the /phone page exist.
   */
  webphoneSecret?: string;
  /** Live listening to calls in progress (POST /api/calls/:callId/listen); without it those routes do not exist. */
  liveListen?: LiveListen;
  /** Whisper and barge (POST /api/calls/:callId/coach, GET /api/phone/coaching); without it those routes do not exist. */
  liveCoaching?: LiveCoaching;
  /** The caller's number and lead on the browser phone (GET /api/phone/caller); without it that route does not exist. */
  callerCards?: CallerCards;
  /** The tokens and console accounts a reload replaces; default: fixed, from config. */
  access?: AccessList;
  /** Reloads the configuration file (POST /api/admin/reload); without it the route does not exist. */
  reload?: (trigger: string) => Promise<ReloadReport>;
  logger?: Logger;
  /** Requests per minute per client IP on everything but the probes (/livez, /readyz, /healthz). */
  rateLimitPerMinute?: number;
  healthCheckTimeoutMs?: number;
}

/**
 * Builds the HTTP app without listening (server.ts listens), so tests use app.inject().
 * Order matters: external plugins, then our own (errors before auth, since auth throws),
 * then routes, which the docs plugin collects as they register.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger | undefined,
    trustProxy: trustedProxies(deps.config.http.trustProxy),
    // Fastify's default would log every request at info; at 1,000 calls/s the logs belong to calls.
    logController: new LogController({ disableRequestLogging: true }),
  });

  // Helmet's default CSP allows 'self' scripts, which is all the console and the Swagger UI at /docs load.
  // No upgrade-insecure-requests: a console on a LAN address over plain HTTP would ask for
  // its own scripts over HTTPS and show a blank page (put HTTPS in front instead).
  app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      directives: { mediaSrc: mediaSources(deps.config), connectSrc: connectSources(deps.config), upgradeInsecureRequests: null },
    },
  });
  app.register(rateLimit, { global: true, max: deps.rateLimitPerMinute ?? 600, timeWindow: '1 minute' });
  app.register(apiDocsPlugin);

  app.register(errorHandlerPlugin);
  const sessions = deps.sessions ?? new MemorySessionRevocations();
  const access = deps.access ?? new AccessList(deps.config.api.tokens, deps.config.console.users);
  app.register(apiAuthPlugin, { access, console: deps.config.console, sessions });

  app.register(sessionRoutes, { console: deps.config.console, access, sessions });
  if (deps.reload) app.register(adminReloadRoutes, { reload: deps.reload });
  app.register(webConsolePlugin, { webDir: deps.config.console.webDir });
  app.register(consoleSettingsRoutes, { settings: consoleSettingsOf(deps.config) });
  app.register(healthRoutes, { checks: deps.health, timeoutMs: deps.healthCheckTimeoutMs });
  if (deps.metrics) app.register(metricsRoutes, { registry: deps.metrics });
  app.register(callsRoutes, { callStore: deps.callStore });
  if (deps.routing) app.register(routingRoutes, { routing: deps.routing });
  if (deps.board) {
    const { maxEventStreams, maxEventStreamsPerClient } = deps.config.http;
    app.register(boardRoutes, { board: deps.board, sessions, maxStreams: maxEventStreams, maxStreamsPerClient: maxEventStreamsPerClient, sessionCheckMs: deps.sessionCheckMs });
  }
  if (deps.callBrowser) app.register(callBrowserRoutes, { browser: deps.callBrowser, reportsPerMinute: deps.config.http.reportsPerMinute });
  if (deps.kpi) app.register(kpiRoutes, { kpi: deps.kpi, reportsPerMinute: deps.config.http.reportsPerMinute });
  if (deps.clickToCall) app.register(clickToCallRoutes, { clickToCall: deps.clickToCall });
  if (deps.leads) app.register(leadsRoutes, { leads: deps.leads, signing: deps.config.leads });
  if (deps.webhooks) app.register(webhooksRoutes, { webhooks: deps.webhooks });
  if (deps.recordings) app.register(recordingsRoutes, { library: deps.recordings });
  if (deps.trunks) app.register(trunksRoutes, { trunks: deps.trunks });
  if (deps.liveListen) app.register(liveListenRoutes, { listen: deps.liveListen });
  if (deps.liveCoaching) app.register(liveCoachingRoutes, { coaching: deps.liveCoaching });
  if (deps.webphoneSecret !== undefined && deps.config.webphone.enabled) {
    const { config } = deps;
    app.register(phoneRoutes, {
      secret: deps.webphoneSecret,
      ttlSeconds: config.webphone.credentialTtlSeconds,
      wsUrl: webphoneUrl(config),
      domain: config.sip.domain,
      names: new Map(config.managers.map((m) => [m.extension, m.name])),
      callers: deps.callerCards,
    });
    app.register(phonePagePlugin, { webDir: config.console.webDir, embedOrigins: config.webphone.embedOrigins, connectSrc: connectSources(config) });
  }
  if (deps.wallboard) app.register(wallboardRoutes, { wallboard: deps.wallboard });
  if (deps.callbacks) app.register(callbacksRoutes, { desk: deps.callbacks });
  if (deps.reviews) app.register(reviewsRoutes, { queue: deps.reviews });
  if (deps.conversations) app.register(conversationsRoutes, { report: deps.conversations, reportsPerMinute: deps.config.http.reportsPerMinute });
  return app;
}

/**
 * A hop count trusts that many proxies nearest the service, whatever their address (as
 * proxy-addr does for a number; Fastify's types only name the function form).
 */
function trustedProxies(setting: Config['http']['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/** Where the pages' scripts may connect: this service, and the browser phone's WebSocket. */
function connectSources(config: Config): string[] {
  return config.webphone.enabled ? ["'self'", webphoneUrl(config)] : ["'self'"];
}

/**
 * Where the console's player may load audio from: this service, and the S3 endpoint when
 * recordings are answered with a redirect to a presigned URL there.
 */
function mediaSources(config: Config): string[] {
  const storage = config.recordings.storage;
  if (storage.driver !== 's3' || !storage.redirect) return ["'self'"];
  const defaultPort = storage.useSSL ? 443 : 80;
  return ["'self'", `${storage.useSSL ? 'https' : 'http'}://${storage.endPoint}${storage.port === defaultPort ? '' : `:${storage.port}`}`];
}

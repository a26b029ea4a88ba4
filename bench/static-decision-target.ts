// "Kamailio with the same modules and a static decision": the fair baseline for the
// Leadline target. Leadline's own Kamailio config, rendered from the same bench config
// (auth and registrar, dialog, pipelimit, rtpengine offer/answer recording from the answer,
// rtjson serial relay through route(RELAY)), with one change: route[ASK_SERVICE] does not
// suspend the call and ask the service, it picks a registered manager by a fixed rule in
// the config. No service runs; the managers' credentials are written into the config.
// What Leadline adds over this target is the cost of the service's decision and events.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { kamailioDaemon } from '../src/adapters/kamailio/kamailio-daemon.js';
import { renderKamailioConfig } from '../src/adapters/kamailio/render-config.js';
import { createDatabase } from '../src/adapters/postgres/database.js';
import { migrateToLatest, dropSchema } from '../src/adapters/postgres/migrate.js';
import { rtpengineDaemon } from '../src/adapters/rtpengine/rtpengine-daemon.js';
import type { Config } from '../src/config/config-schema.js';
import { digestHa1 } from '../src/core/agents/digest-ha1.js';
import { Daemon } from '../src/launcher/daemon.js';
import { requireBinary } from '../src/launcher/preflight.js';
import type { RunningTarget, Target } from './call-path.js';
import { BENCH_NUMBER, SIP, benchConfig, registerManagers, startBenchUas } from './leadline-target.js';

const MANAGERS = 150;

/**
 * The same decision the service makes for the bench line (a registered manager, a serial
 * rtjson route with the ring timers), written as a fixed rule: a manager at random.
 */
const STATIC_DECISION = (managers: number, ringMs: number) => `
	# The static decision, in place of asking the service.
	$var(ext) = 1000 + ($RANDOM mod ${managers});
	$rU = "" + $var(ext);
	if (!lookup("location")) {
		t_reply("480", "Temporarily Unavailable");
		exit;
	}
	$var(routes) = "{\\"version\\":\\"1.0\\",\\"routing\\":\\"serial\\",\\"routes\\":[{\\"uri\\":\\"" + $ru + "\\",\\"fr_inv_timer\\":${ringMs},\\"fr_timer\\":4000}]}";
	rtjson_init_routes("$var(routes)");
	rtjson_push_routes();
	route(RELAY);
}
`;

/**
 * Leadline's rendered config with the static decision and the credentials the service
 * would push. route[ASK_SERVICE] keeps everything up to the point where it would ask the
 * service (rate limit, identifier checks, record-route, transaction, dialog and its
 * parties); the "is a service connected" check and the question itself are replaced.
 */
export function staticDecisionConfig(config: Config): string {
  const rendered = renderKamailioConfig(config);
  const start = rendered.indexOf('route[ASK_SERVICE] {');
  const end = rendered.indexOf('\n}\n', start);
  const cut = rendered.indexOf('$var(source) = "phone";', start);
  const cutEnd = rendered.indexOf('\n\t}\n', cut);
  if (start < 0 || end < 0 || cut < 0 || cut > end || cutEnd > end) {
    throw new Error('config/kamailio.cfg.tpl changed shape around route[ASK_SERVICE]: update bench/static-decision-target.ts');
  }
  const kept = rendered.slice(start, cutEnd + 4).replace(/\tif \(\$shv\(evapi_clients\) <= 0\) \{[\s\S]*?\n\t\}\n/, '');
  const credentials = config.managers.map((m) => `\t$sht(credentials=>${m.extension}) = "${digestHa1(m.extension, config.sip.domain, m.password)}";`).join('\n');
  return (rendered.slice(0, start) + kept + STATIC_DECISION(config.managers.length, config.routing.ringTimeoutSeconds * 1000) + rendered.slice(end + 3)).replace(
    'event_route[htable:mod-init] {',
    `event_route[htable:mod-init] {\n${credentials}`,
  );
}

export function staticDecision(caller: { localIp: string; localPort: number }, opts: { maxCallsPerSecond?: number } = {}): Target {
  return {
    name: 'kamailio-same-modules-static',
    async start() {
      const work = mkdtempSync(join(tmpdir(), 'static-bench-'));
      const config = benchConfig({ caller, work, managers: MANAGERS, kamailio: opts.maxCallsPerSecond ? { maxCallsPerSecond: opts.maxCallsPerSecond } : {} });
      mkdirSync(config.paths.runDir, { recursive: true });
      mkdirSync(config.paths.spoolDir, { recursive: true });
      const cfg = join(work, 'kamailio.cfg');
      writeFileSync(cfg, staticDecisionConfig(config));
      const log = pino({ level: 'warn' });
      // Kamailio keeps its dialogs in the schema's dialog table (migration 0026), as under the service.
      const db = createDatabase(config.postgres);
      await migrateToLatest(db, config.postgres.schema);
      const rtpengine = new Daemon(rtpengineDaemon(config, requireBinary('rtpengine', 'rtpengine-daemon')), log);
      const kamailio = new Daemon(kamailioDaemon(config, requireBinary('kamailio', 'kamailio'), cfg), log);
      const stop = async () => {
        await phone?.stop();
        await kamailio.stop();
        await rtpengine.stop();
        await dropSchema(db, config.postgres.schema);
        await db.destroy();
        rmSync(work, { recursive: true, force: true });
      };
      let phone: Awaited<ReturnType<typeof startBenchUas>> | null = null;
      try {
        await rtpengine.start();
        await kamailio.start();
        await registerManagers(config);
        phone = await startBenchUas({ rtpEcho: false, timeoutMs: 30 * 60 * 1000, label: '  [static] UAS' });
      } catch (err) {
        await stop();
        throw err;
      }
      const running: RunningTarget = { proxy: `${SIP.ip}:${SIP.port}`, callee: BENCH_NUMBER, stop };
      return running;
    },
  };
}

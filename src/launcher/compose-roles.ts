import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { RecordingConverter } from '../core/recordings/recording-store.port.js';
import { PostgresCallStore } from '../adapters/postgres/call-store.js';
import type { Database } from '../adapters/postgres/database.js';
import { createRecordingArchive, recordingConcurrency, type RecordingArchive } from './recording-archive.js';
import { ENCODERS } from '../adapters/recordings/audio-encoders.js';
import { ConversionThreads } from '../adapters/recordings/conversion-threads.js';
import { requireBinary } from './preflight.js';
import { createWebhookDelivery, type WebhookDelivery } from './webhook-delivery.js';
import { DomainEvents } from '../services/domain-events.js';
import { RecordingPipeline } from '../services/recordings/recording-pipeline.js';
import { recordingReady } from '../services/recordings/recording-ready.js';
import { WebhookDispatcher } from '../services/webhook-dispatcher.js';
import type { WorkerRole } from './process-roles.js';

type Cleanup = (() => Promise<void>)[];

/** The archive of a process that runs no recording worker never converts; should it ever, it says where conversions belong. */
const refuseConversion: RecordingConverter = async () => {
  throw new Error('this process runs no recording worker: conversions belong to the recording workers');
};

/** Where the background work of this process runs: here (`all`, a worker role) or in other processes. */
export interface WorkPlacement {
  recordingWorker: boolean;
  webhookWorker: boolean;
}

export function workPlacement(config: Config, role: 'launcher' | 'router' | 'all'): WorkPlacement {
  const here = role === 'all' || (role === 'launcher' && config.processes.workers === 'in-process');
  return { recordingWorker: here, webhookWorker: here };
}

/**
 * CRM webhooks, when endpoints are configured: the outbox (and the worker, if it runs
 * here) first, then the dispatcher that feeds it from the domain events. Stopped in
 * reverse order (cleanup is last in, first out): no new events, then what was taken is
 * written, then the requests in flight finish.
 */
export async function startWebhooks(o: { config: Config; db: Database; events: DomainEvents; log: Logger; runWorker: boolean; cleanup: Cleanup }): Promise<WebhookDelivery | null> {
  if (o.config.crm.webhooks.length === 0) return null;
  const webhooks = createWebhookDelivery({ config: o.config, db: o.db, logger: o.log, runWorker: o.runWorker });
  await webhooks.start();
  o.cleanup.push(() => webhooks.stop());
  const dispatcher = new WebhookDispatcher({ config: o.config, events: o.events, sink: webhooks.outbox, log: o.log });
  dispatcher.start();
  o.cleanup.push(async () => dispatcher.stop());
  return webhooks;
}

/**
 * Recordings: the archive (index, queue; the worker, sweep and retention when they run
 * here), and where calls are routed, the pipeline that writes a pending row per answered
 * call. recording.ready is raised on `events` by whichever process stored the recording.
 */
export async function startRecordings(o: { config: Config; db: Database; events: DomainEvents; log: Logger; runWorker: boolean; routesCalls: boolean; cleanup: Cleanup }): Promise<RecordingArchive | null> {
  const { config } = o;
  if (!config.recordings.enabled) return null;
  // A missing encoder would fail every job, one by one: refuse to start instead, naming the package.
  const { format } = config.recordings;
  if (o.runWorker && format !== 'wav') requireBinary(ENCODERS[format].binary, ENCODERS[format].debianPackage);
  const publicBaseUrl = config.recordings.publicBaseUrl ?? `http://${config.http.host}:${config.http.port}`;
  const calls = new PostgresCallStore(o.db);
  // Only a process that converts starts threads; the archive never calls convert elsewhere.
  const threads = o.runWorker ? new ConversionThreads(recordingConcurrency(config.recordings.concurrency)) : null;
  if (threads) o.cleanup.push(() => threads.close());
  const archive = createRecordingArchive({
    config,
    db: o.db,
    logger: o.log,
    convert: threads?.convert ?? refuseConversion,
    runWorker: o.runWorker,
    callRecord: (callId) => calls.getCall(callId),
    onStored: (r) => o.events.emit('recording.ready', recordingReady(r, publicBaseUrl, Date.now())),
  });
  await archive.start();
  o.cleanup.push(() => archive.stop());
  if (o.routesCalls) {
    const pipeline = new RecordingPipeline({ events: o.events, clientAddress: config.trunks[0]!.address, archive, format: config.recordings.format, log: o.log });
    pipeline.start();
    o.cleanup.push(() => pipeline.stop());
  }
  return archive;
}

/**
 * A worker process: recordings (convert, store, sweep the spool, retention; its
 * recording.ready events go to the webhook outbox) or webhooks (deliver). Returns its stop.
 */
export async function startWorker(role: WorkerRole, config: Config, db: Database, log: Logger): Promise<() => Promise<void>> {
  const cleanup: Cleanup = [];
  const stop = async () => {
    while (cleanup.length > 0) await cleanup.pop()!().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
  };
  try {
    if (role === 'webhooks') {
      await startWebhooks({ config, db, events: new DomainEvents(), log: log.child({ component: 'webhooks' }), runWorker: true, cleanup });
    } else {
      const events = new DomainEvents();
      // Only recording.ready is raised here: it goes to the outbox, and the webhook workers send it.
      await startWebhooks({ config, db, events, log: log.child({ component: 'webhooks' }), runWorker: false, cleanup });
      await startRecordings({ config, db, events, log: log.child({ component: 'recordings' }), runWorker: true, routesCalls: false, cleanup });
    }
    return stop;
  } catch (err) {
    await stop();
    throw err;
  }
}

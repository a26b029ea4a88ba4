/**
 * A recording worker in a process of its own, for the test that kills it in the
 * middle of a conversion (SIGKILL: no cleanup, its BullMQ lock left to expire).
 * Settings come as JSON in LEADLINE_TEST_RECORDING_WORKER. It announces the calls,
 * prints "converting <pcap>" when a conversion starts, and that conversion never ends.
 */
import { createDatabase } from '../../src/adapters/postgres/database.js';
import { LocalFolderStorage } from '../../src/adapters/storage/local-folder-storage.js';
import { TEST_POSTGRES_URL } from './postgres-schema.js';
import { answeredCall, startRecordingHarness, writePcap } from './recording-harness.js';

const settings = JSON.parse(process.env.LEADLINE_TEST_RECORDING_WORKER ?? '{}') as {
  schema: string;
  keyPrefix: string;
  queueName: string;
  spoolDir: string;
  storageDir: string;
  callIds: string[];
};
const db = createDatabase({ url: TEST_POSTGRES_URL, schema: settings.schema }, { maxConnections: 4 });
const h = await startRecordingHarness({
  db,
  keyPrefix: settings.keyPrefix,
  queueName: settings.queueName,
  storage: new LocalFolderStorage(settings.storageDir),
  spoolDir: settings.spoolDir,
  convert: async (r) => {
    process.stdout.write(`converting ${r.pcapPath}\n`);
    return new Promise(() => {});
  },
  tuning: { lockDuration: 1000, stalledInterval: 300 },
});
for (const callId of settings.callIds) {
  await writePcap(h.spoolDir, callId);
  h.events.emit('call.ended', { record: answeredCall(callId) });
}
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);

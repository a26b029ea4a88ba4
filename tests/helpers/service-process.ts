/**
 * The service in a process of its own, for fault tests that kill it (SIGKILL: no
 * cleanup, its Kamailio and rtpengine left running). The validated config comes as
 * JSON in LEADLINE_TEST_SERVICE_CONFIG, logs go to LEADLINE_TEST_SERVICE_LOG.
 * Prints "ready <http url>" once the service serves.
 */
import pino from 'pino';
import { configSchema } from '../../src/config/config-schema.js';
import { startLeadline } from '../../src/launcher/start-leadline.js';

const config = configSchema.parse(JSON.parse(process.env.LEADLINE_TEST_SERVICE_CONFIG ?? '{}'));
const log = pino({ level: 'debug' }, pino.destination({ dest: process.env.LEADLINE_TEST_SERVICE_LOG ?? '/dev/null', sync: true }));
const running = await startLeadline(config, log);
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
process.stdout.write(`ready ${running.httpUrl}\n`);

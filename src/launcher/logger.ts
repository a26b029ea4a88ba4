import pino, { type Logger } from 'pino';

/** JSON lines on stdout; LOG_LEVEL=debug for more. Every line about a call carries its callId. */
export function createLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'leadline' } });
}

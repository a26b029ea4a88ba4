import type { Config } from './config-schema.js';

/** Pages that may open the browser phone's WebSocket: as configured, else the console's own origin. */
export function webphoneOrigins(config: Config): string[] {
  if (config.webphone.allowedOrigins.length > 0) return config.webphone.allowedOrigins;
  return [`http://${config.http.host}:${config.http.port}`];
}

/** The WebSocket address the browser opens. */
export function webphoneUrl(config: Config): string {
  return config.webphone.publicUrl ?? `ws://${config.webphone.listen}:${config.webphone.port}`;
}

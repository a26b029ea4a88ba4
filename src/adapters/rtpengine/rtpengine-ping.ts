import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

/**
 * Sends rtpengine's ng "ping" (bencoded, behind a cookie) and expects "pong".
 * Used by /healthz: the media relay answers, or it is down.
 */
export function pingRtpengine(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<{ ok: boolean; detail?: string }> {
  return new Promise((resolve) => {
    const cookie = randomBytes(6).toString('hex');
    const socket = createSocket('udp4');
    const done = (result: { ok: boolean; detail?: string }) => {
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, detail: `no answer from ${host}:${port} within ${timeoutMs} ms` }), timeoutMs);
    socket.on('message', (msg) => {
      const text = msg.toString();
      if (text.startsWith(`${cookie} `) && text.includes('4:pong')) done({ ok: true });
    });
    socket.on('error', (err) => done({ ok: false, detail: err.message }));
    socket.send(`${cookie} d7:command4:pinge`, port, host);
  });
}

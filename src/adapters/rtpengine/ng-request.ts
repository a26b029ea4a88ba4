import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

/** A bencoded dictionary of strings, as rtpengine's ng protocol takes it. */
export function bencodeStrings(fields: Record<string, string>): string {
  const str = (s: string) => `${Buffer.byteLength(s)}:${s}`;
  return `d${Object.entries(fields).map(([k, v]) => str(k) + str(v)).join('')}e`;
}

/**
 * One ng request over UDP (behind a random cookie); resolves with the reply's
 * bencoded text, or null when rtpengine does not answer in time.
 */
export function ngRequest(port: number, host: string, fields: Record<string, string>, timeoutMs: number): Promise<{ reply: string } | { error: string }> {
  return new Promise((resolve) => {
    const cookie = randomBytes(6).toString('hex');
    const socket = createSocket('udp4');
    const done = (result: { reply: string } | { error: string }) => {
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => done({ error: `no answer from ${host}:${port} within ${timeoutMs} ms` }), timeoutMs);
    socket.on('message', (msg) => {
      const text = msg.toString();
      if (text.startsWith(`${cookie} `)) done({ reply: text.slice(cookie.length + 1) });
    });
    socket.on('error', (err) => done({ error: err.message }));
    socket.send(`${cookie} ${bencodeStrings(fields)}`, port, host);
  });
}

import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';

/**
 * Raw SIP over WebSocket from inside a page (so the handshake carries the page's real
 * Origin, as the browser phone's does): the test writes the REGISTERs by hand and
 * computes the digest in Node, to present credentials a real phone would never send
 * (forged, expired, another extension's, the SIP password).
 */
export class PageSipSocket {
  private constructor(private readonly page: Page, private readonly slot: string) {}

  static async open(page: Page, url: string): Promise<PageSipSocket> {
    const slot = `ws_${randomBytes(4).toString('hex')}`;
    await page.evaluate(
      ([url, slot]) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(url!, 'sip');
          const inbox: string[] = [];
          const waiters: ((m: string) => void)[] = [];
          ws.onmessage = (e) => {
            const w = waiters.shift();
            if (w) w(String(e.data));
            else inbox.push(String(e.data));
          };
          ws.onopen = () => resolve();
          ws.onerror = () => reject(new Error('WebSocket failed'));
          (window as unknown as Record<string, unknown>)[slot!] = {
            send: (m: string) => ws.send(m),
            next: () => new Promise<string>((r, j) => {
              const m = inbox.shift();
              if (m !== undefined) return r(m);
              waiters.push(r);
              setTimeout(() => j(new Error('no SIP message within 5 s')), 5000);
            }),
            close: () => ws.close(),
          };
        }),
      [url, slot],
    );
    return new PageSipSocket(page, slot);
  }

  /** Sends one message and returns the next one received (the final reply, skipping 100). */
  async request(message: string): Promise<string> {
    await this.page.evaluate(([slot, m]) => (window as any)[slot!].send(m), [this.slot, message]);
    for (;;) {
      const reply = await this.page.evaluate((slot) => (window as any)[slot].next() as Promise<string>, this.slot);
      if (!/^SIP\/2\.0 1\d\d/.test(reply)) return reply;
    }
  }

  async close(): Promise<void> {
    await this.page.evaluate((slot) => (window as any)[slot].close(), this.slot);
  }
}

export const statusOf = (reply: string): number => Number(/^SIP\/2\.0 (\d{3})/.exec(reply)?.[1] ?? 0);

/**
 * REGISTER for `extension`, answered with a digest of `username`/`password` when a
 * challenge comes: returns the final status (401 would mean it was never answered).
 */
export async function registerOverWs(sock: PageSipSocket, o: { extension: string; domain: string; username: string; password: string }): Promise<number> {
  const callId = randomBytes(8).toString('hex');
  const tag = randomBytes(4).toString('hex');
  const contact = `sip:${randomBytes(4).toString('hex')}@${randomBytes(4).toString('hex')}.invalid;transport=ws`;
  const uri = `sip:${o.domain}`;
  const build = (cseq: number, auth?: string) =>
    [
      `REGISTER ${uri} SIP/2.0`,
      `Via: SIP/2.0/WSS ${randomBytes(4).toString('hex')}.invalid;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
      'Max-Forwards: 69',
      `To: <sip:${o.extension}@${o.domain}>`,
      `From: <sip:${o.extension}@${o.domain}>;tag=${tag}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <${contact}>;expires=60`,
      'Expires: 60',
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const first = await sock.request(build(1));
  if (statusOf(first) !== 401) return statusOf(first);
  const realm = /realm="([^"]+)"/.exec(first)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(first)![1]!;
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const cnonce = randomBytes(4).toString('hex');
  const ha1 = md5(`${o.username}:${realm}:${o.password}`);
  const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`);
  const auth = `Digest username="${o.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"`;
  return statusOf(await sock.request(build(2, auth)));
}

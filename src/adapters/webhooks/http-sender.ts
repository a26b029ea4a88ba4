import http from 'node:http';
import https from 'node:https';
import type { HttpAnswer, SendRequest } from '../../services/webhooks/delivery-log.port.js';

export type { HttpAnswer, SendRequest };

const MAX_BODY_BYTES = 64 * 1024;

export class RequestTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
    this.name = 'TimeoutError';
  }
}

/**
 * node:http with keep-alive agents rather than fetch: on two cores fetch's Request and
 * web-stream machinery alone capped delivery below 2,000 requests/s, node:http does
 * several times that. Redirects are not followed (a signed body must not go wherever a
 * 3xx points); the deadline covers the whole exchange, headers and body.
 */
export function createHttpSender(maxSocketsPerHost = 256): { send: SendRequest; close(): void } {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: maxSocketsPerHost }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: maxSocketsPerHost }),
  };
  const send: SendRequest = (request, timeoutMs) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const url = new URL(request.url);
      const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, {
        method: request.method,
        agent,
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
      });
      const timer = setTimeout(() => req.destroy(new RequestTimeoutError(timeoutMs)), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
          });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      req.end(request.body);
    });
  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { EvapiClient } from './evapi-client.js';
import type { KamailioEvent } from './evapi-protocol.js';

/** Kamailio answered an RPC with an error, or not at all. */
export class KamailioRpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`kamailio rpc ${method}: ${message}`);
    this.name = 'KamailioRpcError';
  }
}

const NOT_FOUND = 404;

/**
 * JSON-RPC questions to Kamailio over the evapi channel the service already holds
 * (Kamailio runs them with jsonrpcs' jsonrpc_exec and relays the reply): no second
 * control socket to open, secure or find. Replies go to every evapi client, so each
 * request id carries this instance's own prefix.
 */
export class KamailioRpc {
  private readonly prefix = randomBytes(4).toString('hex');
  private next = 0;
  private readonly pending = new Map<string, { method: string; settle: (reply: Extract<KamailioEvent, { event: 'rpc' }>['reply']) => void }>();

  constructor(
    private readonly evapi: EvapiClient,
    private readonly timeoutMs = 3000,
  ) {
    evapi.on('event', (event) => {
      if (event.event !== 'rpc') return;
      const waiter = this.pending.get(String(event.reply.id));
      if (!waiter) return;
      this.pending.delete(String(event.reply.id));
      waiter.settle(event.reply);
    });
    evapi.on('disconnected', () => {
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.settle({ id, error: { code: 503, message: 'the evapi channel closed before the reply' } });
      }
    });
  }

  /** The method's result; null when Kamailio says there is no such thing (404). */
  async call(method: string, params: unknown[]): Promise<unknown> {
    const id = `${this.prefix}-${++this.next}`;
    const reply = await new Promise<Extract<KamailioEvent, { event: 'rpc' }>['reply']>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, error: { code: 504, message: `no reply within ${this.timeoutMs} ms` } });
      }, this.timeoutMs);
      this.pending.set(id, {
        method,
        settle: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      if (!this.evapi.send({ type: 'rpc', rpc: JSON.stringify({ jsonrpc: '2.0', method, params, id }) })) {
        this.pending.get(id)?.settle({ id, error: { code: 503, message: 'not connected to kamailio' } });
        this.pending.delete(id);
      }
    });
    if (reply.error?.code === NOT_FOUND) return null;
    if (reply.error) throw new KamailioRpcError(method, reply.error.code, reply.error.message);
    return reply.result ?? null;
  }
}

import { createServer, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/config-schema.js';
import { EvapiClient } from '../../../src/adapters/kamailio/evapi-client.js';
import { KamailioBridge } from '../../../src/adapters/kamailio/kamailio-bridge.js';
import { restoreBase64Fields } from '../../../src/adapters/kamailio/evapi-protocol.js';
import { NetstringDecoder, encodeNetstring } from '../../../src/adapters/kamailio/netstring.js';

/** A stand-in for Kamailio's evapi: records what the client sends, sends what the test gives. */
async function fakeKamailio(): Promise<{ server: Server; port: number; received: unknown[]; connection: Promise<Socket> }> {
  const received: unknown[] = [];
  let onConnection: (s: Socket) => void = () => {};
  const connection = new Promise<Socket>((resolve) => (onConnection = resolve));
  const server = createServer((socket) => {
    const decoder = new NetstringDecoder();
    socket.on('data', (chunk) => received.push(...decoder.push(chunk).map((p) => JSON.parse(p))));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, received, connection };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

describe('EvapiClient', () => {
  it('says hello with the channel secret before anything else', async () => {
    const kamailio = await fakeKamailio();
    const client = new EvapiClient('127.0.0.1', kamailio.port, 'the-secret', pino({ level: 'silent' }));
    cleanup.push(() => client.stop(), () => kamailio.server.close());
    client.start();
    await client.waitConnected(2000);
    await until(() => kamailio.received.length > 0);
    expect(kamailio.received[0]).toEqual({ type: 'hello', secret: 'the-secret' });
  });

  it('hands on a route request it cannot read, with the transaction to refuse, and skips other unreadable messages', async () => {
    const kamailio = await fakeKamailio();
    const client = new EvapiClient('127.0.0.1', kamailio.port, 'the-secret', pino({ level: 'silent' }));
    cleanup.push(() => client.stop(), () => kamailio.server.close());
    const unusable: unknown[] = [];
    const events: unknown[] = [];
    client.on('unusable', (u) => unusable.push(u));
    client.on('event', (e) => events.push(e));
    client.start();
    const socket = await kamailio.connection;
    socket.write(encodeNetstring(JSON.stringify({ event: 'route', tindex: 1, tlabel: 2, callid: '', source: 'trunk', ts: 1 })));
    socket.write(encodeNetstring('{"event":"route","tindex":3,"tlabel":4,"callid":"a\\\'b"'));
    socket.write(encodeNetstring(JSON.stringify({ event: 'ended', callid_b64: Buffer.from([0x61, 0xff, 0x00]).toString('base64'), ts: 1 })));
    socket.write(encodeNetstring('not json at all'));
    await until(() => unusable.length === 2 && events.length === 1);
    expect(unusable).toEqual([
      { tindex: 1, tlabel: 2, callId: '' },
      { tindex: 3, tlabel: 4, callId: undefined },
    ]);
    expect(events).toEqual([{ event: 'ended', callid: 'a\uFFFD\uFFFD', ts: 1 }]);
  });
});

describe('KamailioBridge', () => {
  it('refuses a route request it cannot read with 400, so the caller is not left waiting', async () => {
    const kamailio = await fakeKamailio();
    const client = new EvapiClient('127.0.0.1', kamailio.port, 'the-secret', pino({ level: 'silent' }));
    cleanup.push(() => client.stop(), () => kamailio.server.close());
    const config = { sip: { domain: 'leadline.test' }, managers: [] } as unknown as Config;
    const unused = {} as never;
    new KamailioBridge({ config, evapi: client, router: unused, events: unused, registrations: unused, trunks: unused, log: pino({ level: 'silent' }) }).start();
    const socket = await kamailio.connection;
    socket.write(encodeNetstring(JSON.stringify({ event: 'route', tindex: 7, tlabel: 8, callid: 42, ts: 1 })));
    await until(() => kamailio.received.some((m) => (m as { type: string }).type === 'decision'));
    expect(kamailio.received).toContainEqual({ type: 'decision', tindex: 7, tlabel: 8, action: 'reject', code: 400, reason: 'Bad Request', media: 'no' });
  });
});

describe('restoreBase64Fields', () => {
  it('decodes <field>_b64 into <field> and leaves other fields alone', () => {
    expect(restoreBase64Fields({ event: 'x', from_user_b64: Buffer.from('caf\xe9', 'latin1').toString('base64'), code: 3 })).toEqual({ event: 'x', from_user: 'caf\uFFFD', code: 3 });
  });
});

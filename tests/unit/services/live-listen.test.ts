import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { bdecode, bencode } from '../../../src/adapters/rtpengine/bencode.js';
import { uniqueMids } from '../../../src/adapters/rtpengine/rtpengine-subscriptions.js';
import type { NewAudit } from '../../../src/core/recordings/recording-store.port.js';
import { LiveListen, type ListenMedia, type Listener } from '../../../src/services/live-listen.js';

const log = pino({ level: 'silent' });
const head: Listener = { name: 'head', role: 'supervisor', ip: '127.0.0.1', userAgent: 'test' };
const anna: Listener = { name: 'anna', role: 'manager', ip: '127.0.0.1', userAgent: 'test' };

function fakes(opts: { auditFails?: boolean; noCall?: boolean } = {}) {
  const audits: NewAudit[] = [];
  const media: string[] = [];
  const fakeMedia: ListenMedia = {
    async subscribe(callId) {
      media.push(`subscribe ${callId}`);
      if (opts.noCall) throw new Error('Unknown call-id');
      return { sdp: 'v=0\r\n', listenerTag: 'tag1' };
    },
    async answer(callId, tag) {
      media.push(`answer ${callId} ${tag}`);
    },
    async unsubscribe(callId, tag) {
      media.push(`unsubscribe ${callId} ${tag}`);
    },
  };
  const audit = {
    async audit(a: NewAudit) {
      if (opts.auditFails) throw new Error('postgres is down');
      audits.push(a);
    },
  };
  return { audits, media, listen: new LiveListen({ media: fakeMedia, audit, log }) };
}

describe('live listening', () => {
  it('gives a supervisor the offer, audited before any answer can make audio flow', async () => {
    const f = fakes();
    expect(await f.listen.start('c1', head)).toEqual({ sdp: 'v=0\r\n', listenId: 'tag1' });
    expect(f.audits).toEqual([{ action: 'live-listen', callId: 'c1', who: 'head', role: 'supervisor', ip: '127.0.0.1', userAgent: 'test' }]);
    await f.listen.answer('c1', 'tag1', 'v=0 answer', head);
    await f.listen.stop('c1', 'tag1', head);
    expect(f.media).toEqual(['subscribe c1', 'answer c1 tag1', 'unsubscribe c1 tag1']);
  });

  it('refuses a manager at every step, touches no media, and audits each attempt', async () => {
    const f = fakes();
    await expect(f.listen.start('c1', anna)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN', status: 403 });
    await expect(f.listen.answer('c1', 'tag1', 'v=0', anna)).rejects.toMatchObject({ status: 403 });
    await expect(f.listen.stop('c1', 'tag1', anna)).rejects.toMatchObject({ status: 403 });
    expect(f.media).toEqual([]);
    expect(f.audits.map((a) => `${a.action} ${a.who}`)).toEqual(['live-listen-refused anna', 'live-listen-refused anna', 'live-listen-refused anna']);
  });

  it('answers 404 for a call without media, and drops the subscription when the audit cannot be written', async () => {
    await expect(fakes({ noCall: true }).listen.start('gone', head)).rejects.toMatchObject({ code: 'LISTEN.NO_CALL', status: 404 });
    const f = fakes({ auditFails: true });
    await expect(f.listen.start('c1', head)).rejects.toThrow(/postgres is down/);
    expect(f.media).toEqual(['subscribe c1', 'unsubscribe c1 tag1']);
  });
});

describe('rtpengine subscription offers', () => {
  it('renumbers repeated mids, one per media section, and leaves the rest alone', () => {
    const sdp = ['v=0', 'm=audio 1 UDP/TLS/RTP/SAVPF 8', 'a=mid:1', 'a=sendonly', 'm=audio 2 UDP/TLS/RTP/SAVPF 8', 'a=mid:1', 'a=sendonly', ''].join('\r\n');
    expect(uniqueMids(sdp)).toBe(['v=0', 'm=audio 1 UDP/TLS/RTP/SAVPF 8', 'a=mid:0', 'a=sendonly', 'm=audio 2 UDP/TLS/RTP/SAVPF 8', 'a=mid:1', 'a=sendonly', ''].join('\r\n'));
  });

  it('bencodes and decodes the ng dictionaries both ways, and refuses malformed replies', () => {
    const value = { command: 'subscribe request', 'call-id': 'a:b', flags: ['all', 'generate-mid'], n: 42, sdp: 'v=0\r\nс=кириллица' };
    expect(bdecode(bencode(value))).toEqual(value);
    expect(bencode({ b: 1, a: 'x' })).toBe('d1:a1:x1:bi1ee');
    for (const bad of ['d3:abc', 'l1:a', '5:ab', 'i12', 'd1:ai1ee junk', 'x']) expect(() => bdecode(bad), bad).toThrow(/^bencode: /);
  });
});

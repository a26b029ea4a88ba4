import { describe, expect, it } from 'vitest';
import { digitOfEvent, MAX_DTMF_REPORT_BYTES, parseDtmfReport } from '../../../src/core/media/dtmf-digit.js';

// As rtpengine 10.5 sent it here (docs/announcements.md).
const real = '{"callid":"verify-dtmf","source_tag":"caller","tags":["leadline-announcer","caller"],"type":"DTMF","timestamp":1796282932,"source_ip":"127.0.0.1","event":2,"duration":24,"volume":10}';

describe('parseDtmfReport', () => {
  it("reads rtpengine's report: Call-ID, the sender's tag and the key", () => {
    expect(parseDtmfReport(Buffer.from(real))).toEqual({ callId: 'verify-dtmf', sourceTag: 'caller', digit: '2' });
  });

  it('maps events 0-9, 10 and 11 to 0-9, * and #, and nothing else', () => {
    expect([...Array(12).keys()].map(digitOfEvent).join('')).toBe('0123456789*#');
    for (const e of [12, 15, 16, -1, 2.5, '2', null, 1e9]) expect(digitOfEvent(e)).toBeNull();
  });

  it.each([
    ['not JSON', 'event 2'],
    ['an array', '[2]'],
    ['null', 'null'],
    ['a key A (event 12)', real.replace('"event":2', '"event":12')],
    ['an event given as text', real.replace('"event":2', '"event":"2"')],
    ['no Call-ID', real.replace('"callid":"verify-dtmf",', '')],
    ['an empty tag', real.replace('"source_tag":"caller"', '"source_tag":""')],
    ['a Call-ID of 300 characters', real.replace('verify-dtmf', 'x'.repeat(300))],
    ['another report type', real.replace('"type":"DTMF"', '"type":"other"')],
    ['an oversized datagram', real.replace('"volume":10', `"pad":"${'x'.repeat(MAX_DTMF_REPORT_BYTES)}"`)],
    ['an empty datagram', ''],
  ])('drops %s', (_what, text) => {
    expect(parseDtmfReport(Buffer.from(text))).toBeNull();
  });
});

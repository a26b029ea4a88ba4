import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callerMediaFromMetadata, parseRtpengineMetadata } from '../../../src/core/recordings/rtpengine-metadata.js';

describe('rtpengine metadata', () => {
  it('reads the answer SDP of an inbound call (a real file from the e2e run)', () => {
    const meta = parseRtpengineMetadata(readFileSync('tests/fixtures/recordings/rtpengine-meta-inbound.txt', 'utf8'));
    expect(meta.startedAt).toBeCloseTo(1795924732113.227);
    expect(meta.sdps).toEqual([{ mode: 'answer', audioAddress: '127.0.0.1:47112', rtpmap: new Map([[8, 'PCMA'], [0, 'PCMU'], [101, null]]) }]);
    expect(callerMediaFromMetadata(meta)).toEqual({ callerSendsTo: '127.0.0.1:47112' });
  });

  it('uses the first SDP only, prefers the media-level c= line, and knows an offer goes to the manager', () => {
    const text = [
      'SDP mode: offer', '', 'v=0', 'c=IN IP4 10.0.0.1', 'm=audio 30000 RTP/AVP 8', 'c=IN IP4 10.0.0.2', '',
      'SDP mode: answer', '', 'v=0', 'c=IN IP4 10.0.0.1', 'm=audio 30002 RTP/AVP 8', '',
    ].join('\n');
    const meta = parseRtpengineMetadata(text);
    expect(meta.sdps.map((s) => s.audioAddress)).toEqual(['10.0.0.2:30000', '10.0.0.1:30002']);
    expect(callerMediaFromMetadata(meta)).toEqual({ managerSendsTo: '10.0.0.2:30000' });
  });

  it('gives nothing without an SDP', () => {
    expect(callerMediaFromMetadata(parseRtpengineMetadata('call start time: x\n'))).toBeNull();
  });
});

import { createSocket } from 'node:dgram';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { kamailioStatistics, rtpengineStatistics } from '../../../src/adapters/metrics/daemon-statistics.js';
import { createLeadlineMetrics } from '../../../src/adapters/metrics/leadline-metrics.js';
import { BencodeError, bdecode } from '../../../src/adapters/rtpengine/bencode.js';
import { bencodeStrings } from '../../../src/adapters/rtpengine/ng-request.js';

describe('bdecode', () => {
  it('reads dictionaries, lists, integers and byte-length strings (multi-byte text included)', () => {
    expect(bdecode('d6:result2:ok5:statsd3:nowi-3e4:listl1:ai7eeee')).toEqual({ result: 'ok', stats: { now: -3, list: ['a', 7] } });
    expect(bdecode(Buffer.from('6:Привет'.replace('6', String(Buffer.byteLength('Привет')))))).toBe('Привет');
  });

  it('refuses cut, malformed, trailing and too deeply nested input with a reason instead of hanging', () => {
    for (const bad of ['d6:result2:o', 'i12', 'ixe', '5:ab', 'd1:ae', 'x', 'i1ei2e', `${'l'.repeat(40)}${'e'.repeat(40)}`, 'di1ei2ee']) {
      expect(() => bdecode(bad), bad).toThrow(BencodeError);
    }
  });
});

describe('Kamailio statistics', () => {
  it('reads "group:name = value" lines and skips what is not one', async () => {
    const rpc = { call: async () => ['core:rcv_requests = 42', 'shmem:free_size = 1048576', 'dialog:active_dialogs = 0', 'garbage', 7, 'x:y = 1.5'] };
    expect(await kamailioStatistics(rpc)).toEqual([
      { group: 'core', name: 'rcv_requests', value: 42 },
      { group: 'shmem', name: 'free_size', value: 1048576 },
      { group: 'dialog', name: 'active_dialogs', value: 0 },
      { group: 'x', name: 'y', value: 1.5 },
    ]);
    await expect(kamailioStatistics({ call: async () => null })).rejects.toThrow(/not a list/);
  });
});

/** A stand-in that answers the ng `statistics` command the way rtpengine 10.5 does (shape checked against the real daemon). */
let socket: ReturnType<typeof createSocket> | null = null;
afterEach(() => socket?.close());
async function fakeRtpengine(reply: (cookie: string) => string): Promise<number> {
  socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    const cookie = msg.toString().split(' ')[0]!;
    socket!.send(`${cookie} ${reply(cookie)}`, from.port, from.address);
  });
  await new Promise<void>((r) => socket!.bind(0, '127.0.0.1', r));
  return socket.address().port;
}

describe('rtpengine statistics', () => {
  it('takes the numbers of currentstatistics and totalstatistics, text numbers included', async () => {
    const port = await fakeRtpengine(
      () => 'd10:statisticsd17:currentstatisticsd11:sessionsowni2e10:packetratei100ee15:totalstatisticsd6:uptime2:6015:managedsessionsi5e15:avgcallduration8:2.500000e18:intervalstatisticsd3:fooi1eee6:result2:oke',
    );
    expect(await rtpengineStatistics(port)).toEqual([
      { group: 'currentstatistics', name: 'sessionsown', value: 2 },
      { group: 'currentstatistics', name: 'packetrate', value: 100 },
      { group: 'totalstatistics', name: 'uptime', value: 60 },
      { group: 'totalstatistics', name: 'managedsessions', value: 5 },
      { group: 'totalstatistics', name: 'avgcallduration', value: 2.5 },
    ]);
  });

  it('says why when rtpengine refuses, answers garbage or is silent', async () => {
    const refusing = await fakeRtpengine(() => bencodeStrings({ result: 'error', 'error-reason': 'Unrecognized command' }));
    await expect(rtpengineStatistics(refusing)).rejects.toThrow(/Unrecognized command/);
    socket!.close();
    const garbage = await fakeRtpengine(() => 'd6:result');
    await expect(rtpengineStatistics(garbage)).rejects.toThrow(/bencode/);
    socket!.close();
    socket = null;
    await expect(rtpengineStatistics(9, '127.0.0.1', 200)).rejects.toThrow(/no answer|ECONNREFUSED/);
  });
});

describe('daemon gauges in /metrics', () => {
  it('exports each statistic and whether each daemon answered this scrape', async () => {
    let kamailioUp = true;
    const metrics = createLeadlineMetrics(
      {
        kamailioStatistics: async () => {
          if (!kamailioUp) throw new Error('not connected to kamailio');
          return [{ group: 'core', name: 'rcv_requests', value: 42 }];
        },
        rtpengineStatistics: async () => [{ group: 'totalstatistics', name: 'managedsessions', value: 3 }],
      },
      pino({ level: 'silent' }),
    );
    let text = await metrics.registry.metrics();
    expect(text).toContain('leadline_kamailio_statistic{group="core",name="rcv_requests"} 42');
    expect(text).toContain('leadline_rtpengine_statistic{section="totalstatistics",name="managedsessions"} 3');
    expect(text).toContain('leadline_daemon_statistics_up{daemon="kamailio"} 1');
    kamailioUp = false;
    await new Promise((r) => setTimeout(r, 1100)); // past the one-second sharing of an answer
    text = await metrics.registry.metrics();
    expect(text).toContain('leadline_daemon_statistics_up{daemon="kamailio"} 0');
    expect(text).toContain('leadline_daemon_statistics_up{daemon="rtpengine"} 1');
    expect(text).not.toContain('leadline_kamailio_statistic{');
  });
});

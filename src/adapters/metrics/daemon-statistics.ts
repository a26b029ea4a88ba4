import { bdecode, type Bencoded } from '../rtpengine/bencode.js';
import { ngRequest } from '../rtpengine/ng-request.js';

/** One statistic of a daemon, as the gauges carry it. */
export interface DaemonStatistic {
  group: string;
  name: string;
  value: number;
}

/** Something that runs Kamailio RPC methods (KamailioRpc, over the evapi channel). */
export interface RpcCaller {
  call(method: string, params: unknown[]): Promise<unknown>;
}

/**
 * Kamailio's own counters (`stats.get_statistics all` over jsonrpcs): core requests and
 * replies, dropped and erroneous messages, transactions (tmx), registered contacts
 * (usrloc), dialogs, shared memory, sl replies. Kamailio answers with lines
 * "group:name = value".
 */
export async function kamailioStatistics(rpc: RpcCaller): Promise<DaemonStatistic[]> {
  const result = await rpc.call('stats.get_statistics', ['all']);
  if (!Array.isArray(result)) throw new Error(`stats.get_statistics answered ${JSON.stringify(result)?.slice(0, 100)}, not a list`);
  const stats: DaemonStatistic[] = [];
  for (const line of result) {
    const m = typeof line === 'string' ? /^([\w.-]+):([\w.-]+) = (-?\d+(?:\.\d+)?)$/.exec(line) : null;
    if (m) stats.push({ group: m[1]!, name: m[2]!, value: Number(m[3]) });
  }
  return stats;
}

/** The sections of rtpengine's `statistics` answer that hold one number per name. */
const RTPENGINE_SECTIONS = ['currentstatistics', 'totalstatistics'] as const;

/**
 * rtpengine's ng `statistics`: sessions now (own, foreign, transcoded), packet/byte/error
 * rates, and since start: managed, rejected and timed-out sessions, relayed packets and
 * errors, one-way and zero-way streams, average call duration. Numbers sent as text
 * ("0.000000") are read as numbers; anything else is left out.
 */
export async function rtpengineStatistics(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<DaemonStatistic[]> {
  const answer = await ngRequest(port, host, { command: 'statistics' }, timeoutMs);
  if ('error' in answer) throw new Error(`rtpengine statistics: ${answer.error}`);
  const reply = bdecode(answer.reply);
  const dict = (v: Bencoded | undefined) => (v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
  const top = dict(reply);
  if (top?.result !== 'ok') throw new Error(`rtpengine statistics: ${String(top?.['error-reason'] ?? top?.result ?? 'no result')}`);
  const statistics = dict(top.statistics);
  const stats: DaemonStatistic[] = [];
  for (const section of RTPENGINE_SECTIONS) {
    for (const [name, raw] of Object.entries(dict(statistics?.[section]) ?? {})) {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : null;
      if (value !== null) stats.push({ group: section, name, value });
    }
  }
  return stats;
}

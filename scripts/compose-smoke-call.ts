/**
 * The call scripts/compose-smoke.sh places through the running compose stack: sipp
 * registers manager 101 with digest auth, answers as that phone (echoing RTP), and a
 * sipp trunk on 127.0.0.2 calls the company number for a few seconds. Then it checks
 * the call record (answered by 101) and fetches the recording through the API, which
 * reads it from the S3 container. Prints one line per step; exits 1 on the first failure.
 *
 *   tsx scripts/compose-smoke-call.ts   (environment: SMOKE_URL, SMOKE_TOKEN, SMOKE_PASSWORD, SMOKE_NUMBER)
 */
import { runSipp, startSipp } from '../tests/helpers/sipp.js';

const url = process.env.SMOKE_URL ?? 'http://127.0.0.1:8080';
const token = process.env.SMOKE_TOKEN ?? '';
const password = process.env.SMOKE_PASSWORD ?? '';
const number = process.env.SMOKE_NUMBER ?? '+74951234567';
const proxy = process.env.SMOKE_SIP ?? '127.0.0.1:5060';
const PHONE_PORT = 5070;
const TRUNK_IP = '127.0.0.2';

const started = Date.now();
const say = (text: string) => process.stdout.write(`[call +${((Date.now() - started) / 1000).toFixed(1)}s] ${text}\n`);

async function api(path: string): Promise<Response> {
  return fetch(new URL(path, url), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
}

/** Polls until check returns a value (bounded: it fails after timeoutMs). */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  const registered = await runSipp({ scenario: 'register.xml', remote: proxy, localIp: '127.0.0.1', localPort: PHONE_PORT, service: '101', authPassword: password, vars: { expires: 300 }, calls: 1, timeoutMs: 15_000 });
  if (registered.exitCode !== 0) throw new Error(`manager 101 did not register (sipp exit ${registered.exitCode}): ${registered.stderr.slice(-500)}`);
  say('manager 101 registered (digest auth through the kamailio container)');

  const phone = startSipp({ scenario: 'uas-answer-echo.xml', localIp: '127.0.0.1', localPort: PHONE_PORT, mediaPort: 41000, rtpEcho: true, calls: 1, timeoutMs: 60_000 });
  const caller = startSipp({ scenario: 'uac-call.xml', remote: proxy, localIp: TRUNK_IP, localPort: 5060, mediaPort: 41010, service: number, vars: { caller: '79161234567' }, calls: 1, pauseMs: 4000, traceErr: true, timeoutMs: 60_000 });
  const callId = `1-${caller.pid}@${TRUNK_IP}`;
  const result = await caller.done;
  await phone.stop();
  if (result.exitCode !== 0) throw new Error(`the trunk's call failed (sipp exit ${result.exitCode}): ${result.errors.slice(-800)}`);
  say(`call ${callId} answered by the phone, 4 s of RTP through the rtpengine container, hung up`);

  const record = await until('the call record', 30_000, async () => {
    const res = await api(`/api/calls/${encodeURIComponent(callId)}`);
    if (!res.ok) return undefined;
    const body = (await res.json()) as { disposition?: string; manager?: string | null; endedAt?: string | null; talkSeconds?: number };
    return body.endedAt ? body : undefined;
  });
  if (record.manager !== '101' || record.disposition !== 'answered') throw new Error(`call record: ${JSON.stringify(record)}`);
  say(`call record in PostgreSQL: disposition ${record.disposition}, manager ${record.manager}, talk ${record.talkSeconds ?? '?'} s`);

  const audio = await until('the recording in S3', 90_000, async () => {
    const res = await api(`/api/recordings/${encodeURIComponent(callId)}/audio?redirect=0`);
    if (res.status !== 200) return undefined;
    return { type: res.headers.get('content-type'), bytes: (await res.arrayBuffer()).byteLength };
  });
  if (audio.bytes < 1000) throw new Error(`the recording is only ${audio.bytes} bytes`);
  say(`recording stored in the s3 container and served back: ${audio.bytes} bytes, ${audio.type}`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    say(`FAILED: ${err.message}`);
    process.exit(1);
  },
);

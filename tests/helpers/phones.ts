import { runSipp, startSipp, waitForPortFree, type SippResult, type SippRun } from './sipp.js';
import { COMPANY_NUMBER, TRUNK_IP, type TestPbx } from './test-pbx.js';

/**
 * sipp playing the parties of a call against a test PBX: manager phones on
 * 127.0.0.1 (phone i of the port plan is extension 101 + i), the trunk on 127.0.0.2.
 */
export class Phones {
  constructor(private readonly pbx: TestPbx) {}

  private get proxy(): string {
    return `127.0.0.1:${this.pbx.ports.sip}`;
  }

  portOf(extension: string): number {
    return this.pbx.ports.phone(Number(extension) - 101);
  }

  /** REGISTERs extension from its phone port with digest auth (expires 0 unregisters). */
  async register(extension: string, opts: { password?: string; expires?: number } = {}): Promise<SippResult> {
    const port = this.portOf(extension);
    await waitForPortFree(port);
    const result = await runSipp({
      scenario: opts.password === undefined || opts.password === this.pbx.passwordOf(extension) ? 'register.xml' : 'register-expect-403.xml',
      remote: this.proxy,
      localIp: '127.0.0.1',
      localPort: port,
      service: extension,
      authPassword: opts.password ?? this.pbx.passwordOf(extension),
      vars: { expires: opts.expires ?? 300 },
      calls: 1,
      timeoutMs: 10_000,
    });
    await waitForPortFree(port);
    return result;
  }

  async unregisterAll(): Promise<void> {
    for (const extension of this.pbx.extensions) await this.register(extension, { expires: 0 });
  }

  /** A manager's phone that answers (echoing RTP; after ringing answerDelayMs), is busy, or rings without answering. */
  async answer(extension: string, behaviour: 'echo' | 'busy' | 'no-answer', calls = 1, answerDelayMs = 0): Promise<SippRun> {
    const port = this.portOf(extension);
    await waitForPortFree(port);
    const ringsFirst = behaviour === 'echo' && answerDelayMs > 0;
    const scenario = ringsFirst ? 'uas-ring-then-answer.xml' : { echo: 'uas-answer-echo.xml', busy: 'uas-busy.xml', 'no-answer': 'uas-no-answer.xml' }[behaviour];
    return startSipp({
      scenario,
      localIp: '127.0.0.1',
      localPort: port,
      calls,
      ...(behaviour === 'echo' ? { mediaPort: this.pbx.ports.media(Number(extension) - 100), rtpEcho: true } : {}),
      ...(ringsFirst ? { pauseMs: answerDelayMs } : {}),
      timeoutMs: 60_000,
    });
  }

  /** The trunk as a callee (outbound calls land here). */
  async trunkAnswers(calls = 1): Promise<SippRun> {
    await waitForPortFree(this.pbx.ports.trunk, TRUNK_IP);
    return startSipp({
      scenario: 'uas-answer-echo.xml',
      localIp: TRUNK_IP,
      localPort: this.pbx.ports.trunk,
      mediaPort: this.pbx.ports.media(0),
      rtpEcho: true,
      calls,
      traceMsg: true,
      timeoutMs: 60_000,
    });
  }

  /** The trunk calls the company number. The Call-ID is "1-<pid>@127.0.0.2". */
  callFromTrunk(opts: { scenario?: string; talkMs?: number; caller?: string; dialled?: string } = {}): SippRun {
    return startSipp({
      scenario: opts.scenario ?? 'uac-call.xml',
      remote: this.proxy,
      localIp: TRUNK_IP,
      localPort: this.pbx.ports.trunk,
      mediaPort: this.pbx.ports.media(9),
      service: opts.dialled ?? COMPANY_NUMBER,
      vars: { caller: opts.caller ?? '79161234567' },
      calls: 1,
      pauseMs: opts.talkMs ?? 2000,
      traceErr: true,
      timeoutMs: 60_000,
    });
  }

  /**
   * Trunk callers on their own port of 127.0.0.2 (the trunk is trusted by address), so
   * several can run at once: `calls` calls at `rate` per second, each talking `talkMs`.
   */
  trunkCalls(slot: number, opts: { dialled: string; scenario?: string; calls?: number; rate?: number; talkMs?: number; caller?: string }): SippRun {
    return startSipp({
      scenario: opts.scenario ?? 'uac-call-nomedia.xml',
      remote: this.proxy,
      localIp: TRUNK_IP,
      localPort: this.pbx.ports.trunk + 20 + slot * 2,
      mediaPort: this.pbx.ports.media(20 + slot),
      service: opts.dialled,
      vars: { caller: opts.caller ?? `7916000${String(slot).padStart(4, '0')}` },
      calls: opts.calls ?? 1,
      ...(opts.rate ? { rate: opts.rate, limit: 200 } : {}),
      pauseMs: opts.talkMs ?? 1000,
      traceErr: true,
      timeoutMs: 120_000,
    });
  }

  /** A manager's phone dials a number, authenticating with its password (or a wrong one). */
  callFromPhone(extension: string, dialled: string, opts: { password?: string; scenario?: string; talkMs?: number } = {}): SippRun {
    return startSipp({
      scenario: opts.scenario ?? 'uac-authenticated-call.xml',
      remote: this.proxy,
      localIp: '127.0.0.1',
      localPort: this.portOf(extension),
      mediaPort: this.pbx.ports.media(8),
      service: dialled,
      vars: { caller: extension },
      authUser: extension,
      authPassword: opts.password ?? this.pbx.passwordOf(extension),
      calls: 1,
      pauseMs: opts.talkMs ?? 1000,
      traceErr: true,
      timeoutMs: 60_000,
    });
  }
}

export function callIdOf(run: SippRun, ip: string): string {
  return `1-${run.pid}@${ip}`;
}

/** The final code a uac-call-expect-failure.xml caller got. */
export function finalCodeOf(result: SippResult): number | null {
  const line = result.logLines.find((l) => l.includes('final='));
  return line ? Number(/final=(\d+)/.exec(line)![1]) : null;
}

import { ngRequest } from './ng-request.js';

/**
 * Sends rtpengine's ng "ping" and expects "pong".
 * Used by /healthz: the media relay answers, or it is down.
 */
export async function pingRtpengine(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<{ ok: boolean; detail?: string }> {
  const answer = await ngRequest(port, host, { command: 'ping' }, timeoutMs);
  if ('error' in answer) return { ok: false, detail: answer.error };
  return answer.reply.includes('4:pong') ? { ok: true } : { ok: false, detail: `unexpected answer: ${answer.reply.slice(0, 100)}` };
}

/**
 * Whether rtpengine still relays media for this call: the witness that a call is
 * up when Kamailio lost its dialog (Kamailio restarted while the parties talk on).
 * Throws when rtpengine cannot be asked, so nothing is closed on a guess.
 */
export async function hasMediaSession(port: number, callId: string, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  const answer = await ngRequest(port, host, { command: 'query', 'call-id': callId }, timeoutMs);
  if ('error' in answer) throw new Error(`rtpengine could not be asked about ${callId}: ${answer.error}`);
  return answer.reply.includes('6:result2:ok');
}

import { UA, WebSocketInterface } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import { api, ApiError, query } from '../api.js';
import { CoachReceiver, type CoachView } from './coach-receiver.js';

/**
 * The manager's phone in the browser: JsSIP registered as his extension over Kamailio's
 * WebSocket, with credentials the service issues for a few minutes at a time (the console
 * session is the proof; the SIP password never reaches the page). Media goes through
 * rtpengine, which speaks ICE and DTLS-SRTP to the browser and plain RTP to the trunk.
 * One call at a time: a second one while busy is refused with 486.
 */

export interface PhoneCredentialsResponse {
  wsUrl: string;
  uri: string;
  username: string;
  password: string;
  expiresAt: string;
  extension: string;
  displayName: string;
}

/** unavailable: the service has no browser phone (webphone.enabled is off). */
export type PhoneStatus = 'off' | 'connecting' | 'registered' | 'failed' | 'unavailable';
export type CallState = 'ringing' | 'calling' | 'talking' | 'ended';

export interface CallView {
  direction: 'in' | 'out';
  /** The other party's number (user part of their URI). */
  number: string;
  name: string;
  state: CallState;
  muted: boolean;
  held: boolean;
  /** Why it ended, when it did. */
  cause?: string;
  /** The number as people read it and the lead in the CRM (GET /api/phone/caller), once known. */
  card?: CallerCard;
}

export interface CallerCard {
  number: string;
  e164: string | null;
  lead: { id: string; url: string | null } | null;
}

export interface PhoneView {
  status: PhoneStatus;
  extension: string | null;
  error: string | null;
  call: CallView | null;
  /** RTP packets received and sent in the current call (from the peer connection's stats). */
  packets: { received: number; sent: number };
  /** Supervisors whispering to him or barging into the call now. */
  coaching: CoachView[];
}

const MEDIA: MediaStreamConstraints = { audio: true, video: false };
/** No STUN/TURN: rtpengine is reachable from the browser and is the only peer (ICE-lite). */
const PC_CONFIG: RTCConfiguration = { iceServers: [] };

export class BrowserPhone {
  private ua: UA | null = null;
  private session: RTCSession | null = null;
  /** The first leg of a click-to-call, while it lasts. */
  private clickLeg: RTCSession | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private coach: CoachReceiver | null = null;
  private domain = '';
  private view: PhoneView = { status: 'off', extension: null, error: null, call: null, packets: { received: 0, sent: 0 }, coaching: [] };
  private readonly listeners = new Set<(view: PhoneView) => void>();

  constructor(
    private readonly audio: HTMLAudioElement,
    private readonly fetchCredentials: () => Promise<PhoneCredentialsResponse> = () => api<PhoneCredentialsResponse>('/api/phone/credentials', { method: 'POST' }),
  ) {}

  subscribe(listener: (view: PhoneView) => void): () => void {
    this.listeners.add(listener);
    listener(this.view);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.ua) return;
    this.update({ status: 'connecting', error: null });
    let creds: PhoneCredentialsResponse;
    try {
      creds = await this.fetchCredentials();
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.update({ status: 'unavailable' });
      else this.update({ status: 'failed', error: `No phone credentials: ${(e as Error).message}` });
      return;
    }
    this.domain = creds.uri.replace(/^sip:[^@]+@/, '');
    const lifetime = Date.parse(creds.expiresAt) - Date.now();
    const ua = new UA({
      sockets: [new WebSocketInterface(creds.wsUrl)],
      uri: creds.uri,
      authorization_user: creds.username,
      password: creds.password,
      display_name: creds.displayName,
      register: true,
      // Refreshed well within the credentials' life, so a refresh never meets expired ones.
      register_expires: Math.max(60, Math.min(300, Math.floor(lifetime / 2000))),
      session_timers: false,
      user_agent: 'Leadline browser phone',
    });
    this.ua = ua;
    ua.on('connecting', () => this.update({ status: 'connecting' }));
    ua.on('registered', () => this.update({ status: 'registered', extension: creds.extension, error: null }));
    ua.on('unregistered', () => this.update({ status: 'off' }));
    ua.on('registrationFailed', (e: { cause?: string; response?: { status_code: number; reason_phrase: string } }) =>
      this.update({ status: 'failed', error: `Registration refused: ${e.response ? `${e.response.status_code} ${e.response.reason_phrase}` : e.cause ?? 'no answer'}` }),
    );
    ua.on('disconnected', () => {
      if (this.view.status !== 'off') this.update({ status: 'connecting', error: 'The connection to the PBX dropped; reconnecting…' });
    });
    ua.on('newRTCSession', (e: { originator: string; session: RTCSession; request: { getHeader(name: string): string | undefined } }) =>
      this.onSession(e.session, e.originator === 'remote' ? 'in' : 'out', e.originator === 'remote' && isClickToCall(e.session, e.request)),
    );
    ua.start();
    this.scheduleRefresh(lifetime);
  }

  stop(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.session?.terminate();
    this.ua?.stop();
    this.ua = null;
    this.update({ status: 'off', extension: null });
  }

  call(number: string): void {
    const target = number.replace(/[^0-9+*#]/g, '');
    if (!this.ua || this.session || target === '') return;
    this.ua.call(`sip:${target}@${this.domain}`, { mediaConstraints: MEDIA, pcConfig: PC_CONFIG });
  }

  answer(): void {
    if (this.session && this.view.call?.state === 'ringing' && this.view.call.direction === 'in') {
      this.session.answer({ mediaConstraints: MEDIA, pcConfig: PC_CONFIG });
    }
  }

  hangUp(): void {
    this.session?.terminate();
  }

  toggleMute(): void {
    if (!this.session || !this.view.call) return;
    if (this.view.call.muted) this.session.unmute({ audio: true });
    else this.session.mute({ audio: true });
  }

  toggleHold(): void {
    if (!this.session || !this.view.call) return;
    if (this.view.call.held) this.session.unhold();
    else this.session.hold();
  }

  /** Blind transfer: the other party is asked (REFER) to call the target; this call ends when it does. */
  transfer(target: string): void {
    const digits = target.replace(/[^0-9+]/g, '');
    if (!this.session || digits === '') return;
    this.session.refer(`sip:${digits}@${this.domain}`);
  }

  /** DTMF in the media (RFC 4733) when negotiated, else as SIP INFO. */
  dtmf(tone: string): void {
    if (!this.session || !/^[0-9*#A-D]$/.test(tone)) return;
    try {
      this.session.sendDTMF(tone, { transportType: 'RFC2833' as never });
    } catch {
      this.session.sendDTMF(tone);
    }
  }

  private onSession(session: RTCSession, direction: 'in' | 'out', clickToCall = false): void {
    if (this.session && !(direction === 'out' && this.session === this.clickLeg)) {
      // Busy: one call at a time.
      if (direction === 'in') session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    // The call the click-to-call leg was referred to takes its place (that leg is ending).
    this.session = session;
    this.clickLeg = clickToCall ? session : null;
    if (clickToCall) {
      // The PBX rings the manager first, then REFERs him to the client: his own click,
      // so it is answered at once and the referral followed; no one else may refer him.
      session.on('refer', (e) => (e.accept as (cb: undefined, options: unknown) => void)(undefined, { mediaConstraints: MEDIA, pcConfig: PC_CONFIG }));
      queueMicrotask(() => session.answer({ mediaConstraints: MEDIA, pcConfig: PC_CONFIG }));
    } else {
      session.on('refer', (e) => (e.reject as () => void)());
    }
    const remote = session.remote_identity;
    this.update({
      call: { direction, number: remote.uri.user ?? '', name: remote.display_name ?? '', state: direction === 'in' ? 'ringing' : 'calling', muted: false, held: false },
      packets: { received: 0, sent: 0 },
    });
    const attach = (pc: RTCPeerConnection) => {
      pc.addEventListener('track', (t) => {
        this.audio.srcObject = t.streams[0] ?? new MediaStream([t.track]);
        void this.audio.play().catch(() => {});
      });
    };
    if (session.connection) attach(session.connection);
    else session.on('peerconnection', (e: { peerconnection: RTCPeerConnection }) => attach(e.peerconnection));
    session.on('accepted', () => this.patchCall({ state: 'talking' }));
    session.on('confirmed', () => {
      this.patchCall({ state: 'talking' });
      this.startStats(session);
      this.coach?.stop();
      this.coach = new CoachReceiver(
        () => session.connection?.getSenders().find((s) => s.track?.kind === 'audio') ?? null,
        (coaching) => this.session === session && this.update({ coaching }),
      );
      this.coach.start();
    });
    void this.lookUpCaller(session, remote.uri.user ?? '');
    session.on('muted', () => this.patchCall({ muted: true }));
    session.on('unmuted', () => this.patchCall({ muted: false }));
    session.on('hold', (e: { originator: string }) => e.originator === 'local' && this.patchCall({ held: true }));
    session.on('unhold', (e: { originator: string }) => e.originator === 'local' && this.patchCall({ held: false }));
    const end = (e: { cause?: string }) => {
      if (this.clickLeg === session) this.clickLeg = null;
      if (this.session !== session) return;
      this.session = null;
      if (this.statsTimer) clearInterval(this.statsTimer);
      this.statsTimer = null;
      this.audio.srcObject = null;
      this.coach?.stop();
      this.coach = null;
      this.update({ coaching: [] });
      this.patchCall({ state: 'ended', cause: e.cause });
    };
    session.on('ended', end);
    session.on('failed', end);
  }

  /** The other party's number as people read it, and his lead; the call goes on without them if the lookup fails. */
  private async lookUpCaller(session: RTCSession, number: string): Promise<void> {
    if (number === '' || !/^[+0-9]/.test(number)) return;
    try {
      const card = await api<CallerCard>(`/api/phone/caller${query({ number })}`);
      if (this.session === session) this.patchCall({ card });
    } catch {
      // No leads configured, or the service away: the raw number stays.
    }
  }

  private startStats(session: RTCSession): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = setInterval(async () => {
      const pc = session.connection;
      if (!pc) return;
      let received = 0;
      let sent = 0;
      (await pc.getStats()).forEach((s: { type: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.packetsReceived ?? 0;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.packetsSent ?? 0;
      });
      if (this.session === session) this.update({ packets: { received, sent } });
    }, 1000);
  }

  /** New credentials before these lapse; the next REGISTER (sent now) and every call use them. */
  private scheduleRefresh(lifetimeMs: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(async () => {
      if (!this.ua) return;
      try {
        const creds = await this.fetchCredentials();
        this.ua.set('authorization_user', creds.username);
        this.ua.set('password', creds.password);
        this.ua.register();
        this.scheduleRefresh(Date.parse(creds.expiresAt) - Date.now());
      } catch (e) {
        // Signed out or the service is away: try again soon; the registration lapses by itself.
        this.update({ error: `Could not renew the phone's credentials: ${(e as Error).message}` });
        this.scheduleRefresh(60_000);
      }
    }, Math.max(5_000, lifetimeMs * 0.6));
  }

  private patchCall(patch: Partial<CallView>): void {
    if (this.view.call) this.update({ call: { ...this.view.call, ...patch } });
  }

  private update(patch: Partial<PhoneView>): void {
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l(this.view);
  }
}

/**
 * The first leg of a click-to-call: from the PBX's own controller, with its auto-answer
 * hint. Kamailio strips Call-Info and Alert-Info from every INVITE it did not originate,
 * so a caller cannot make the browser answer by itself.
 */
function isClickToCall(session: RTCSession, request: { getHeader(name: string): string | undefined }): boolean {
  return session.remote_identity.uri.user === 'click-to-call' && /answer-after=0/.test(request.getHeader('Call-Info') ?? '');
}

import { api } from '../api.js';
import { iceGathered } from './peer-connection.js';

/** A supervisor coaching this manager's call, as GET /api/phone/coaching gives it. */
export interface CoachOffer {
  coachId: string;
  callId: string;
  mode: 'whisper' | 'barge';
  supervisor: string;
  sdp: string;
}

export interface CoachView {
  mode: 'whisper' | 'barge';
  supervisor: string;
  /** RTP packets of the supervisor's stream received so far. */
  received: number;
  /** The stream's transport: ICE and DTLS states, for a look when it stays silent. */
  link: string;
}

const POLL_MS = 1500;

interface Held {
  offer: CoachOffer;
  pc: RTCPeerConnection;
  audio: HTMLAudioElement;
  received: number;
  link: string;
  /** Barge only: puts the call's own microphone track back. */
  unmix: (() => void) | null;
}

/**
 * The manager's side of whisper and barge. While a call lasts, asks the service every
 * 1.5 s whether a supervisor coaches it; answers each session's offer (rtpengine's
 * subscription to the supervisor's published microphone) and plays it to the manager.
 * In barge it also mixes that stream with the manager's microphone (Web Audio) and puts
 * the mix on the call's sender (replaceTrack), so the client hears the supervisor:
 * rtpengine 10.5 has no mixer, so this browser is the mixer. Whisper never touches the
 * call's sender. A session the service no longer lists is closed and unmixed.
 */
export class CoachReceiver {
  private readonly held = new Map<string, Held>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling = false;

  constructor(
    private readonly callSender: () => RTCRtpSender | null,
    private readonly onChange: (sessions: CoachView[]) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const id of [...this.held.keys()]) this.close(id);
    this.emit();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { sessions } = await api<{ sessions: CoachOffer[] }>('/api/phone/coaching');
      const listed = new Set(sessions.map((s) => s.coachId));
      for (const id of [...this.held.keys()]) if (!listed.has(id)) this.close(id);
      for (const offer of sessions) {
        if (this.held.has(offer.coachId) || !this.timer) continue;
        // A session whose answer failed is dropped here and answered afresh at the next poll.
        await this.accept(offer).catch(() => this.close(offer.coachId));
      }
      await this.countPackets();
    } catch {
      // The service away for a moment: the next poll tries again; what plays keeps playing.
    } finally {
      this.polling = false;
      // The call ended while an offer was being answered: nothing may outlive it.
      if (!this.timer) for (const id of [...this.held.keys()]) this.close(id);
      this.emit();
    }
  }

  private async accept(offer: CoachOffer): Promise<void> {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const audio = new Audio();
    audio.autoplay = true;
    const held: Held = { offer, pc, audio, received: 0, link: 'new', unmix: null };
    this.held.set(offer.coachId, held);
    pc.ontrack = (e) => {
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      // Played to the manager in both modes; Chromium also feeds Web Audio from a remote track only while an element plays it.
      audio.srcObject = stream;
      void audio.play().catch(() => {});
      if (offer.mode === 'barge') held.unmix = this.mix(e.track);
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await iceGathered(pc);
    await api(`/api/phone/coaching/${offer.coachId}/answer`, { method: 'POST', body: { sdp: pc.localDescription!.sdp } });
  }

  /** Barge: the call sends microphone + supervisor; returns how to undo it. */
  private mix(supervisor: MediaStreamTrack): (() => void) | null {
    const sender = this.callSender();
    const microphone = sender?.track ?? null;
    if (!sender || !microphone) return null;
    const context = new AudioContext({ sampleRate: 48000 });
    const out = context.createMediaStreamDestination();
    context.createMediaStreamSource(new MediaStream([microphone])).connect(out);
    context.createMediaStreamSource(new MediaStream([supervisor])).connect(out);
    void context.resume();
    const mixed = out.stream.getAudioTracks()[0]!;
    // JsSIP's mute disables the sender's track: the mix takes over the microphone's mute
    // state while it is on the call, and gives it back after.
    mixed.enabled = microphone.enabled;
    microphone.enabled = true;
    void sender.replaceTrack(mixed);
    return () => {
      microphone.enabled = mixed.enabled;
      void sender.replaceTrack(microphone).catch(() => {});
      void context.close();
    };
  }

  private async countPackets(): Promise<void> {
    for (const held of this.held.values()) {
      let n = 0;
      let link = `${held.pc.iceConnectionState}/${held.pc.connectionState}`;
      (await held.pc.getStats()).forEach((s: { type: string; packetsReceived?: number; dtlsState?: string; dtlsRole?: string }) => {
        if (s.type === 'inbound-rtp') n += s.packetsReceived ?? 0;
        if (s.type === 'transport') link += ` dtls ${s.dtlsState ?? '?'} ${s.dtlsRole ?? ''}`;
      });
      held.received = n;
      held.link = link;
    }
  }

  private close(coachId: string): void {
    const held = this.held.get(coachId);
    if (!held) return;
    this.held.delete(coachId);
    held.unmix?.();
    held.pc.close();
    held.audio.srcObject = null;
  }

  private emit(): void {
    this.onChange([...this.held.values()].map((h) => ({ mode: h.offer.mode, supervisor: h.offer.supervisor, received: h.received, link: h.link })));
  }
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { iceGathered, rtpPackets } from '../phone/peer-connection.js';

/**
 * Live listening for a supervisor: rtpengine offers a receive-only copy of the call's
 * media (both parties), this browser answers it; nothing is sent back, and the parties
 * notice nothing. The service audits the listen before any audio flows.
 */
export function ListenButton({ callId }: { callId: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  const session = useRef<{ pc: RTCPeerConnection; listenId: string; timer: ReturnType<typeof setInterval> } | null>(null);
  const [state, setState] = useState<'off' | 'starting' | 'listening'>('off');
  const [received, setReceived] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const coach = useRef<{ pc: RTCPeerConnection; coachId: string; microphone: MediaStream; timer: ReturnType<typeof setInterval> } | null>(null);
  const [coachState, setCoachState] = useState<'off' | 'starting' | 'whisper' | 'barge'>('off');
  const [sent, setSent] = useState(0);

  const stopCoaching = async () => {
    const c = coach.current;
    coach.current = null;
    setCoachState('off');
    if (!c) return;
    clearInterval(c.timer);
    c.pc.close();
    for (const t of c.microphone.getTracks()) t.stop();
    await api(`/api/calls/${encodeURIComponent(callId)}/coach/${c.coachId}`, { method: 'DELETE' }).catch(() => {});
  };

  /**
   * Whisper (to the manager only) or barge (to both): this browser publishes its
   * microphone to rtpengine, send-only; the manager's browser phone receives it and, in
   * barge, mixes it into the call. The service audits it before the manager's phone learns of it.
   */
  const startCoaching = async (mode: 'whisper' | 'barge') => {
    await stopCoaching();
    setError(null);
    setCoachState('starting');
    let microphone: MediaStream | null = null;
    try {
      microphone = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      const pc = new RTCPeerConnection({ iceServers: [] });
      pc.addTransceiver(microphone.getAudioTracks()[0]!, { direction: 'sendonly', streams: [microphone] });
      await pc.setLocalDescription(await pc.createOffer());
      await iceGathered(pc);
      const started = await api<{ coachId: string; sdp: string }>(`/api/calls/${encodeURIComponent(callId)}/coach`, { method: 'POST', body: { mode, sdp: pc.localDescription!.sdp } });
      await pc.setRemoteDescription({ type: 'answer', sdp: started.sdp });
      const timer = setInterval(async () => setSent(await rtpPackets(pc, 'outbound')), 1000);
      coach.current = { pc, coachId: started.coachId, microphone, timer };
      setCoachState(mode);
    } catch (err) {
      for (const t of microphone?.getTracks() ?? []) t.stop();
      setCoachState('off');
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  const stop = async () => {
    await stopCoaching();
    const s = session.current;
    session.current = null;
    setState('off');
    if (!s) return;
    clearInterval(s.timer);
    s.pc.close();
    await api(`/api/calls/${encodeURIComponent(callId)}/listen/${s.listenId}`, { method: 'DELETE' }).catch(() => {});
  };
  useEffect(() => () => void stop(), []);

  const start = async () => {
    setError(null);
    setState('starting');
    try {
      const offer = await api<{ sdp: string; listenId: string }>(`/api/calls/${encodeURIComponent(callId)}/listen`, { method: 'POST' });
      const pc = new RTCPeerConnection({ iceServers: [] });
      const stream = new MediaStream();
      pc.ontrack = (e) => {
        stream.addTrack(e.track);
        audio.current!.srcObject = stream;
        void audio.current!.play().catch(() => {});
      };
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await iceGathered(pc);
      await api(`/api/calls/${encodeURIComponent(callId)}/listen/${offer.listenId}/answer`, { method: 'POST', body: { sdp: pc.localDescription!.sdp } });
      const timer = setInterval(async () => setReceived(await rtpPackets(pc, 'inbound')), 1000);
      session.current = { pc, listenId: offer.listenId, timer };
      setState('listening');
    } catch (err) {
      setState('off');
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <span class="listen" data-listen-state={state} data-coach-state={coachState}>
      <audio ref={audio} autoplay />
      {state === 'off' ? (
        <button class="small" data-action="listen" onClick={start}>
          Listen
        </button>
      ) : (
        <button class="small" data-action="stop-listen" onClick={stop}>
          Stop listening
        </button>
      )}
      {state === 'listening' && (
        <span class="quiet">
          {' '}
          · <span data-testid="listen-rx">{received}</span> packets heard{' '}
          {coachState === 'off' || coachState === 'starting' ? (
            <>
              <button class="small" data-action="whisper" disabled={coachState === 'starting'} onClick={() => startCoaching('whisper')} title="Speak to the manager only">
                Whisper
              </button>{' '}
              <button class="small" data-action="barge" disabled={coachState === 'starting'} onClick={() => startCoaching('barge')} title="Speak to the manager and the client">
                Barge
              </button>
            </>
          ) : (
            <>
              {coachState === 'whisper' ? 'whispering to the manager' : 'in the call'} · <span data-testid="coach-tx">{sent}</span> packets sent{' '}
              <button class="small" data-action="stop-coaching" onClick={stopCoaching}>
                Stop talking
              </button>
            </>
          )}
        </span>
      )}
      {error && <span class="error" role="alert"> {error}</span>}
    </span>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';

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

  const stop = async () => {
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
      // No trickle ICE toward rtpengine: the answer goes once its candidates are in (at most 2 s).
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        const done = () => pc.iceGatheringState === 'complete' && resolve();
        pc.addEventListener('icegatheringstatechange', done);
        setTimeout(resolve, 2000);
      });
      await api(`/api/calls/${encodeURIComponent(callId)}/listen/${offer.listenId}/answer`, { method: 'POST', body: { sdp: pc.localDescription!.sdp } });
      const timer = setInterval(async () => {
        let n = 0;
        (await pc.getStats()).forEach((s: { type: string; packetsReceived?: number }) => {
          if (s.type === 'inbound-rtp') n += s.packetsReceived ?? 0;
        });
        setReceived(n);
      }, 1000);
      session.current = { pc, listenId: offer.listenId, timer };
      setState('listening');
    } catch (err) {
      setState('off');
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <span class="listen" data-listen-state={state}>
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
          · <span data-testid="listen-rx">{received}</span> packets heard
        </span>
      )}
      {error && <span class="error" role="alert"> {error}</span>}
    </span>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { BrowserPhone, type PhoneView } from './browser-phone.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/**
 * The browser phone's controls: registration state, a number to call, and during a call
 * answer, hang up, mute, hold, blind transfer and the keypad (DTMF). Used in the console's
 * header for managers and alone on /phone (the CRM widget).
 */
export function PhonePanel({ initialNumber = '' }: { initialNumber?: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  const phone = useRef<BrowserPhone | null>(null);
  const [view, setView] = useState<PhoneView | null>(null);
  const [number, setNumber] = useState(initialNumber);
  const [transferTo, setTransferTo] = useState('');

  useEffect(() => {
    const p = new BrowserPhone(audio.current!);
    phone.current = p;
    const unsubscribe = p.subscribe(setView);
    void p.start();
    return () => {
      unsubscribe();
      p.stop();
    };
  }, []);

  const call = view?.call;
  if (view?.status === 'unavailable') return <audio ref={audio} />;
  const live = call && call.state !== 'ended';
  return (
    <section class="phone" data-testid="phone" data-phone-status={view?.status ?? 'off'} data-call-state={call?.state ?? 'idle'}>
      <audio ref={audio} autoplay />
      <header>
        <strong>Phone</strong> <span class={`phone-status ${view?.status}`}>{statusText(view)}</span>
      </header>
      {view?.error && <p role="alert">{view.error}</p>}
      {call && (
        <p class="phone-call" data-testid="phone-call">
          {call.direction === 'in' ? 'From' : 'To'} <b data-testid="phone-peer">{call.number}</b>
          {call.name && call.name !== call.number ? ` (${call.name})` : ''} · {call.state}
          {call.muted ? ' · muted' : ''}
          {call.held ? ' · on hold' : ''}
          {call.state === 'ended' && call.cause ? ` (${call.cause})` : ''}
          {call.card && (
            <span class="phone-card" data-testid="phone-card">
              <br />
              <span data-testid="phone-number">{call.card.number}</span>
              {call.card.lead ? (
                <>
                  {' · lead '}
                  {call.card.lead.url ? (
                    <a href={call.card.lead.url} target="_blank" rel="noopener noreferrer" data-testid="phone-lead">
                      {call.card.lead.id}
                    </a>
                  ) : (
                    <span data-testid="phone-lead">{call.card.lead.id}</span>
                  )}
                </>
              ) : (
                ' · no lead'
              )}
            </span>
          )}
          {live && call.state === 'talking' && (
            <span class="phone-packets">
              {' '}
              · audio in <span data-testid="rx-packets">{view!.packets.received}</span> / out <span data-testid="tx-packets">{view!.packets.sent}</span> packets
            </span>
          )}
        </p>
      )}
      {live && view!.coaching.map((c) => (
        <p class="phone-coaching" role="status" data-testid="phone-coaching" data-coach-mode={c.mode} data-coach-link={c.link}>
          {c.mode === 'whisper' ? `${c.supervisor} is whispering to you (the client does not hear)` : `${c.supervisor} has joined the call (the client hears too)`} ·{' '}
          <span data-testid="coach-rx">{c.received}</span> packets
        </p>
      ))}
      {!live && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            phone.current?.call(number);
          }}
        >
          <input name="number" placeholder="Number or extension" value={number} onInput={(e) => setNumber(e.currentTarget.value)} />
          <button type="submit" disabled={view?.status !== 'registered'} data-action="call">
            Call
          </button>
        </form>
      )}
      {live && (
        <div class="phone-actions">
          {call.direction === 'in' && call.state === 'ringing' && (
            <button onClick={() => phone.current?.answer()} data-action="answer">
              Answer
            </button>
          )}
          <button onClick={() => phone.current?.hangUp()} data-action="hangup">
            {call.state === 'ringing' && call.direction === 'in' ? 'Decline' : 'Hang up'}
          </button>
          {call.state === 'talking' && (
            <>
              <button onClick={() => phone.current?.toggleMute()} data-action="mute">
                {call.muted ? 'Unmute' : 'Mute'}
              </button>
              <button onClick={() => phone.current?.toggleHold()} data-action="hold">
                {call.held ? 'Resume' : 'Hold'}
              </button>
              <form
                class="phone-transfer"
                onSubmit={(e) => {
                  e.preventDefault();
                  phone.current?.transfer(transferTo);
                }}
              >
                <input name="transfer" placeholder="Transfer to" value={transferTo} onInput={(e) => setTransferTo(e.currentTarget.value)} />
                <button type="submit" data-action="transfer">
                  Transfer
                </button>
              </form>
              <div class="phone-keypad">
                {KEYS.map((k) => (
                  <button onClick={() => phone.current?.dtmf(k)} data-dtmf={k}>
                    {k}
                  </button>
                ))}
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function statusText(view: PhoneView | null): string {
  switch (view?.status) {
    case 'registered':
      return `ready · extension ${view.extension}`;
    case 'connecting':
      return 'connecting…';
    case 'failed':
      return 'not registered';
    default:
      return 'off';
  }
}

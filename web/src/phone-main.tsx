import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, whenSignedOut, type Who } from './api.js';
import { SignInPage } from './pages/sign-in.js';
import { PhonePanel } from './phone/phone-panel.js';
import './styles.css';

/**
 * /phone: the browser phone alone, for a CRM's client card (an iframe). ?number= fills in
 * the client's number; the manager signs in here once, as in the console.
 */
function PhonePage() {
  const [who, setWho] = useState<Who | null | undefined>(undefined);
  useEffect(() => {
    whenSignedOut(() => setWho(null));
    api<Who>('/api/session').then(setWho, () => setWho(null));
  }, []);
  if (who === undefined) return <p class="loading">Loading…</p>;
  if (who === null) return <SignInPage onSignedIn={setWho} />;
  if (who.extension === null) return <p class="error" role="alert">The browser phone is for managers: {who.name} has no extension.</p>;
  const number = new URLSearchParams(location.search).get('number') ?? '';
  return (
    <div class="phone-page">
      <PhonePanel initialNumber={number.slice(0, 40)} />
    </div>
  );
}

render(<PhonePage />, document.getElementById('app')!);

import { useEffect, useState } from 'preact/hooks';
import { api, isSupervising, whenSignedOut, type Who } from './api.js';
import { BoardPage } from './pages/board.js';
import { CallsPage } from './pages/calls.js';
import { KpiPage } from './pages/kpi.js';
import { LeadsPage } from './pages/leads.js';
import { SignInPage } from './pages/sign-in.js';
import { PhonePanel } from './phone/phone-panel.js';

const PAGES = {
  board: { title: 'Live board', Page: BoardPage },
  calls: { title: 'Calls & recordings', Page: CallsPage },
  kpi: { title: 'KPI', Page: KpiPage },
  leads: { title: 'Leads', Page: LeadsPage },
} as const;
type PageName = keyof typeof PAGES;

/** Pages are addressed by the URL's hash (#/calls?...), so the server serves one index.html. */
function currentRoute(): { page: PageName; params: URLSearchParams } {
  const [path = '', search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const page = (path in PAGES ? path : 'board') as PageName;
  return { page, params: new URLSearchParams(search) };
}

export function App() {
  const [who, setWho] = useState<Who | null | undefined>(undefined);
  const [route, setRoute] = useState(currentRoute());

  useEffect(() => {
    whenSignedOut(() => setWho(null));
    api<Who>('/api/session').then(setWho, () => setWho(null));
    const onHash = () => setRoute(currentRoute());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  if (who === undefined) return <p class="loading">Loading…</p>;
  if (who === null) return <SignInPage onSignedIn={setWho} />;

  const signOut = async () => {
    await api('/api/session', { method: 'DELETE' });
    setWho(null);
  };
  const { Page } = PAGES[route.page];
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">Leadline</span>
        <nav>
          {(Object.keys(PAGES) as PageName[]).map((name) => (
            <a href={`#/${name}`} class={name === route.page ? 'active' : ''} data-nav={name}>
              {PAGES[name].title}
            </a>
          ))}
        </nav>
        <span class="who" data-testid="who">
          {who.name} · {isSupervising(who) ? who.role : `manager ${who.extension}`}
        </span>
        <button class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      {/* Outside the pages: the phone keeps its registration and call while the manager moves between them. */}
      {who.extension !== null && <PhonePanel />}
      <main>
        {/* Keyed by the address: following a link to the same page with other parameters starts it afresh. */}
        <Page key={location.hash} who={who} params={route.params} />
      </main>
    </div>
  );
}

export interface PageProps {
  who: Who;
  params: URLSearchParams;
}

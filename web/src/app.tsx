import { useEffect, useState } from 'preact/hooks';
import { api, isSupervising, whenSignedOut, type Who } from './api.js';
import { chooseLanguage, setLanguage, t, type MessageKey } from './i18n.js';
import { BoardPage } from './pages/board.js';
import { CallbacksPage } from './pages/callbacks.js';
import { CallsPage } from './pages/calls.js';
import { FirstDialPage } from './pages/first-dial.js';
import { KpiPage } from './pages/kpi.js';
import { LeadsPage } from './pages/leads.js';
import { ReviewsPage } from './pages/reviews.js';
import { SignInPage } from './pages/sign-in.js';
import { WallboardPage } from './pages/wallboard.js';
import { PhonePanel } from './phone/phone-panel.js';
import { loadSettings } from './settings.js';

const PAGES = {
  board: { title: 'nav.board', Page: BoardPage },
  calls: { title: 'nav.calls', Page: CallsPage },
  callbacks: { title: 'nav.callbacks', Page: CallbacksPage },
  kpi: { title: 'nav.kpi', Page: KpiPage },
  leads: { title: 'nav.leads', Page: LeadsPage },
  'first-dial': { title: 'nav.firstDial', Page: FirstDialPage },
  reviews: { title: 'nav.reviews', Page: ReviewsPage },
} satisfies Record<string, { title: MessageKey; Page: unknown }>;
type PageName = keyof typeof PAGES;

/** Pages are addressed by the URL's hash (#/calls?...), so the server serves one index.html. */
function currentRoute(): { page: PageName; params: URLSearchParams } {
  const [path = '', search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const page = (path in PAGES ? path : 'board') as PageName;
  return { page, params: new URLSearchParams(search) };
}

/** The TV page: /wallboard (its own address, so a TV's browser opens it straight), no navigation. */
const onWallboard = () => location.pathname.replace(/\/+$/, '') === '/wallboard';

export function App() {
  const [who, setWho] = useState<Who | null | undefined>(undefined);
  const [ready, setReady] = useState(false);
  const [route, setRoute] = useState(currentRoute());

  useEffect(() => {
    setLanguage(chooseLanguage(null, navigator.languages ?? [navigator.language]));
    whenSignedOut(() => setWho(null));
    api<Who>('/api/session').then(setWho, () => setWho(null));
    const onHash = () => setRoute(currentRoute());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!who) return setReady(false);
    setLanguage(chooseLanguage(who.language, navigator.languages ?? [navigator.language]));
    // Pages still work on the defaults if the settings cannot be read; the page's own request then says why.
    loadSettings().catch(() => undefined).finally(() => setReady(true));
  }, [who]);

  if (who === undefined || (who !== null && !ready)) return <p class="loading">{t('loading')}</p>;
  if (who === null) return <SignInPage onSignedIn={setWho} />;
  if (onWallboard()) return <WallboardPage />;

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
          {(Object.keys(PAGES) as PageName[]).filter((name) => name !== 'reviews' || isSupervising(who)).map((name) => (
            <a href={`#/${name}`} class={name === route.page ? 'active' : ''} data-nav={name}>
              {t(PAGES[name].title)}
            </a>
          ))}
          <a href="/wallboard" target="_blank" data-nav="wallboard">{t('nav.wallboard')}</a>
        </nav>
        <span class="who" data-testid="who">
          {who.name} · {isSupervising(who) ? t(`role.${who.role}` as MessageKey) : t('who.manager', { ext: who.extension ?? '' })}
        </span>
        <button class="link" onClick={signOut}>
          {t('signOut')}
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

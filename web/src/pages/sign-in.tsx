import { useState } from 'preact/hooks';
import { api, ApiError, type Who } from '../api.js';
import { t } from '../i18n.js';

export function SignInPage({ onSignedIn }: { onSignedIn: (who: Who) => void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api<Who>('/api/session', { method: 'POST', body: { login, password } }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('signIn.unreachable'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="sign-in" onSubmit={submit}>
      <h1>Leadline</h1>
      <label>
        {t('signIn.login')}
        <input name="login" autocomplete="username" value={login} onInput={(e) => setLogin(e.currentTarget.value)} required />
      </label>
      <label>
        {t('signIn.password')}
        <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        {t('signIn.submit')}
      </button>
    </form>
  );
}

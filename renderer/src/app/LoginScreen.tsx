import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import type { LanternClient } from '../lib/client';
import { ErrorBanner } from './ErrorBanner';

/** Sign-in at the hub. Used at first start and after signing out. */
export function LoginScreen({
  client,
  hubUrl,
  demoAccounts,
  onDone,
}: {
  client: LanternClient;
  hubUrl: string | null;
  demoAccounts: { username: string; password: string; role: string; displayName: string }[] | null;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorShape | null>(null);
  return (
    <div className="gate" data-testid="login-screen">
      <form
        className="gate-card"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          void client.sync.login({ username, password }).then((r) => {
            setBusy(false);
            if (r.ok) onDone();
            else {
              setError(r.error);
              setPassword('');
            }
          });
        }}
      >
        <h1>
          <span className="brand-mark">灯</span> {t('login.title')}
        </h1>
        {hubUrl ? <p className="muted">{t('login.hub', { url: hubUrl })}</p> : null}
        {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
        <label>
          {t('login.username')}
          <input data-testid="login-username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" data-testid="login-submit" disabled={busy || !username || !password}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        {demoAccounts?.length ? (
          <div className="demo-accounts" data-testid="demo-accounts">
            <p className="muted">{t('login.demoAccounts')}</p>
            <ul>
              {demoAccounts.map((a) => (
                <li key={a.username}>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      setUsername(a.username);
                      setPassword(a.password);
                    }}
                  >
                    {a.displayName}（{a.username} / {a.password}）
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </form>
    </div>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import type { LanternClient } from '../lib/client';
import { ErrorBanner } from './ErrorBanner';

/** Covers the workspace after idle time; drafts and queued replies stay; unlock works offline. */
export function LockScreen({ client, userName, minutes, demo, onUnlocked, onSignOut }: { client: LanternClient; userName: string; minutes: number; demo: boolean; onUnlocked: () => void; onSignOut: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ErrorShape | null>(null);
  return (
    <div className="gate" data-testid="lock-screen">
      <form
        className="gate-card"
        onSubmit={(e) => {
          e.preventDefault();
          void client.session.unlock({ password }).then((r) => {
            setPassword('');
            if (r.ok) onUnlocked();
            else setError(r.error);
          });
        }}
      >
        <h1>{t('lock.title')}</h1>
        <p>
          <strong>{userName}</strong>
        </p>
        <p className="muted">{t('lock.hint', { minutes })}</p>
        {demo ? <p className="muted">{t('lock.demoHint')}</p> : null}
        {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
        <label>
          {t('lock.password')}
          <input data-testid="unlock-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
        </label>
        <button type="submit" data-testid="unlock-submit" disabled={!password}>
          {t('lock.unlock')}
        </button>
        {demo ? null : (
          <button type="button" className="link-button" onClick={onSignOut}>
            {t('lock.signOut')}
          </button>
        )}
      </form>
    </div>
  );
}

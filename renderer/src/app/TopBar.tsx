import { useTranslation } from 'react-i18next';
import type { Language } from '../../../shared/domain/types';
import { languages } from '../lib/domain';
import type { SyncSnapshotValue } from '../../../shared/contract/sync';
import { ConnectionIndicator } from './ConnectionIndicator';

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

interface Props {
  mode: 'demo' | 'hub';
  language: Language;
  onLanguage: (l: Language) => void;
  snap: SyncSnapshotValue | null;
  dnd: boolean;
  onDnd: (v: boolean) => void;
  onLock: () => void;
  onShowRejected: () => void;
  /** Opens the keyboard shortcuts overlay. */
  onHelp: () => void;
  /** Shown only when the diagnostics console is allowed. */
  onConsole?: () => void;
}

export function TopBar({ mode, language, onLanguage, snap, dnd, onDnd, onLock, onShowRejected, onHelp, onConsole }: Props) {
  const { t } = useTranslation();
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          灯
        </span>
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-sub">{t('app.subtitle')}</span>
      </div>
      <div className="topbar-right">
        <span className={`mode-badge mode-${mode}`} data-testid="mode-badge">
          {mode === 'demo' ? t('app.modeDemo') : t('app.modeHub')}
        </span>
        <button type="button" className="net-button" onClick={onShowRejected} title={t('rejected.title')}>
          <ConnectionIndicator snap={snap} />
        </button>
        <label className="dnd">
          <input type="checkbox" data-testid="dnd" checked={dnd} onChange={(e) => onDnd(e.target.checked)} /> {t('net.dnd')}
        </label>
        <span className="lock" title={t('app.encrypted')}>
          {t('app.encrypted')}
        </span>
        {onConsole ? (
          <button type="button" className="topbar-button" data-testid="open-console" title={t('console.openTitle')} onClick={onConsole}>
            {t('console.open')}
          </button>
        ) : null}
        <button type="button" className="topbar-button" data-testid="open-shortcuts" title={t('shortcuts.openTitle')} aria-keyshortcuts="Shift+? F1" onClick={onHelp}>
          {t('shortcuts.open')}
        </button>
        <button type="button" className="topbar-button" data-testid="lock-now" title="Ctrl+L" aria-keyshortcuts="Control+L" onClick={onLock}>
          {t('lock.lockNow')}
        </button>
        <label className="language">
          <span className="sr-only">{t('app.language')}</span>
          <select data-testid="language-switch" value={language} onChange={(e) => onLanguage(e.target.value as Language)}>
            {languages.map((l) => (
              <option key={l} value={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  );
}

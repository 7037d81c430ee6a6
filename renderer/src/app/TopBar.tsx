import { useTranslation } from 'react-i18next';
import { languages, type Language } from '../../../shared/domain/types';

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

export function TopBar({ mode, language, onLanguage }: { mode: 'demo' | 'hub'; language: Language; onLanguage: (l: Language) => void }) {
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
        <span className="lock" title={t('app.encrypted')}>
          {t('app.encrypted')}
        </span>
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

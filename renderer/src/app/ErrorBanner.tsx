import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import { allErrorMessages, localizeError } from '../../../shared/i18n/errors';
import type { Language } from '../../../shared/domain/types';

/** A calm, dismissable error line: the user's language first, the code for IT. */
export function ErrorBanner({ error, onDismiss }: { error: ErrorShape; onDismiss: () => void }) {
  const { t, i18n } = useTranslation();
  const text = localizeError(error.code, i18n.language as Language);
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <strong>{t('errors.title')}</strong>
      {/* Known codes get the reviewed zh-CN/en text; otherwise the service's own message. */}
      <span>{allErrorMessages[error.code] ? text : error.message}</span>
      <code>{error.code}</code>
      <button type="button" onClick={onDismiss}>
        {t('errors.dismiss')}
      </button>
    </div>
  );
}

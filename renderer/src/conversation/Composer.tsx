import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_MESSAGE_CHARS } from '../../../shared/contract/messages';

/** Ctrl+Enter (⌘+Enter) sends; the text stays until the replica has accepted it. */
export function Composer({ onSend }: { onSend: (body: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const tooLong = body.length > MAX_MESSAGE_CHARS;
  const canSend = !busy && !tooLong && body.trim().length > 0;

  async function send() {
    if (!canSend) return;
    setBusy(true);
    const ok = await onSend(body);
    setBusy(false);
    if (ok) setBody(''); // on failure the draft stays, nothing typed is lost
  }

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        data-testid="composer-input"
        value={body}
        placeholder={t('composer.placeholder')}
        aria-label={t('composer.placeholder')}
        rows={3}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <div className="composer-bar">
        <span className={tooLong ? 'hint error' : 'hint'}>{tooLong ? t('composer.tooLong', { max: MAX_MESSAGE_CHARS }) : t('composer.queuedHint')}</span>
        <button type="submit" data-testid="composer-send" disabled={!canSend}>
          {busy ? t('composer.sending') : t('composer.send')}
        </button>
      </div>
    </form>
  );
}

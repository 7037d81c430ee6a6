import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Card, Localized } from '../../../shared/engine';
import type { ErrorShape } from '../../../shared/contract/result';
import { allErrorMessages, localizeError } from '../../../shared/i18n/errors';
import type { Language } from '../../../shared/domain/types';
import type { LanternClient } from '../lib/client';

type Reason = { code: string; message: Localized };
type State = { phase: 'idle' } | { phase: 'asking' } | { phase: 'done'; cards: Card[]; reasons: Reason[] } | { phase: 'failed'; error: ErrorShape };

/**
 * The optional on-prem LLM (`knowledge.assist`) for the open conversation: asked only
 * when the agent presses the button. Its cards look like the engine's (insert into the
 * composer, never send); when it is off or has nothing, one quiet line says why.
 */
export function AssistBox({ client, conversationId, renderCard }: { client: LanternClient; conversationId: string; renderCard: (card: Card) => ReactNode }) {
  const { t, i18n } = useTranslation();
  const lang: Language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [state, setState] = useState<State>({ phase: 'idle' });

  async function ask() {
    setState({ phase: 'asking' });
    const r = await client.knowledge.assist({ conversationId, lang });
    if (!r.ok) return setState({ phase: 'failed', error: r.error });
    // Summary and reply often fail for the same reason (off, unreachable): say it once.
    const reasons: Reason[] = [];
    for (const u of [r.value.unavailable.summary, r.value.unavailable.reply]) if (u && !reasons.some((x) => x.code === u.code)) reasons.push(u);
    setState({ phase: 'done', cards: r.value.cards, reasons });
  }

  const text = (m: Localized) => (lang === 'en' ? (m.en ?? m['zh-CN']) : m['zh-CN']);
  return (
    <div className="assist" data-testid="assist" data-phase={state.phase}>
      <div className="assist-head">
        <button type="button" className="assist-button" data-testid="assist-ask" disabled={state.phase === 'asking'} onClick={() => void ask()}>
          {state.phase === 'asking' ? t('knowledgeUsage.assist.asking') : state.phase === 'done' && state.cards.length ? t('knowledgeUsage.assist.again') : t('knowledgeUsage.assist.ask')}
        </button>
        <span className="assist-hint muted">{t('knowledgeUsage.assist.hint')}</span>
      </div>
      {state.phase === 'done' && state.cards.length ? (
        <ol className="cards assist-cards" data-testid="assist-cards" aria-label={t('knowledgeUsage.assist.title')}>
          {state.cards.map(renderCard)}
        </ol>
      ) : null}
      {state.phase === 'done'
        ? state.reasons.map((u) => (
            <p key={u.code} className="assist-reason muted" data-testid="assist-reason" data-code={u.code}>
              {text(u.message)}
            </p>
          ))
        : null}
      {state.phase === 'done' && !state.cards.length && !state.reasons.length ? (
        <p className="assist-reason muted" data-testid="assist-reason" data-code="none">
          {t('knowledgeUsage.assist.nothing')}
        </p>
      ) : null}
      {state.phase === 'failed' ? (
        <p className="assist-reason assist-failed" role="alert" data-testid="assist-reason" data-code={state.error.code}>
          {allErrorMessages[state.error.code] ? localizeError(state.error.code, lang) : t('knowledgeUsage.assist.failed')} <code>{state.error.code}</code>
        </p>
      ) : null}
    </div>
  );
}

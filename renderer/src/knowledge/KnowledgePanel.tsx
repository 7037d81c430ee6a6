import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Action, Card, SuggestResult } from '../../../shared/engine';

interface Props {
  result: SuggestResult | null;
  ready: boolean;
  onInsert: (text: string) => void;
  onFeedback: (itemId: string, useful: boolean) => void;
  onAction: (action: Action, card: Card) => void;
}

const KIND_CLASS: Record<Card['kind'], string> = { red_flag: 'card-red', interaction: 'card-interaction', compliance: 'card-compliance', guidance: 'card-guidance', answer: 'card-answer', tone: 'card-tone' };

/**
 * Knowledge cards from the local engine. Red flags come first and cannot be
 * dismissed; every card names its source; nothing is ever sent from here — a card
 * can only put text into the composer for the agent to read and send.
 */
export function KnowledgePanel({ result, ready, onInsert, onFeedback, onAction }: Props) {
  const { t } = useTranslation();
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const [voted, setVoted] = useState<Record<string, boolean>>({});
  const [open, setOpen] = useState<string | null>(null);
  const cards = (result?.cards ?? []).filter((c) => c.kind === 'red_flag' || !dismissed.has(c.id));

  return (
    <section className="knowledge" data-testid="knowledge-panel" aria-label={t('knowledge.title')} aria-live="polite">
      {!ready ? <p className="muted">{t('knowledge.loading')}</p> : null}
      {ready && cards.length === 0 ? <p className="empty">{t('knowledge.empty')}</p> : null}
      <ol className="cards">
        {cards.map((c) => {
          const reply = c.actions.find((a): a is Extract<Action, { type: 'suggest_reply' }> => a.type === 'suggest_reply');
          return (
            <li key={c.id} className={`card ${KIND_CLASS[c.kind]}`} data-testid="knowledge-card" data-kind={c.kind} data-source={c.sourceItemId}>
              <header>
                <span className="card-kind">{t(`knowledge.kind_${c.kind}`)}</span>
                {c.urgency && c.urgency !== 'routine' ? <span className={`card-urgency urgency-${c.urgency}`}>{t(`knowledge.urgency_${c.urgency}`)}</span> : null}
                <strong>{c.title}</strong>
              </header>
              <p className="card-body">{c.body}</p>
              <div className="card-actions">
                {reply ? (
                  <button type="button" data-testid="card-insert" onClick={() => onInsert(reply.text)}>
                    {t('knowledge.insert')}
                  </button>
                ) : null}
                <button type="button" data-testid="card-copy" onClick={() => void navigator.clipboard?.writeText(reply?.text ?? c.body).catch(() => undefined)}>
                  {t('knowledge.copy')}
                </button>
                {c.actions
                  .filter((a) => a.type === 'raise_priority' || a.type === 'notify_clinician')
                  .map((a) => (
                    <button key={a.type} type="button" className="card-escalate" data-testid={`card-${a.type}`} onClick={() => onAction(a, c)}>
                      {t(`knowledge.action_${a.type}`)}
                    </button>
                  ))}
                <button type="button" className="link-button" data-testid="card-source" onClick={() => setOpen(open === c.id ? null : c.id)}>
                  {t('knowledge.source')}
                </button>
                {c.kind !== 'red_flag' ? (
                  <>
                    <button type="button" className={`vote${voted[c.sourceItemId] === true ? ' on' : ''}`} data-testid="card-useful" onClick={() => { setVoted((v) => ({ ...v, [c.sourceItemId]: true })); onFeedback(c.sourceItemId, true); }}>
                      {t('knowledge.useful')}
                    </button>
                    <button type="button" className={`vote${voted[c.sourceItemId] === false ? ' on' : ''}`} data-testid="card-useless" onClick={() => { setVoted((v) => ({ ...v, [c.sourceItemId]: false })); onFeedback(c.sourceItemId, false); }}>
                      {t('knowledge.useless')}
                    </button>
                    <button type="button" className="link-button" data-testid="card-dismiss" onClick={() => setDismissed((d) => new Set(d).add(c.id))}>
                      {t('knowledge.dismiss')}
                    </button>
                  </>
                ) : null}
              </div>
              {open === c.id ? <p className="card-source muted">{t('knowledge.sourceId', { id: c.sourceItemId })}</p> : null}
            </li>
          );
        })}
      </ol>
      <p className="disclaimer">{t('knowledge.disclaimer')}</p>
    </section>
  );
}

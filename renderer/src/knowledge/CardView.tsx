import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Action, Card } from '../../../shared/engine';

const KIND_CLASS: Record<Card['kind'], string> = { red_flag: 'card-red', interaction: 'card-interaction', compliance: 'card-compliance', guidance: 'card-guidance', answer: 'card-answer', tone: 'card-tone' };
/** How long "copied" stays next to the button. */
const COPIED_MS = 2500;

export interface CardProps {
  card: Card;
  vote: boolean | undefined;
  onOpenSource: () => void;
  onInsert: (text: string) => void;
  /** Puts the text on the clipboard; false when the system refused. */
  onCopy: (text: string) => Promise<boolean>;
  onVote: (useful: boolean) => void;
  onDismiss: () => void;
  onAction: (action: Action) => void;
}

/** One card: its text, "insert into the reply box" (never send), copy, escalations, source, votes and dismiss. */
export function CardView({ card: c, vote, onOpenSource, onInsert, onCopy, onVote, onDismiss, onAction }: CardProps) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(null), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  const reply = c.actions.find((a): a is Extract<Action, { type: 'suggest_reply' }> => a.type === 'suggest_reply');
  const text = reply?.text ?? c.body;
  return (
    <li className={`card ${KIND_CLASS[c.kind]}`} data-testid="knowledge-card" data-card={c.id} data-kind={c.kind} data-source={c.sourceItemId}>
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
        <button type="button" data-testid="card-copy" onClick={() => void onCopy(text).then((ok) => setCopied(ok ? 'ok' : 'failed'))}>
          {t('knowledge.copy')}
        </button>
        {c.actions
          .filter((a) => a.type === 'raise_priority' || a.type === 'notify_clinician')
          .map((a) => (
            <button key={a.type} type="button" className="card-escalate" data-testid={`card-${a.type}`} onClick={() => onAction(a)}>
              {t(`knowledge.action_${a.type}`)}
            </button>
          ))}
        <button type="button" className="link-button" data-testid="card-source" aria-haspopup="dialog" onClick={onOpenSource}>
          {t('knowledge.source')}
        </button>
        {c.kind !== 'red_flag' ? (
          <>
            <button type="button" className={`vote${vote === true ? ' on' : ''}`} aria-pressed={vote === true} data-testid="card-useful" onClick={() => onVote(true)}>
              {t('knowledge.useful')}
            </button>
            <button type="button" className={`vote${vote === false ? ' on' : ''}`} aria-pressed={vote === false} data-testid="card-useless" onClick={() => onVote(false)}>
              {t('knowledge.useless')}
            </button>
            <button type="button" className="link-button" data-testid="card-dismiss" onClick={onDismiss}>
              {t('knowledge.dismiss')}
            </button>
          </>
        ) : null}
        <span className={`card-copied${copied === 'failed' ? ' failed' : ''}`} role="status" data-testid="card-copied" data-state={copied ?? 'idle'}>
          {copied === 'ok' ? t('knowledgeCard.copied') : copied === 'failed' ? t('knowledgeCard.copyFailed') : ''}
        </span>
      </div>
    </li>
  );
}

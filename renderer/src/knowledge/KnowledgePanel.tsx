import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Action, Card, SuggestResult } from '../../../shared/engine';
import type { LanternClient } from '../lib/client';
import { AssistBox } from './AssistBox';
import './knowledge.css';

interface Props {
  result: SuggestResult | null;
  ready: boolean;
  onInsert: (text: string) => void;
  onFeedback: (itemId: string, useful: boolean) => void;
  onAction: (action: Action, card: Card) => void;
  /**
   * The open conversation and the client: with both, cards the agent saw or inserted
   * are reported (`knowledge.track`, usage counts at the hub) and the optional AI
   * summary & suggestion is offered. Without them the panel works as before.
   */
  client?: LanternClient | undefined;
  conversationId?: string | null | undefined;
}

const KIND_CLASS: Record<Card['kind'], string> = { red_flag: 'card-red', interaction: 'card-interaction', compliance: 'card-compliance', guidance: 'card-guidance', answer: 'card-answer', tone: 'card-tone' };

/** A card counts as "shown" once it stayed on screen this long (not every card that flickers by while typing). */
export const SHOWN_AFTER_MS = 800;
/** Lint and tone cards follow the draft keystroke by keystroke: they are not knowledge usage. */
const tracked = (c: Card) => c.kind !== 'compliance' && c.kind !== 'tone';

/**
 * Knowledge cards from the local engine. Red flags come first and cannot be
 * dismissed; every card names its source; nothing is ever sent from here — a card
 * can only put text into the composer for the agent to read and send.
 */
export function KnowledgePanel({ result, ready, onInsert, onFeedback, onAction, client, conversationId }: Props) {
  const { t } = useTranslation();
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const [voted, setVoted] = useState<Record<string, boolean>>({});
  const [open, setOpen] = useState<string | null>(null);
  const cards = (result?.cards ?? []).filter((c) => c.kind === 'red_flag' || !dismissed.has(c.id));
  const live = client && conversationId ? { client, conversationId } : null;

  // "Shown": once per item and conversation (the workstation dedupes too), after the card stayed visible.
  const reported = useRef(new Set<string>());
  const visible = live ? [...new Set(cards.filter(tracked).map((c) => c.sourceItemId))].sort().join('\n') : '';
  useEffect(() => {
    if (!live || !visible) return undefined;
    const timer = setTimeout(() => {
      for (const itemId of visible.split('\n')) {
        const key = `${live.conversationId}\u0000${itemId}`;
        if (reported.current.has(key)) continue;
        reported.current.add(key);
        void live.client.knowledge.track({ itemId, event: 'shown', conversationId: live.conversationId });
      }
    }, SHOWN_AFTER_MS);
    return () => clearTimeout(timer);
    // `visible` is the set of item ids on screen; the conversation and client are in `live`.
  }, [visible, live?.conversationId, live?.client]);

  function insert(card: Card, text: string) {
    if (live && tracked(card)) void live.client.knowledge.track({ itemId: card.sourceItemId, event: 'inserted', conversationId: live.conversationId });
    onInsert(text);
  }

  const renderCard = (c: Card) => (
    <CardView
      key={c.id}
      card={c}
      open={open === c.id}
      vote={voted[c.sourceItemId]}
      onToggleSource={() => setOpen(open === c.id ? null : c.id)}
      onInsert={(text) => insert(c, text)}
      onVote={(useful) => {
        setVoted((v) => ({ ...v, [c.sourceItemId]: useful }));
        onFeedback(c.sourceItemId, useful);
      }}
      onDismiss={() => setDismissed((d) => new Set(d).add(c.id))}
      onAction={(a) => onAction(a, c)}
    />
  );

  return (
    <section className="knowledge" data-testid="knowledge-panel" data-ready={ready} aria-label={t('knowledge.title')} aria-live="polite">
      {live ? <AssistBox key={live.conversationId} client={live.client} conversationId={live.conversationId} renderCard={renderCard} /> : null}
      {!ready ? <p className="muted">{t('knowledge.loading')}</p> : null}
      {ready && cards.length === 0 ? <p className="empty">{t('knowledge.empty')}</p> : null}
      <ol className="cards">{cards.map(renderCard)}</ol>
      <p className="disclaimer">{t('knowledge.disclaimer')}</p>
    </section>
  );
}

interface CardProps {
  card: Card;
  open: boolean;
  vote: boolean | undefined;
  onToggleSource: () => void;
  onInsert: (text: string) => void;
  onVote: (useful: boolean) => void;
  onDismiss: () => void;
  onAction: (action: Action) => void;
}

/** One card: its text, "insert into the reply box" (never send), copy, escalations, source and votes. */
export function CardView({ card: c, open, vote, onToggleSource, onInsert, onVote, onDismiss, onAction }: CardProps) {
  const { t } = useTranslation();
  const reply = c.actions.find((a): a is Extract<Action, { type: 'suggest_reply' }> => a.type === 'suggest_reply');
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
        <button type="button" data-testid="card-copy" onClick={() => void navigator.clipboard?.writeText(reply?.text ?? c.body).catch(() => undefined)}>
          {t('knowledge.copy')}
        </button>
        {c.actions
          .filter((a) => a.type === 'raise_priority' || a.type === 'notify_clinician')
          .map((a) => (
            <button key={a.type} type="button" className="card-escalate" data-testid={`card-${a.type}`} onClick={() => onAction(a)}>
              {t(`knowledge.action_${a.type}`)}
            </button>
          ))}
        <button type="button" className="link-button" data-testid="card-source" onClick={onToggleSource}>
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
      </div>
      {open ? <p className="card-source muted">{t('knowledge.sourceId', { id: c.sourceItemId })}</p> : null}
    </li>
  );
}

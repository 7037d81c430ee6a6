import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Action, Card, SuggestResult } from '../../../shared/engine';
import type { LanternClient } from '../lib/client';
import { AssistBox } from './AssistBox';
import { CardView } from './CardView';
import { SourceDialog } from './SourceDialog';
import { useDismissed } from './useDismissed';
import './knowledge.css';

export { CardView } from './CardView';

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

/** A card counts as "shown" once it stayed on screen this long (not every card that flickers by while typing). */
export const SHOWN_AFTER_MS = 800;
/** Lint and tone cards follow the draft keystroke by keystroke: they are not knowledge usage. */
const tracked = (c: Card) => c.kind !== 'compliance' && c.kind !== 'tone';

/**
 * Knowledge cards from the local engine. Red flags come first and cannot be
 * dismissed; every card opens its source; nothing is ever sent from here — a card
 * can only put text into the composer (or on the clipboard) for the agent to read and send.
 * Dismissed cards stay hidden in that conversation (kept in the replica).
 */
export function KnowledgePanel({ result, ready, onInsert, onFeedback, onAction, client, conversationId }: Props) {
  const { t } = useTranslation();
  const dismissed = useDismissed(client, conversationId);
  const [voted, setVoted] = useState<Record<string, boolean>>({});
  const [source, setSource] = useState<Card | null>(null);
  const visibleCard = (c: Card) => c.kind === 'red_flag' || (dismissed.loaded && !dismissed.has(c.id));
  const cards = (result?.cards ?? []).filter(visibleCard);
  const live = client && conversationId ? { client, conversationId } : null;
  const voteKey = (itemId: string) => `${conversationId ?? ''}\u0000${itemId}`;

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

  async function copy(card: Card, text: string): Promise<boolean> {
    try {
      if (!navigator.clipboard) return false;
      await navigator.clipboard.writeText(text);
    } catch {
      return false;
    }
    if (live && tracked(card)) void live.client.knowledge.track({ itemId: card.sourceItemId, event: 'copied', conversationId: live.conversationId });
    return true;
  }

  const renderCard = (c: Card) =>
    visibleCard(c) ? (
      <CardView
        key={c.id}
        card={c}
        vote={voted[voteKey(c.sourceItemId)]}
        onOpenSource={() => setSource(c)}
        onInsert={(text) => insert(c, text)}
        onCopy={(text) => copy(c, text)}
        onVote={(useful) => {
          setVoted((v) => ({ ...v, [voteKey(c.sourceItemId)]: useful }));
          onFeedback(c.sourceItemId, useful);
        }}
        onDismiss={() => dismissed.dismiss(c)}
        onAction={(a) => onAction(a, c)}
      />
    ) : null;

  return (
    <section className="knowledge" data-testid="knowledge-panel" data-ready={ready} aria-label={t('knowledge.title')} aria-live="polite">
      {live ? <AssistBox key={live.conversationId} client={live.client} conversationId={live.conversationId} renderCard={renderCard} /> : null}
      {!ready ? <p className="muted">{t('knowledge.loading')}</p> : null}
      {ready && dismissed.loaded && cards.length === 0 ? <p className="empty">{t('knowledge.empty')}</p> : null}
      <ol className="cards">{cards.map(renderCard)}</ol>
      <p className="disclaimer">{t('knowledge.disclaimer')}</p>
      {source ? <SourceDialog key={source.id} card={source} client={client} onClose={() => setSource(null)} /> : null}
    </section>
  );
}

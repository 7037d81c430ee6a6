import { useEffect, useState } from 'react';
import type { Card } from '../../../shared/engine';
import { isPersistentDismissal } from '../../../shared/engine/feedback/dismiss';
import type { LanternClient } from '../lib/client';

interface State {
  conversationId: string;
  loaded: boolean;
  ids: ReadonlySet<string>;
}

/**
 * The cards dismissed in the open conversation: read from the replica when the
 * conversation opens (`knowledge.dismissed`), kept there on dismiss (`knowledge.dismiss`).
 * Wording, tone and AI cards are hidden only on screen; red flags are never hidden.
 * `loaded` is false until the replica answered, so a dismissed card does not flash up.
 */
export function useDismissed(client: LanternClient | undefined, conversationId: string | null | undefined) {
  const key = conversationId ?? '';
  const remote = client && conversationId ? { client, conversationId } : null;
  const fresh = (): State => ({ conversationId: key, loaded: !remote, ids: new Set() });
  const [state, setState] = useState<State>(fresh);

  useEffect(() => {
    setState(fresh());
    if (!remote) return undefined;
    let alive = true;
    void remote.client.knowledge.dismissed({ conversationId: remote.conversationId }).then((r) => {
      if (!alive) return;
      setState((s) => (s.conversationId === key ? { conversationId: key, loaded: true, ids: new Set([...s.ids, ...(r.ok ? r.value.cardIds : [])]) } : s));
    });
    return () => {
      alive = false;
    };
    // `remote` is derived from the client and the conversation id.
  }, [client, key]);

  const current = state.conversationId === key ? state : fresh();
  return {
    loaded: current.loaded,
    has: (cardId: string) => current.ids.has(cardId),
    dismiss(card: Card) {
      if (card.kind === 'red_flag') return;
      setState((s) => (s.conversationId === key ? { ...s, ids: new Set(s.ids).add(card.id) } : s));
      if (remote && isPersistentDismissal(card.id)) void remote.client.knowledge.dismiss({ conversationId: remote.conversationId, cardId: card.id, itemId: card.sourceItemId });
    },
  };
}

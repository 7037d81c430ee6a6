/**
 * Feedback loop: per-item usage counts and useful/useless votes, one vote per user
 * per item (the latest wins, so a mis-click can be corrected). An item that N
 * different users (default 3) marked useless within 7 days is retired to a review
 * queue — never deleted; a reviewer can restore it, which starts its count afresh.
 * Pure functions over an event list; `applyFeedback` folds one event for live use.
 */
export type FeedbackEvent =
  | { type: 'shown'; itemId: string; userId?: string; at: number }
  | { type: 'used'; itemId: string; userId: string; at: number }
  | { type: 'vote'; itemId: string; userId: string; useful: boolean; at: number }
  | { type: 'restored'; itemId: string; userId: string; at: number };

export interface ItemFeedback {
  shown: number;
  used: number;
  useful: number;
  useless: number;
  /** Latest vote per user since the last restore. */
  votes: Record<string, { useful: boolean; at: number }>;
  retiredAt?: number;
  restoredAt?: number;
}

export interface ReviewEntry {
  itemId: string;
  since: number;
  uselessVotes: number;
  usefulVotes: number;
}

export interface FeedbackState {
  items: Record<string, ItemFeedback>;
  reviewQueue: ReviewEntry[];
}

export interface FeedbackOptions {
  threshold?: number;
  windowMs?: number;
}

const WEEK = 7 * 86_400_000;
export const emptyFeedback = (): FeedbackState => ({ items: {}, reviewQueue: [] });

function item(state: FeedbackState, id: string): ItemFeedback {
  return (state.items[id] ??= { shown: 0, used: 0, useful: 0, useless: 0, votes: {} });
}

/** Folds one event into a new state (the input is not mutated). */
export function applyFeedback(prev: FeedbackState, e: FeedbackEvent, opts: FeedbackOptions = {}): FeedbackState {
  const threshold = opts.threshold ?? 3;
  const windowMs = opts.windowMs ?? WEEK;
  const state: FeedbackState = { items: { ...prev.items }, reviewQueue: [...prev.reviewQueue] };
  const old = state.items[e.itemId];
  state.items[e.itemId] = old ? { ...old, votes: { ...old.votes } } : { shown: 0, used: 0, useful: 0, useless: 0, votes: {} };
  const it = item(state, e.itemId);
  switch (e.type) {
    case 'shown':
      it.shown++;
      break;
    case 'used':
      it.used++;
      break;
    case 'restored':
      delete it.retiredAt;
      it.restoredAt = e.at;
      it.votes = {};
      state.reviewQueue = state.reviewQueue.filter((r) => r.itemId !== e.itemId);
      break;
    case 'vote': {
      if (e.useful) it.useful++;
      else it.useless++;
      it.votes[e.userId] = { useful: e.useful, at: e.at };
      if (it.retiredAt !== undefined) break;
      const recent = Object.values(it.votes).filter((v) => e.at - v.at <= windowMs && v.at <= e.at);
      const useless = recent.filter((v) => !v.useful).length;
      if (useless >= threshold) {
        it.retiredAt = e.at;
        state.reviewQueue.push({ itemId: e.itemId, since: e.at, uselessVotes: useless, usefulVotes: recent.length - useless });
      }
      break;
    }
  }
  return state;
}

/** Replays events in time order. */
export function reduceFeedback(events: readonly FeedbackEvent[], opts: FeedbackOptions = {}): FeedbackState {
  return [...events].sort((a, b) => a.at - b.at).reduce((s, e) => applyFeedback(s, e, opts), emptyFeedback());
}

export const isRetired = (state: FeedbackState, itemId: string): boolean => state.items[itemId]?.retiredAt !== undefined;

export function retiredIds(state: FeedbackState): Set<string> {
  return new Set(Object.entries(state.items).filter(([, v]) => v.retiredAt !== undefined).map(([k]) => k));
}

/** Usage counts per item, most used first. */
export function usageCounts(state: FeedbackState): Array<{ itemId: string; shown: number; used: number; useful: number; useless: number }> {
  return Object.entries(state.items)
    .map(([itemId, v]) => ({ itemId, shown: v.shown, used: v.used, useful: v.useful, useless: v.useless }))
    .sort((a, b) => b.used - a.used || b.shown - a.shown || a.itemId.localeCompare(b.itemId));
}

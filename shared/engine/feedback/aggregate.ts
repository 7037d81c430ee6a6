/**
 * Hub-side feedback rules, pure: usage counts per item and the retirement rule
 * over card events that workstations pushed (`knowledge.feedback` mutations).
 * Times are the HUB's clock (when the hub accepted the event), never a
 * workstation's: the window is judged in one clock.
 *
 * Votes: one per user per item and conversation, the latest wins (an agent can
 * correct a mis-click). `shown`, `inserted`, `copied` and `dismissed` are plain counts.
 */

export type CardEventKind = 'shown' | 'inserted' | 'copied' | 'dismissed' | 'useful' | 'useless';

export interface CardEvent {
  itemId: string;
  kind: CardEventKind;
  userId: string;
  conversationId: string | null;
  /** Hub time (epoch ms). */
  at: number;
}

export interface UsageCounts {
  itemId: string;
  shown: number;
  inserted: number;
  /** Copied to the clipboard. */
  copied: number;
  /** Dismissed (hidden for one conversation; a workstation reports each card once per conversation). */
  dismissed: number;
  /** Latest votes per (user, conversation) that are useful / useless. */
  useful: number;
  useless: number;
  /** Distinct users whose latest vote on this item is useless. */
  uselessUsers: number;
  lastAt: number;
}

export interface RetirementRule {
  /** Only votes in the last `windowMs` count (default 7 days). */
  windowMs: number;
  /** Retire when this many DIFFERENT users marked it useless in the window (default 3)… */
  minUsers: number;
  /** …or when this many useless marks (latest per user and conversation) were made in the window (default 5). */
  minMarks: number;
}

export const DAY_MS = 86_400_000;
export const DEFAULT_RETIREMENT_RULE: RetirementRule = Object.freeze({ windowMs: 7 * DAY_MS, minUsers: 3, minMarks: 5 });

export interface RetirementVerdict {
  retire: boolean;
  /** Which threshold was met (users first), or null. */
  reason: 'users' | 'marks' | null;
  uselessUsers: number;
  uselessMarks: number;
  usefulMarks: number;
  /** Votes at or after this time were counted. */
  windowStart: number;
}

const voteKey = (e: Pick<CardEvent, 'userId' | 'conversationId'>) => `${e.userId}\u0000${e.conversationId ?? ''}`;

/** The latest vote per (user, conversation), in time order of the input (ties: later in the list wins). */
function latestVotes<E extends CardEvent>(events: readonly E[]): E[] {
  const latest = new Map<string, E>();
  for (const e of events) {
    if (e.kind !== 'useful' && e.kind !== 'useless') continue;
    const k = voteKey(e);
    const prev = latest.get(k);
    if (!prev || e.at >= prev.at) latest.set(k, e);
  }
  return [...latest.values()];
}

/** Usage per item, most inserted first (then most shown, then id). */
export function aggregateUsage(events: readonly CardEvent[]): UsageCounts[] {
  const byItem = new Map<string, CardEvent[]>();
  for (const e of events) {
    const list = byItem.get(e.itemId);
    if (list) list.push(e);
    else byItem.set(e.itemId, [e]);
  }
  const out: UsageCounts[] = [];
  for (const [itemId, list] of byItem) {
    const votes = latestVotes(list);
    const useless = votes.filter((v) => v.kind === 'useless');
    out.push({
      itemId,
      shown: list.filter((e) => e.kind === 'shown').length,
      inserted: list.filter((e) => e.kind === 'inserted').length,
      copied: list.filter((e) => e.kind === 'copied').length,
      dismissed: list.filter((e) => e.kind === 'dismissed').length,
      useful: votes.length - useless.length,
      useless: useless.length,
      uselessUsers: new Set(useless.map((v) => v.userId)).size,
      lastAt: Math.max(...list.map((e) => e.at)),
    });
  }
  return out.sort((a, b) => b.inserted - a.inserted || b.shown - a.shown || a.itemId.localeCompare(b.itemId));
}

/**
 * Should this item leave the suggestions for review? Counts the votes of ONE item
 * made in [now − windowMs, now] and after `since` (the last restore: a restored
 * item starts counting afresh). Votes after `now` are ignored.
 */
export function judgeRetirement(events: readonly CardEvent[], now: number, rule: RetirementRule = DEFAULT_RETIREMENT_RULE, since: number | null = null): RetirementVerdict {
  const windowStart = now - rule.windowMs;
  const counted = events.filter((e) => e.at >= windowStart && e.at <= now && (since === null || e.at > since));
  const votes = latestVotes(counted);
  const useless = votes.filter((v) => v.kind === 'useless');
  const uselessUsers = new Set(useless.map((v) => v.userId)).size;
  const reason = uselessUsers >= rule.minUsers ? 'users' : useless.length >= rule.minMarks ? 'marks' : null;
  return { retire: reason !== null, reason, uselessUsers, uselessMarks: useless.length, usefulMarks: votes.length - useless.length, windowStart };
}

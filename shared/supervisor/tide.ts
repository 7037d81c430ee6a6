/**
 * Keyword tide (which symptoms and questions patients write about, week by week or
 * month by month) and surge detection (a topic suddenly at twice its usual volume).
 * Both count CONVERSATIONS mentioning a topic, not messages: one worried patient
 * writing 头晕 five times is one mention.
 */
import type { ConceptKind } from '../engine/text/concepts';
import { CHINA_OFFSET_MINUTES, DAY_MS, lastPeriods, periodKey, round1 } from './periods';
import { TOPIC_KINDS, topicKind, topicLabel, topicsIn } from './topics';

export interface TideMessage {
  conversationId: string;
  at: number;
  body: string;
}

export interface TideTerm {
  id: string;
  label: { 'zh-CN': string; en: string };
  kind: ConceptKind | null;
  /** Conversations mentioning it per period (aligned with `periods`). */
  counts: number[];
  total: number;
  /** Latest window vs the usual level (see `keywordTide`). */
  recent: number;
  usual: number;
  rising: boolean;
}

/** Memoises topic extraction per message body (the same text always has the same topics). */
export function topicCache(): (body: string) => string[] {
  const cache = new Map<string, string[]>();
  return (body) => {
    let t = cache.get(body);
    if (!t) {
      t = topicsIn(body);
      if (cache.size > 50_000) cache.clear();
      cache.set(body, t);
    }
    return t;
  };
}

/**
 * Term frequency per calendar week or month (the chart), plus "rising": the last
 * rolling window (7 days for weeks, 30 for months) against the mean of the 4
 * (weeks) or 3 (months) windows before it; rising when it is at least twice that
 * level and at least `minCount` (5) conversations (a topic never seen before
 * rises once it reaches `minCount`).
 */
export function keywordTide(
  messages: readonly TideMessage[],
  opts: { now: number; granularity: 'week' | 'month'; periods: number; top?: number; minCount?: number; kinds?: readonly ConceptKind[]; offsetMinutes?: number; topics?: (body: string) => string[] },
): { periods: string[]; terms: TideTerm[] } {
  const off = opts.offsetMinutes ?? CHINA_OFFSET_MINUTES;
  const kinds = opts.kinds ?? TOPIC_KINDS;
  const topics = opts.topics ?? topicsIn;
  const periods = lastPeriods(opts.now, opts.granularity, opts.periods, off).map((p) => p.key);
  const index = new Map(periods.map((p, i) => [p, i]));
  const win = (opts.granularity === 'week' ? 7 : 30) * DAY_MS;
  const prevWindows = opts.granularity === 'week' ? 4 : 3;
  const minCount = opts.minCount ?? 5;
  // term → period index → conversations;  term → window index (0 = latest) → conversations
  const perPeriod = new Map<string, Set<string>[]>();
  const perWindow = new Map<string, Set<string>[]>();
  for (const m of messages) {
    if (m.at > opts.now) continue;
    const ids = topics(m.body).filter((id) => kinds.includes(topicKind(id) ?? 'term'));
    if (!ids.length) continue;
    const pi = index.get(periodKey(m.at, opts.granularity, off));
    const wi = Math.floor((opts.now - m.at) / win);
    for (const id of ids) {
      if (pi !== undefined) {
        const arr = perPeriod.get(id) ?? periods.map(() => new Set<string>());
        arr[pi]!.add(m.conversationId);
        perPeriod.set(id, arr);
      }
      if (wi <= prevWindows) {
        const arr = perWindow.get(id) ?? Array.from({ length: prevWindows + 1 }, () => new Set<string>());
        arr[wi]!.add(m.conversationId);
        perWindow.set(id, arr);
      }
    }
  }
  const terms: TideTerm[] = [...new Set([...perPeriod.keys(), ...perWindow.keys()])].map((id) => {
    const counts = (perPeriod.get(id) ?? periods.map(() => new Set<string>())).map((s) => s.size);
    const w = (perWindow.get(id) ?? []).map((s) => s.size);
    const recent = w[0] ?? 0;
    const usual = round1(w.slice(1).reduce((a, b) => a + b, 0) / prevWindows);
    return { id, label: topicLabel(id), kind: topicKind(id), counts, total: counts.reduce((a, b) => a + b, 0), recent, usual, rising: recent >= minCount && recent >= 2 * usual };
  });
  terms.sort((a, b) => Number(b.rising) - Number(a.rising) || b.total - a.total || a.id.localeCompare(b.id));
  return { periods, terms: terms.filter((t) => t.total > 0 || t.rising).slice(0, opts.top ?? 12) };
}

export interface Surge {
  topicId: string;
  label: { 'zh-CN': string; en: string };
  /** Conversations mentioning it in the last window. */
  current: number;
  /** Mean per window over the baseline windows before it. */
  usual: number;
  /** current / max(usual, 1), one decimal. */
  ratio: number;
  conversationIds: string[];
}

/**
 * A topic surges when, in the last `windowMs` (24 h), it was mentioned in at least
 * `factor` (2) × its usual level — the mean over the `baselineWindows` (7)
 * windows before — and in at least `minCount` (5) conversations. A usual level
 * below 1 counts as 1, so a handful of mentions of a rare topic is not a surge.
 */
export function detectSurges(messages: readonly TideMessage[], opts: { now: number; windowMs?: number; baselineWindows?: number; factor?: number; minCount?: number; topics?: (body: string) => string[] }): Surge[] {
  const windowMs = opts.windowMs ?? DAY_MS;
  const base = opts.baselineWindows ?? 7;
  const factor = opts.factor ?? 2;
  const minCount = opts.minCount ?? 5;
  const topics = opts.topics ?? topicsIn;
  const byTopic = new Map<string, Set<string>[]>();
  for (const m of messages) {
    if (m.at > opts.now) continue;
    const wi = Math.floor((opts.now - m.at) / windowMs);
    if (wi > base) continue;
    for (const id of topics(m.body)) {
      const arr = byTopic.get(id) ?? Array.from({ length: base + 1 }, () => new Set<string>());
      arr[wi]!.add(m.conversationId);
      byTopic.set(id, arr);
    }
  }
  const out: Surge[] = [];
  for (const [id, arr] of byTopic) {
    const current = arr[0]!.size;
    const usual = arr.slice(1).reduce((a, s) => a + s.size, 0) / base;
    if (current >= minCount && current >= factor * Math.max(usual, 1)) {
      out.push({ topicId: id, label: topicLabel(id), current, usual: round1(usual), ratio: round1(current / Math.max(usual, 1)), conversationIds: [...arr[0]!].sort() });
    }
  }
  return out.sort((a, b) => b.ratio - a.ratio || b.current - a.current || a.topicId.localeCompare(b.topicId));
}

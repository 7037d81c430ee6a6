/**
 * Sentiment over time: one conversation's patient sentiment per message with the
 * events around it, and per team / agent over days or weeks.
 */
import { analyseConversation, isDeviceAlert, isStaffReply, type ConvInput } from './analysis';
import { CHINA_OFFSET_MINUTES, HOUR_MS, lastPeriods, periodKey, round1, type Granularity } from './periods';

export interface TimelinePoint {
  messageId: string;
  at: number;
  /** −2…+2 from the engine. */
  level: number;
  score: number;
  anxious: boolean;
  excerpt: string;
}

export type MarkerKind = 'reply' | 'transfer' | 'red_flag' | 'device_alert' | 'recall';

export interface TimelineMarker {
  kind: MarkerKind;
  at: number;
  /** The message to jump to (null for transfers and device readings). */
  messageId: string | null;
  detail: string;
}

export interface ReadingLike {
  kind: string;
  value: number;
  value2: number | null;
  unit: string;
  measuredAt: number;
}

export interface Threshold {
  low: number | null;
  high: number | null;
}

export interface SentimentTimeline {
  points: TimelinePoint[];
  markers: TimelineMarker[];
  summary: { count: number; mean: number | null; min: number | null; first: number | null; last: number | null };
}

const excerpt = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** A reading outside its thresholds (systolic for bp: value; diastolic: value2 against 90). */
function outOfRange(r: ReadingLike, t: Threshold | undefined): boolean {
  if (!t) return false;
  if (t.high !== null && r.value > t.high) return true;
  if (t.low !== null && r.value < t.low) return true;
  return r.kind === 'bp' && r.value2 !== null && r.value2 > 90;
}

/**
 * The patient's sentiment per message (the line) and markers for staff replies,
 * transfers, red flags, device alerts (alert messages, and device readings outside
 * the patient's thresholds from an hour before the conversation to an hour after).
 */
export function sentimentTimeline(c: ConvInput, opts: { now: number; readings?: readonly ReadingLike[]; thresholds?: Record<string, Threshold> }): SentimentTimeline {
  const a = analyseConversation(c, { now: opts.now });
  const byId = new Map(c.messages.map((m) => [m.id, m]));
  const points: TimelinePoint[] = [];
  const markers: TimelineMarker[] = [];
  for (const s of a.messages) {
    const m = byId.get(s.id)!;
    if (s.level !== null && s.score !== null) points.push({ messageId: s.id, at: s.at, level: s.level, score: s.score, anxious: s.anxious, excerpt: excerpt(m.body) });
    if (isDeviceAlert(m, c.channel)) markers.push({ kind: 'device_alert', at: s.at, messageId: s.id, detail: excerpt(m.body) });
    if (s.redFlags.length) markers.push({ kind: 'red_flag', at: s.at, messageId: s.id, detail: s.redFlags.map((f) => `${f.id}:${f.urgency}`).join(',') });
    if (isStaffReply(m)) markers.push({ kind: 'reply', at: s.at, messageId: s.id, detail: m.authorName ?? '' });
    if (m.direction === 'outbound' && m.recalledAt !== null) markers.push({ kind: 'recall', at: s.at, messageId: s.id, detail: m.authorName ?? '' });
  }
  for (const t of c.transfers ?? []) if (t.from !== t.to) markers.push({ kind: 'transfer', at: t.at, messageId: null, detail: `${t.from ?? '—'}→${t.to ?? '—'}` });
  if (opts.readings?.length && c.messages.length) {
    const times = c.messages.map((m) => m.createdAt);
    const from = Math.min(...times) - HOUR_MS;
    const to = Math.max(...times) + HOUR_MS;
    for (const r of opts.readings) {
      if (r.measuredAt < from || r.measuredAt > to || !outOfRange(r, opts.thresholds?.[r.kind])) continue;
      markers.push({ kind: 'device_alert', at: r.measuredAt, messageId: null, detail: `${r.kind} ${r.value}${r.value2 !== null ? `/${r.value2}` : ''} ${r.unit}` });
    }
  }
  markers.sort((x, y) => x.at - y.at);
  const levels = points.map((p) => p.level);
  return {
    points,
    markers,
    summary: {
      count: levels.length,
      mean: levels.length ? round1(levels.reduce((x, y) => x + y, 0) / levels.length) : null,
      min: levels.length ? Math.min(...levels) : null,
      first: levels[0] ?? null,
      last: levels.length ? levels[levels.length - 1]! : null,
    },
  };
}

/** One conversation's scored patient messages, for the trends. */
export interface ScoredConversation {
  conversationId: string;
  contactName: string;
  teamId: string | null;
  agentId: string | null;
  levels: { at: number; level: number }[];
}

export interface TrendRow {
  period: string;
  /** Patient messages scored. */
  n: number;
  mean: number | null;
  /** Count per level, index 0 = −2 … index 4 = +2. */
  dist: [number, number, number, number, number];
}

export interface TrendGroup {
  id: string;
  rows: TrendRow[];
  total: number;
  mean: number | null;
}

/** Sentiment distribution and mean per period for each team or agent (the last `periods` periods, gaps included). */
export function sentimentTrends(items: readonly ScoredConversation[], opts: { now: number; granularity: Exclude<Granularity, 'month'>; periods: number; groupBy: 'team' | 'agent'; offsetMinutes?: number }): { periods: string[]; groups: TrendGroup[] } {
  const off = opts.offsetMinutes ?? CHINA_OFFSET_MINUTES;
  const periods = lastPeriods(opts.now, opts.granularity, opts.periods, off).map((p) => p.key);
  const index = new Map(periods.map((p, i) => [p, i]));
  const groups = new Map<string, { rows: TrendRow[]; sum: number; n: number }>();
  for (const c of items) {
    const id = (opts.groupBy === 'team' ? c.teamId : c.agentId) ?? '—';
    let g = groups.get(id);
    if (!g) {
      g = { rows: periods.map((period) => ({ period, n: 0, mean: null, dist: [0, 0, 0, 0, 0] })), sum: 0, n: 0 };
      groups.set(id, g);
    }
    for (const l of c.levels) {
      const i = index.get(periodKey(l.at, opts.granularity, off));
      if (i === undefined) continue;
      const row = g.rows[i]!;
      row.n++;
      row.dist[l.level + 2]!++;
      row.mean = (row.mean ?? 0) + l.level; // a running sum until the end
      g.sum += l.level;
      g.n++;
    }
  }
  return {
    periods,
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, g]) => ({ id, rows: g.rows.map((r) => ({ ...r, mean: r.n ? round1((r.mean ?? 0) / r.n) : null })), total: g.n, mean: g.n ? round1(g.sum / g.n) : null })),
  };
}

/** The conversations behind one cell of the trends (worst first). */
export function sentimentDrill(
  items: readonly ScoredConversation[],
  opts: { groupBy: 'team' | 'agent'; groupId: string; period: string; granularity: Exclude<Granularity, 'month'>; level?: number; offsetMinutes?: number },
): { conversationId: string; contactName: string; n: number; mean: number; min: number }[] {
  const off = opts.offsetMinutes ?? CHINA_OFFSET_MINUTES;
  const out: { conversationId: string; contactName: string; n: number; mean: number; min: number }[] = [];
  for (const c of items) {
    if (((opts.groupBy === 'team' ? c.teamId : c.agentId) ?? '—') !== opts.groupId) continue;
    const ls = c.levels.filter((l) => periodKey(l.at, opts.granularity, off) === opts.period).map((l) => l.level);
    if (!ls.length || (opts.level !== undefined && !ls.includes(opts.level))) continue;
    out.push({ conversationId: c.conversationId, contactName: c.contactName, n: ls.length, mean: round1(ls.reduce((a, b) => a + b, 0) / ls.length), min: Math.min(...ls) });
  }
  return out.sort((a, b) => a.mean - b.mean || a.min - b.min || a.conversationId.localeCompare(b.conversationId));
}

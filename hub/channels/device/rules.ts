import type { ReadingKind } from './units';

/**
 * Alert rules for device readings, as pure functions over a small persisted state:
 *
 * - critical: a reading beyond the absolute critical limits alerts at once;
 * - abnormal: a one-minute window whose mean lies outside the patient's OWN
 *   10th–90th percentile (from their earlier readings) counts; N consecutive
 *   abnormal windows (default 3; adjacent minutes) alert;
 * - de-duplicated: after an alert, nothing more for that patient and kind until
 *   a window closes normal again (a critical after an abnormal alert still alerts).
 */

export interface Limits {
  low?: number | undefined;
  high?: number | undefined;
  low2?: number | undefined;
  high2?: number | undefined;
}

export const DEFAULT_CRITICAL: Record<ReadingKind, Limits> = {
  glucose: { low: 3.0, high: 20.0 },
  bp: { low: 80, high: 180, low2: 40, high2: 120 },
  heart_rate: { low: 40, high: 130 },
  spo2: { low: 88 },
  temperature: { low: 35.0, high: 40.0 },
  weight: {},
};

export interface Baseline {
  p10: number;
  p90: number;
  p10b?: number | undefined;
  p90b?: number | undefined;
  n: number;
}

export interface RuleState {
  /** Index of the open window (floor(t / windowMs)). */
  window: number | null;
  sum: number;
  sum2: number;
  count: number;
  readingIds: string[];
  /** Last closed window that was abnormal, and the run of consecutive abnormal windows ending there. */
  lastAbnormal: number | null;
  streak: number;
  /** Abnormal windows (ids of their readings) in the current run, for the alert message. */
  runReadingIds: string[];
  alerted: 'abnormal' | 'critical' | null;
  baseline: Baseline | null;
  baselineWindow: number | null;
}

export const emptyState = (): RuleState => ({ window: null, sum: 0, sum2: 0, count: 0, readingIds: [], lastAbnormal: null, streak: 0, runReadingIds: [], alerted: null, baseline: null, baselineWindow: null });

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (idx - lo);
}

export function baselineOf(values: readonly number[], values2: readonly (number | null)[], minReadings: number): Baseline | null {
  if (values.length < minReadings) return null;
  const s = [...values].sort((a, b) => a - b);
  const v2 = values2.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return { p10: percentile(s, 10), p90: percentile(s, 90), ...(v2.length >= minReadings ? { p10b: percentile(v2, 10), p90b: percentile(v2, 90) } : {}), n: values.length };
}

export type Level = 'normal' | 'abnormal' | 'critical';

export function isCritical(value: number, value2: number | null, c: Limits): string | null {
  if (c.low !== undefined && value < c.low) return `低于危急下限 ${c.low}`;
  if (c.high !== undefined && value > c.high) return `高于危急上限 ${c.high}`;
  if (value2 !== null && c.low2 !== undefined && value2 < c.low2) return `舒张压低于危急下限 ${c.low2}`;
  if (value2 !== null && c.high2 !== undefined && value2 > c.high2) return `舒张压高于危急上限 ${c.high2}`;
  return null;
}

export function outsideBaseline(value: number, value2: number | null, b: Baseline | null): string | null {
  if (!b) return null;
  if (value < b.p10) return `低于本人第10百分位 ${round1(b.p10)}`;
  if (value > b.p90) return `高于本人第90百分位 ${round1(b.p90)}`;
  if (value2 !== null && b.p10b !== undefined && value2 < b.p10b) return `舒张压低于本人第10百分位 ${round1(b.p10b)}`;
  if (value2 !== null && b.p90b !== undefined && value2 > b.p90b!) return `舒张压高于本人第90百分位 ${round1(b.p90b!)}`;
  return null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export interface RuleReading {
  id: string;
  value: number;
  value2: number | null;
  at: number;
}

export interface RuleOptions {
  windowMs: number;
  consecutive: number;
  critical: Limits;
}

export interface Alert {
  level: 'abnormal' | 'critical';
  reason: string;
  readingIds: string[];
}

/** Feeds one reading (in time order per patient and kind; late ones only get the critical check). */
export function step(prev: RuleState, r: RuleReading, o: RuleOptions): { state: RuleState; alert: Alert | null } {
  const s: RuleState = { ...prev, readingIds: [...prev.readingIds], runReadingIds: [...prev.runReadingIds] };
  const w = Math.floor(r.at / o.windowMs);
  const critical = isCritical(r.value, r.value2, o.critical);

  if (s.window !== null && w < s.window) {
    // A late reading: windows already moved on; only the critical check applies.
    if (critical && s.alerted !== 'critical') {
      s.alerted = 'critical';
      return { state: s, alert: { level: 'critical', reason: critical, readingIds: [r.id] } };
    }
    return { state: s, alert: null };
  }

  if (s.window === null || w > s.window) {
    if (s.window !== null && s.count > 0) {
      // Close the open window.
      const mean = s.sum / s.count;
      const mean2 = s.count > 0 && s.sum2 !== 0 ? s.sum2 / s.count : null;
      if (outsideBaseline(mean, mean2, s.baseline) || isCritical(mean, mean2, o.critical)) {
        s.streak = s.lastAbnormal === s.window - 1 ? s.streak + 1 : 1;
        if (s.streak === 1) s.runReadingIds = [];
        s.runReadingIds = [...s.runReadingIds, ...s.readingIds].slice(-50);
        s.lastAbnormal = s.window;
      } else {
        s.streak = 0;
        s.lastAbnormal = null;
        s.runReadingIds = [];
        s.alerted = null;
      }
    }
    s.window = w;
    s.sum = 0;
    s.sum2 = 0;
    s.count = 0;
    s.readingIds = [];
  }
  s.sum += r.value;
  s.sum2 += r.value2 ?? 0;
  s.count += 1;
  s.readingIds.push(r.id);

  if (critical && s.alerted !== 'critical') {
    s.alerted = 'critical';
    return { state: s, alert: { level: 'critical', reason: critical, readingIds: [r.id] } };
  }
  const mean = s.sum / s.count;
  const mean2 = r.value2 === null ? null : s.sum2 / s.count;
  const why = outsideBaseline(mean, mean2, s.baseline);
  if (why && s.alerted === null) {
    const run = s.lastAbnormal === w - 1 ? s.streak : 0;
    if (run + 1 >= o.consecutive) {
      s.alerted = 'abnormal';
      return { state: s, alert: { level: 'abnormal', reason: `连续 ${run + 1} 个${Math.round(o.windowMs / 60000) || 1}分钟窗口${why}`, readingIds: [...s.runReadingIds, ...s.readingIds].slice(-50) } };
    }
  }
  return { state: s, alert: null };
}

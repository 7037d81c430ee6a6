/**
 * Calendar periods for reports, in the clinic's local time. The offset is fixed
 * (China has no daylight saving: UTC+8 = 480 minutes) so the maths stays pure and
 * the same on the hub, the workstation and in tests.
 */
export const CHINA_OFFSET_MINUTES = 480;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export type Granularity = 'day' | 'week' | 'month';

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar date of an instant, as a UTC-midnight Date (so getUTC* read local fields). */
function localDate(at: number, offsetMinutes: number): Date {
  return new Date(at + offsetMinutes * MINUTE_MS);
}

/** `2025-03-07` */
export function dayKey(at: number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const d = localDate(at, offsetMinutes);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `2025-03` */
export function monthKey(at: number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const d = localDate(at, offsetMinutes);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}

/** ISO 8601 week: `2025-W10` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function weekKey(at: number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const d = localDate(at, offsetMinutes);
  const day = d.getUTCDay() || 7; // Monday = 1 … Sunday = 7
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 4 - day));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${pad(week)}`;
}

export function periodKey(at: number, granularity: Granularity, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  return granularity === 'day' ? dayKey(at, offsetMinutes) : granularity === 'week' ? weekKey(at, offsetMinutes) : monthKey(at, offsetMinutes);
}

/** Start (inclusive, epoch ms) of the local day holding `at`. */
export function startOfDay(at: number, offsetMinutes = CHINA_OFFSET_MINUTES): number {
  const shifted = at + offsetMinutes * MINUTE_MS;
  return shifted - (((shifted % DAY_MS) + DAY_MS) % DAY_MS) - offsetMinutes * MINUTE_MS;
}

/** Start of the local ISO week (Monday 00:00) holding `at`. */
export function startOfWeek(at: number, offsetMinutes = CHINA_OFFSET_MINUTES): number {
  const day = localDate(at, offsetMinutes).getUTCDay() || 7;
  return startOfDay(at, offsetMinutes) - (day - 1) * DAY_MS;
}

/** Start of the local month holding `at`. */
export function startOfMonth(at: number, offsetMinutes = CHINA_OFFSET_MINUTES): number {
  const d = localDate(at, offsetMinutes);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - offsetMinutes * MINUTE_MS;
}

export function startOfPeriod(at: number, granularity: Granularity, offsetMinutes = CHINA_OFFSET_MINUTES): number {
  return granularity === 'day' ? startOfDay(at, offsetMinutes) : granularity === 'week' ? startOfWeek(at, offsetMinutes) : startOfMonth(at, offsetMinutes);
}

/** The `count` period keys ending with the one holding `now`, oldest first (no gaps, even for empty periods). */
export function lastPeriods(now: number, granularity: Granularity, count: number, offsetMinutes = CHINA_OFFSET_MINUTES): { key: string; start: number }[] {
  const out: { key: string; start: number }[] = [];
  let start = startOfPeriod(now, granularity, offsetMinutes);
  for (let i = 0; i < count; i++) {
    out.unshift({ key: periodKey(start, granularity, offsetMinutes), start });
    // One millisecond before this period's start lies in the previous period.
    start = startOfPeriod(start - 1, granularity, offsetMinutes);
  }
  return out;
}

/**
 * [start, end) in epoch ms of a period key (`2025-03-07`, `2025-W10`, `2025-03`), or
 * null when the key is not one of those forms.
 */
export function periodRange(key: string, offsetMinutes = CHINA_OFFSET_MINUTES): { start: number; end: number; granularity: Granularity } | null {
  const off = offsetMinutes * MINUTE_MS;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (m) {
    const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - off;
    return dayKey(start, offsetMinutes) === key ? { start, end: start + DAY_MS, granularity: 'day' } : null;
  }
  m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (m) {
    // ISO week 1 holds January 4th.
    const jan4 = Date.UTC(Number(m[1]), 0, 4) - off;
    const start = startOfWeek(jan4, offsetMinutes) + (Number(m[2]) - 1) * 7 * DAY_MS;
    return weekKey(start, offsetMinutes) === key ? { start, end: start + 7 * DAY_MS, granularity: 'week' } : null;
  }
  m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) - off;
    return { start, end: Date.UTC(Number(m[1]), Number(m[2]), 1) - off, granularity: 'month' };
  }
  return null;
}

/** Local hour (0–23) of an instant. */
export function localHour(at: number, offsetMinutes = CHINA_OFFSET_MINUTES): number {
  return localDate(at, offsetMinutes).getUTCHours();
}

/** Median of numbers (null when empty). */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Readings typed by patients ("血糖2.8", "血压185/115", "烧到39度", "sugar 320 mg/dl")
 * so that reading-based triggers and red flags also work without a connected device.
 * Input is normalised text; output is in canonical units.
 */
import type { Reading } from '../types';

const NUM = '(\\d{1,3}(?:\\.\\d{1,2})?)';
const GAP = '[^0-9\\n,.;!?。，；！？]{0,8}?';
// "测了3次" / "打了8个单位" are counts, not readings.
const NOT_COUNT = '(?![\\d.]|\\s*(?:次|天|个|小时|点|岁|年|周|片|粒|单位|分钟|iu|u\\b|times|days|hours|units))';

const GLUCOSE = new RegExp(`(?:血糖|glucose|blood sugar|sugar|bg)${GAP}${NUM}${NOT_COUNT}\\s*(mmol/l|mmol|mg/dl|毫摩尔)?`, 'g');
const BP = new RegExp(`(?:血压|bp|blood pressure)${GAP}(\\d{2,3})\\s*[/／]\\s*(\\d{2,3})`, 'g');
const BP_WORDS = /高压\s*(\d{2,3})[^0-9]{0,6}?低压\s*(\d{2,3})/g;
const HR = new RegExp(`(?:心率|心跳|脉搏|heart rate|pulse|\\bhr)${GAP}(\\d{2,3})${NOT_COUNT}`, 'g');
const TEMP_UNIT = /(\d{2,3}(?:\.\d)?)\s*(?:度|℃|°c|°f|°|degrees)/g;
const TEMP_WORD = new RegExp(`(?:体温|发烧|发热|烧到|temperature|temp|fever)${GAP}${NUM}${NOT_COUNT}`, 'g');
const SPO2 = new RegExp(`(?:血氧|氧饱和度|spo2|oxygen|o2 sat|sats)${GAP}(\\d{2,3})\\s*%?`, 'g');

// "血糖低于3.9" / "glucose below 70" state a threshold, not a measurement.
const COMPARISON = /低于|高于|超过|小于|大于|不到|不超过|以下|以上|below|above|under|over|less than|more than|[<>≤≥]/;
const isThreshold = (m: RegExpMatchArray, numberGroup = 1): boolean => {
  const text = m[0];
  const n = m[numberGroup];
  const gap = n === undefined ? text : text.slice(0, text.indexOf(n));
  return COMPARISON.test(gap);
};

function celsius(v: number, raw: string): number | undefined {
  if (/°f/.test(raw) || (v >= 95 && v <= 110)) return Math.round(((v - 32) * 5) / 9 * 10) / 10;
  return v >= 34 && v <= 43 ? v : undefined;
}

export function extractReadings(norm: string, at?: number): Reading[] {
  const out: Reading[] = [];
  const push = (kind: Reading['kind'], value: number) => out.push({ kind, value, source: 'text', ...(at === undefined ? {} : { at }) });
  for (const m of norm.matchAll(GLUCOSE)) {
    if (isThreshold(m)) continue;
    let v = Number(m[1]);
    // mg/dL either stated or implied by a value no mmol/L reading reaches.
    if (m[2] === 'mg/dl' || v > 40) v = Math.round((v / 18) * 10) / 10;
    if (v > 0 && v < 60) push('glucose', v);
  }
  for (const re of [BP, BP_WORDS]) {
    for (const m of norm.matchAll(re)) {
      const s = Number(m[1]);
      const d = Number(m[2]);
      if (s >= 50 && s <= 300 && d >= 30 && d <= 200 && s > d) {
        push('systolic', s);
        push('diastolic', d);
      }
    }
  }
  for (const m of norm.matchAll(HR)) {
    if (isThreshold(m)) continue;
    const v = Number(m[1]);
    if (v >= 20 && v <= 250) push('heart_rate', v);
  }
  const temps = new Set<number>();
  for (const re of [TEMP_UNIT, TEMP_WORD]) {
    for (const m of norm.matchAll(re)) {
      if (isThreshold(m)) continue;
      const v = celsius(Number(m[1]), m[0]);
      if (v !== undefined && !temps.has(v)) {
        temps.add(v);
        push('temperature', v);
      }
    }
  }
  for (const m of norm.matchAll(SPO2)) {
    if (isThreshold(m)) continue;
    const v = Number(m[1]);
    if (v >= 50 && v <= 100) push('spo2', v);
  }
  return out;
}

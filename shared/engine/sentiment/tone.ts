/**
 * Tone suggestions for the agent: calmer wording for an anxious patient, and short
 * replies (≤ 18 characters) when a recent heart-rate reading is above 100 — a racing
 * patient reads little.
 */
import type { Localized, Reading } from '../types';

export const SHORT_REPLY_MAX = 18;

export interface ToneAdvice {
  id: 'calm' | 'short';
  title: Localized;
  body: Localized;
  /** Suggested reply text (zh-CN, en). */
  example: Localized;
}

/** Character count as a reader sees it (emoji = 1). */
export const visibleLength = (s: string): number => [...s.trim()].length;

export function toneAdvice(opts: { anxious: boolean; readings: readonly Reading[]; now: number; draft: string; maxAgeMs?: number }): ToneAdvice[] {
  const out: ToneAdvice[] = [];
  if (opts.anxious) {
    out.push({
      id: 'calm',
      title: { 'zh-CN': '患者很着急：先安抚', en: 'Patient is anxious: reassure first' },
      body: {
        'zh-CN': '先用一句话表示理解和在场，再给出明确的下一步；语气平稳，少用感叹号和反问，不催促、不争辩。',
        en: 'Start with one sentence of acknowledgement, then one clear next step; keep the tone steady, avoid exclamation marks and rhetorical questions, do not rush or argue.',
      },
      example: { 'zh-CN': '我理解您很着急，我们马上帮您处理。', en: 'I understand this is worrying; we are on it now.' },
    });
  }
  const maxAge = opts.maxAgeMs ?? 30 * 60_000;
  const fastHeart = opts.readings.some((r) => r.kind === 'heart_rate' && r.value > 100 && (r.at === undefined || opts.now - r.at <= maxAge));
  if (fastHeart) {
    const long = visibleLength(opts.draft) > SHORT_REPLY_MAX;
    out.push({
      id: 'short',
      title: { 'zh-CN': `心率偏快：回复请简短（≤ ${SHORT_REPLY_MAX} 字）`, en: `Fast heart rate: keep replies short (≤ ${SHORT_REPLY_MAX} characters)` },
      body: {
        'zh-CN': long ? `当前草稿 ${visibleLength(opts.draft)} 字，建议拆成几条短句，一次只说一件事。` : '一次只说一件事，用短句。',
        en: long ? `The draft is ${visibleLength(opts.draft)} characters; split it into short messages, one point each.` : 'One point per message, short sentences.',
      },
      example: { 'zh-CN': '请先坐下休息，我们在。', en: 'Please sit and rest. We are here.' },
    });
  }
  return out;
}

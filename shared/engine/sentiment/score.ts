/**
 * Per-message sentiment on five levels (−2…+2) for zh-CN and en: lexicon matches,
 * each shaped by a preceding negator (flip, dampened), intensifier (非常/very) or
 * downtoner (有点/a bit); emoji; and punctuation (!!! amplifies, ？？？ reads as
 * impatience). Also flags an "anxious" patient.
 */
import { normalize } from '../text/normalize';
import { PhraseMatcher } from '../text/phrases';
import type { Sentiment } from '../types';
import { ANXIETY_CUES, DOWNTONERS, EMOJI, INTENSIFIERS, NEGATORS_EN, NEGATORS_ZH, POLARITY } from './lexicon';

let lex: PhraseMatcher<number> | undefined;
const lexicon = () => (lex ??= new PhraseMatcher<number>(POLARITY.map(([w, v]) => [normalize(w), v] as const)));

/** Thresholds on the raw score; chosen on the dev split only (resources/eval). */
export const LEVEL_THRESHOLDS = { strong: 2.5, mild: 0.5 };

function modifierBefore(pre: string, latin: boolean): number {
  let m = 1;
  const tail = latin ? pre.split(/\s+/).slice(-3).join(' ') : pre.slice(-4);
  for (const [w, f] of DOWNTONERS) if (tail.endsWith(w) || (latin && ` ${tail} `.includes(` ${w} `))) return f;
  for (const [w, f] of INTENSIFIERS) {
    if (latin ? ` ${tail} `.includes(` ${w} `) : tail.endsWith(w) || tail.slice(0, -1).endsWith(w)) {
      m = Math.max(m, f);
    }
  }
  return m;
}

const NOT_NEGATORS = /特别|分别|区别|差别|告别|级别|个别|不错|不过|无论|不管|没事|无微不至/g;

function negatedBefore(pre: string, latin: boolean): boolean {
  if (latin) {
    const toks = pre.trim().split(/\s+/).slice(-3);
    const joined = ` ${toks.join(' ')} `;
    return NEGATORS_EN.some((n) => joined.includes(` ${n} `));
  }
  // Words that merely contain a negator character (特别, 不错) are blanked out first.
  const win = pre.replace(NOT_NEGATORS, (w) => ' '.repeat(w.length)).slice(-4);
  return NEGATORS_ZH.some((n) => {
    const i = win.lastIndexOf(n);
    if (i < 0 || win.length - (i + n.length) > 2) return false;
    // A-not-A questions (正不正常, 好不好) are not negations.
    return !(i > 0 && win[i - 1] === win[i + n.length]);
  });
}

export function scoreMessage(text: string): Sentiment {
  const norm = normalize(text);
  const cues: string[] = [];
  let score = 0;
  for (const m of lexicon().match(norm, () => 'w')) {
    const latin = /[a-z]/.test(m.text[0]!);
    const clauseStart = Math.max(norm.lastIndexOf(',', m.start - 1), norm.lastIndexOf('。', m.start - 1), norm.lastIndexOf('.', m.start - 1), norm.lastIndexOf('!', m.start - 1), norm.lastIndexOf('?', m.start - 1)) + 1;
    const pre = norm.slice(clauseStart, m.start);
    // The lexicon entry may itself contain the negation (不舒服, 不满意): don't flip twice.
    let v = m.payload;
    if (negatedBefore(pre, latin)) v = -v * 0.6;
    v *= modifierBefore(pre, latin);
    score += v;
    cues.push(m.text);
  }
  for (const [e, v] of EMOJI) {
    const n = text.split(e).length - 1;
    if (n) {
      score += v * Math.min(n, 3) * 0.8;
      cues.push(e);
    }
  }
  const bangs = (norm.match(/!{2,}/g) ?? []).length + ((norm.match(/!/g)?.length ?? 0) >= 3 ? 1 : 0);
  const questions = (norm.match(/\?{2,}/g) ?? []).length;
  if (bangs && score !== 0) score *= 1.3 + 0.1 * Math.min(bangs, 3);
  if (questions) score -= 0.8 * Math.min(questions, 2);
  let anxiety = 0;
  const lower = norm;
  for (const c of ANXIETY_CUES) if (lower.includes(c)) anxiety++;
  if ((lower.match(/怎么办/g) ?? []).length >= 2) anxiety++;
  if (bangs && score < 0) anxiety++;
  if (questions) anxiety++;
  const anxious = anxiety >= 2;
  if (anxious) {
    score = Math.min(score, -0.8) - 0.3 * anxiety;
    cues.push('anxious');
  }
  const { strong, mild } = LEVEL_THRESHOLDS;
  const level = score >= strong ? 2 : score >= mild ? 1 : score <= -strong ? -2 : score <= -mild ? -1 : 0;
  return { level, score: Math.round(score * 100) / 100, anxious, cues };
}

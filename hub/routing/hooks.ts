/**
 * Bot-to-human rules as pure functions, for the knowledge engine's bot (when it
 * answers first) and for the hub's ingest (which tags and raises a conversation
 * whose patient is getting nowhere). No I/O, no clock.
 */

export type HandoffReason = 'repeated_question' | 'negative_words' | 'asked_for_human';

export const NEGATIVE_WORDS: readonly string[] = [
  '投诉', '生气', '愤怒', '差劲', '太差', '垃圾', '骗子', '不满意', '态度差', '气死', '没人管', '没人理', '找领导', '曝光', '举报', '忍无可忍', '太慢了',
  'complain', 'complaint', 'angry', 'terrible', 'awful', 'useless', 'ridiculous', 'unacceptable', 'worst', 'lawyer', 'furious', 'disgusting',
];

const HUMAN_WORDS: readonly string[] = ['转人工', '人工客服', '人工服务', '真人', '找人工', 'human', 'real person', 'agent please', 'talk to someone'];

/** Lower case, full-width → half-width, punctuation and spaces removed: "您好？" and "您好" ask the same. */
export function normalizeQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, '');
}

function bigrams(s: string): Map<string, number> {
  const chars = Array.from(s);
  const out = new Map<string, number>();
  if (chars.length === 1) out.set(chars[0]!, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = chars[i]! + chars[i + 1]!;
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice similarity of character bigrams (0..1); works for Chinese without word splitting. */
export function similarity(a: string, b: string): number {
  const x = normalizeQuestion(a);
  const y = normalizeQuestion(b);
  if (x === y) return 1;
  if (!x || !y) return 0;
  const bx = bigrams(x);
  const by = bigrams(y);
  let common = 0;
  for (const [g, n] of bx) common += Math.min(n, by.get(g) ?? 0);
  const total = [...bx.values()].reduce((s, n) => s + n, 0) + [...by.values()].reduce((s, n) => s + n, 0);
  return (2 * common) / total;
}

/** The patient's last `threshold` messages ask (nearly) the same thing. */
export function sameQuestionRepeated(inboundTexts: readonly string[], threshold = 3, minSimilarity = 0.8): boolean {
  if (inboundTexts.length < threshold) return false;
  const last = inboundTexts.slice(-threshold).filter((t) => normalizeQuestion(t).length > 0);
  if (last.length < threshold) return false;
  return last.every((t) => similarity(t, last[0]!) >= minSimilarity);
}

/** Negative words found in the text (case-insensitive). */
export function negativeWords(text: string, words: readonly string[] = NEGATIVE_WORDS): string[] {
  const t = text.normalize('NFKC').toLowerCase();
  return words.filter((w) => {
    const lw = w.toLowerCase();
    if (/^[a-z ]+$/.test(lw)) return new RegExp(`\\b${lw.replace(/ /g, '\\s+')}\\b`).test(t);
    return t.includes(lw);
  });
}

export function asksForHuman(text: string): boolean {
  const t = text.normalize('NFKC').toLowerCase();
  return HUMAN_WORDS.some((w) => t.includes(w));
}

export interface HandoffDecision {
  handoff: boolean;
  reasons: HandoffReason[];
  matchedWords: string[];
}

/** Should a person take over? `inboundTexts` are the patient's messages, oldest first, the newest last. */
export function botToHuman(inboundTexts: readonly string[], opts: { repeatThreshold?: number; negativeWords?: readonly string[] } = {}): HandoffDecision {
  const latest = inboundTexts.at(-1) ?? '';
  const reasons: HandoffReason[] = [];
  if (sameQuestionRepeated(inboundTexts, opts.repeatThreshold ?? 3)) reasons.push('repeated_question');
  const matched = negativeWords(latest, opts.negativeWords ?? NEGATIVE_WORDS);
  if (matched.length > 0) reasons.push('negative_words');
  if (asksForHuman(latest)) reasons.push('asked_for_human');
  return { handoff: reasons.length > 0, reasons, matchedWords: matched };
}

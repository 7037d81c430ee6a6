/**
 * Index and query terms for offline search in Chinese and English.
 *
 * FTS5's unicode61 tokenizer treats a run of Han characters as one token, so 血糖高
 * would only match the whole run. We index each Han run as its unigrams and bigrams
 * instead, and Latin/digit runs as lower-cased words. A 1-character query matches a
 * unigram, a 2-character query a bigram, a longer one all of its bigrams (then the
 * caller checks the phrase itself for exactness).
 */

const HAN = /\p{Script=Han}/u;
const SEGMENT = /(\p{Script=Han}+)|([\p{L}\p{N}]+)/gu;

/** NFKC folds full-width letters/digits (ＡＢＣ１２３ → ABC123); then lower case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function indexTerms(text: string): string {
  const out: string[] = [];
  for (const m of normalizeText(text).matchAll(SEGMENT)) {
    if (m[1]) {
      const chars = [...m[1]];
      for (let i = 0; i < chars.length; i++) {
        out.push(chars[i]!);
        if (i + 1 < chars.length) out.push(chars[i]! + chars[i + 1]!);
      }
    } else if (m[2]) {
      out.push(m[2]);
    }
  }
  return out.join(' ');
}

/**
 * An FTS5 MATCH expression for what the user typed, or null when nothing searchable
 * is left. Every piece is quoted, so no user input is ever FTS syntax; the last Latin
 * word is a prefix match (typing "gluc" finds "glucose").
 */
export function matchExpression(query: string): string | null {
  const parts: string[] = [];
  const segments = [...normalizeText(query).matchAll(SEGMENT)];
  segments.forEach((m, idx) => {
    if (m[1]) {
      const chars = [...m[1]];
      if (chars.length === 1) parts.push(`"${chars[0]}"`);
      for (let i = 0; i + 1 < chars.length; i++) parts.push(`"${chars[i]}${chars[i + 1]}"`);
    } else if (m[2]) {
      const last = idx === segments.length - 1;
      parts.push(last ? `"${m[2]}"*` : `"${m[2]}"`);
    }
  });
  return parts.length ? parts.join(' AND ') : null;
}

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

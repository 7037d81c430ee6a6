/**
 * A small phrase matcher used by every lexicon (concepts, drugs, red flags, compliance,
 * sentiment). Patterns are written in normalised form (simplified, lower-case).
 *
 * Pattern syntax: literal text, with `…` standing for a gap of 0–4 characters (0–12 in Latin patterns) that does
 * not cross a clause break ("血糖…高" matches 血糖高, 血糖有点高, 血糖一直很高).
 * Latin patterns only match on word boundaries ("sugar" does not match "sugary").
 */
export interface PhraseMatch<T> {
  start: number;
  end: number;
  text: string;
  payload: T;
  /** Character ranges consumed by `…` gaps (negation inside a gap matters: 胸口不疼). */
  gaps: Array<[number, number]>;
}

interface Compiled<T> {
  head: string;
  re?: RegExp;
  /** Literal pieces after each gap, to recover gap offsets. */
  tails: string[];
  latin: boolean;
  payload: T;
}

const GAP = '[^,.;!?。，；！？\\n]{0,4}?';
// English words are longer: "throat feels tight" needs a wider gap.
const GAP_LATIN = '[^,.;!?。，；！？\\n]{0,12}?';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD = /[a-z0-9]/;

export class PhraseMatcher<T> {
  private buckets = new Map<string, Compiled<T>[]>();
  private count = 0;

  constructor(entries: Iterable<readonly [string, T]> = []) {
    for (const [p, v] of entries) this.add(p, v);
  }

  get size(): number {
    return this.count;
  }

  add(pattern: string, payload: T): void {
    const p = pattern.trim();
    if (!p) return;
    const parts = p.split('…');
    const head = parts[0]!;
    if (!head) throw new Error(`pattern "${pattern}" must start with literal text`);
    const c: Compiled<T> = { head, tails: parts.slice(1), latin: WORD.test(head[0]!), payload };
    const gap = c.latin ? GAP_LATIN : GAP;
    if (parts.length > 1) c.re = new RegExp(parts.map((x, i) => (i === 0 ? escape(x) : `(${gap})${escape(x)}`)).join(''), 'y');
    const key = head[0]!;
    const b = this.buckets.get(key);
    if (b) b.push(c);
    else this.buckets.set(key, [c]);
    this.count++;
  }

  /** Every match of every pattern, sorted by start then longest first. */
  matchAll(text: string): PhraseMatch<T>[] {
    const out: PhraseMatch<T>[] = [];
    for (let i = 0; i < text.length; i++) {
      const bucket = this.buckets.get(text[i]!);
      if (!bucket) continue;
      for (const c of bucket) {
        if (!text.startsWith(c.head, i)) continue;
        if (c.latin && i > 0 && WORD.test(text[i - 1]!)) continue;
        let end = i + c.head.length;
        const gaps: Array<[number, number]> = [];
        if (c.re) {
          c.re.lastIndex = i;
          const m = c.re.exec(text);
          if (!m) continue;
          end = i + m[0].length;
          // Recover gap offsets: each group is followed by a literal we know.
          let pos = i + c.head.length;
          for (let g = 1; g < m.length; g++) {
            const gap = m[g] ?? '';
            gaps.push([pos, pos + gap.length]);
            pos += gap.length + c.tails[g - 1]!.length;
          }
        }
        if (c.latin && end < text.length && WORD.test(text[end]!)) continue;
        out.push({ start: i, end, text: text.slice(i, end), payload: c.payload, gaps });
      }
    }
    return out.sort((a, b) => a.start - b.start || b.end - a.end);
  }

  /**
   * Non-overlapping matches per key: a match contained in a longer match with the same
   * key is dropped (血糖 inside 高血糖 is kept, because their keys differ).
   */
  match(text: string, key: (p: T) => string = (p) => String(p)): PhraseMatch<T>[] {
    const all = this.matchAll(text);
    const kept: PhraseMatch<T>[] = [];
    const lastEnd = new Map<string, number>();
    for (const m of all) {
      const k = key(m.payload);
      if ((lastEnd.get(k) ?? -1) > m.start) continue;
      kept.push(m);
      lastEnd.set(k, m.end);
    }
    return kept;
  }
}

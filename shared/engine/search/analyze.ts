/**
 * Turns text into index terms. Chinese is indexed as character bigrams (robust to any
 * segmentation) plus unigrams (so a 1-character query still finds something) plus
 * whole words of ≥ 3 characters from the segmenter (exact-word bonus: 胰岛素).
 * Latin text is split into words with light plural stripping. Synonym concepts
 * (#chest_pain) and drug ids (@warfarin) are added as extra terms so colloquial,
 * brand-name and English queries reach items written in other words.
 */
import { findDrugs } from '../drugs/recognize';
import { findConcepts } from '../text/conceptMatch';
import { normalize } from '../text/normalize';
import { intlSegment, type Segmenter } from '../text/segment';

const HAN_RUN = /\p{Script=Han}+/gu;
const LATIN = /[a-z0-9]+(?:['-][a-z0-9]+)*/g;
const STOP = new Set(['a', 'an', 'the', 'is', 'are', 'am', 'was', 'be', 'to', 'of', 'and', 'or', 'in', 'on', 'at', 'for', 'with', 'my', 'i', 'me', 'it', 'this', 'that', 'do', 'does', 'can', 'could', 'should', 'you', 'your', 'we', 'have', 'has', 'what', 'how', 'will', 'would', 'if', 'so', 'just', 'about', 'from', 'by', 'as', 'im', "i'm"]);

export function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) return w.slice(0, -1);
  return w;
}

export interface AnalyzeOptions {
  /** Add segmenter words of ≥ 3 chars (costs time on bulk indexing). Default true. */
  words?: boolean;
  /** Add #concept and @drug terms. Default true. */
  semantic?: boolean;
  /** Word segmenter for the ≥ 3-char word terms; Intl.Segmenter unless the host injects another (e.g. jieba in Node). */
  segment?: Segmenter;
}

/** Terms for indexing (with repeats: term frequency matters). */
export function indexTerms(text: string, opts: AnalyzeOptions = {}): string[] {
  const norm = normalize(text);
  const out: string[] = [];
  for (const m of norm.matchAll(HAN_RUN)) {
    const run = m[0];
    for (let i = 0; i < run.length; i++) {
      out.push(run[i]!);
      if (i + 1 < run.length) out.push(run.slice(i, i + 2));
    }
    if (opts.words !== false && run.length >= 3) {
      for (const s of (opts.segment ?? intlSegment)(run)) if (s.wordLike && s.word.length >= 3) out.push(s.word);
    }
  }
  for (const m of norm.matchAll(LATIN)) if (!STOP.has(m[0])) out.push(stem(m[0]));
  if (opts.semantic !== false) {
    for (const c of findConcepts(norm)) out.push(`#${c.id}`);
    for (const d of findDrugs(norm)) out.push(`@${d.drugId}`);
  }
  return out;
}

export interface QueryTerm {
  term: string;
  weight: number;
  /** Expand to every indexed term with this prefix (the word being typed). */
  prefix?: boolean;
}

/**
 * Terms for a query. `known` tells whether a term exists in the index: an unknown
 * bigram falls back to its two unigrams, so typos and rare pairs still match.
 */
export function queryTerms(text: string, known: (t: string) => boolean, segment: Segmenter = intlSegment): QueryTerm[] {
  const norm = normalize(text);
  const acc = new Map<string, QueryTerm>();
  const add = (term: string, weight: number, prefix = false) => {
    const prev = acc.get(term);
    if (prev) prev.weight = Math.min(prev.weight + weight * 0.5, weight * 2);
    else acc.set(term, { term, weight, ...(prefix ? { prefix } : {}) });
  };
  for (const m of norm.matchAll(HAN_RUN)) {
    const run = m[0];
    if (run.length === 1) {
      add(run, 1);
      continue;
    }
    for (let i = 0; i + 1 < run.length; i++) {
      const bg = run.slice(i, i + 2);
      if (known(bg)) add(bg, 1);
      else {
        add(run[i]!, 0.5);
        add(run[i + 1]!, 0.5);
      }
    }
    if (run.length >= 3) for (const s of segment(run)) if (s.wordLike && s.word.length >= 3 && known(s.word)) add(s.word, 0.5);
  }
  const latin = [...norm.matchAll(LATIN)];
  const typing = latin.length > 0 && /[a-z0-9]$/.test(norm);
  latin.forEach((m, i) => {
    if (STOP.has(m[0])) return;
    const last = typing && i === latin.length - 1;
    add(stem(m[0]), 1, last && m[0].length >= 2);
  });
  for (const c of findConcepts(norm)) add(`#${c.id}`, 1.5);
  for (const d of findDrugs(norm)) if (!d.negated) add(`@${d.drugId}`, 1.5);
  return [...acc.values()];
}

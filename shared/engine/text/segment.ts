/**
 * Word segmentation. Runtime uses Intl.Segmenter (built into V8/ICU: no loading, works
 * in a browser worker). bench/knowledge.ts measures it against jieba-wasm on a
 * hand-labelled medical sample; see docs/knowledge.md for the result.
 */
export interface Segment {
  word: string;
  index: number;
  wordLike: boolean;
}

export type Segmenter = (text: string) => Segment[];

let cached: Intl.Segmenter | undefined;
// Constructing a segmenter costs ~1 ms; keep one.
function icu(): Intl.Segmenter {
  cached ??= new Intl.Segmenter('zh-CN', { granularity: 'word' });
  return cached;
}

export const intlSegment: Segmenter = (text) => {
  const out: Segment[] = [];
  for (const s of icu().segment(text)) out.push({ word: s.segment, index: s.index, wordLike: s.isWordLike ?? false });
  return out;
};

/** Word-like segments only, as strings. */
export function words(text: string, seg: Segmenter = intlSegment): string[] {
  return seg(text)
    .filter((s) => s.wordLike)
    .map((s) => s.word);
}

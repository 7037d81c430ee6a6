/**
 * Incremental BM25F index with per-field boosts (title > keywords/triggers > body).
 *
 * Sized for per-keystroke use over tens of thousands of snippets: postings live in
 * typed arrays, scores accumulate in one reusable Float64Array, removal is a tombstone
 * (plus live document-frequency bookkeeping) and postings are compacted once a quarter
 * of them are dead. Updating a document = remove + add.
 */
import { indexTerms, queryTerms, type AnalyzeOptions, type QueryTerm } from './analyze';

export const FIELDS = ['title', 'keys', 'body'] as const;
export type Field = (typeof FIELDS)[number];
export type Doc = Record<Field, string>;

export interface Bm25Options {
  boosts?: Record<Field, number>;
  k1?: number;
  b?: number;
  analyze?: AnalyzeOptions;
}

export interface Hit {
  id: string;
  score: number;
}

const NF = FIELDS.length;

class Posting {
  docs = new Int32Array(4);
  tf = new Uint16Array(4 * NF);
  n = 0;
  /** Live documents containing the term. */
  df = 0;
  push(doc: number, tfs: readonly number[]): void {
    if (this.n === this.docs.length) {
      const d = new Int32Array(this.n * 2);
      d.set(this.docs);
      this.docs = d;
      const t = new Uint16Array(this.n * 2 * NF);
      t.set(this.tf);
      this.tf = t;
    }
    this.docs[this.n] = doc;
    for (let f = 0; f < NF; f++) this.tf[this.n * NF + f] = Math.min(65535, tfs[f] ?? 0);
    this.n++;
    this.df++;
  }
  compact(alive: Uint8Array): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      if (!alive[this.docs[r]!]) continue;
      this.docs[w] = this.docs[r]!;
      for (let f = 0; f < NF; f++) this.tf[w * NF + f] = this.tf[r * NF + f]!;
      w++;
    }
    this.n = w;
  }
}

/** Keeps the best k (id, score) pairs; a tiny binary min-heap. */
function topK(cands: Int32Array, count: number, scores: Float64Array, k: number, accept: (d: number) => boolean): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => scores[a]! < scores[b]!;
  for (let i = 0; i < count; i++) {
    const d = cands[i]!;
    if (!accept(d)) continue;
    if (heap.length < k) {
      heap.push(d);
      for (let j = heap.length - 1; j > 0; ) {
        const p = (j - 1) >> 1;
        if (!less(heap[j]!, heap[p]!)) break;
        [heap[j], heap[p]] = [heap[p]!, heap[j]!];
        j = p;
      }
    } else if (less(heap[0]!, d)) {
      heap[0] = d;
      for (let j = 0; ; ) {
        const l = 2 * j + 1;
        const r = l + 1;
        let m = j;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === j) break;
        [heap[j], heap[m]] = [heap[m]!, heap[j]!];
        j = m;
      }
    }
  }
  return heap.sort((a, b) => scores[b]! - scores[a]!);
}

export class Bm25Index {
  private readonly boosts: number[];
  private readonly k1: number;
  private readonly b: number;
  private readonly analyzeOpts: AnalyzeOptions;
  private postings = new Map<string, Posting>();
  private ext: string[] = [];
  private byId = new Map<string, number>();
  private alive = new Uint8Array(16);
  private lens = new Float32Array(16 * NF);
  private docPostings: Array<Posting[] | undefined> = [];
  private lenSum = new Float64Array(NF);
  private live = 0;
  private dead = 0;
  private norms = new Float32Array(16 * NF);
  private normsDirty = true;
  private scores = new Float64Array(16);
  private seen = new Uint8Array(16);
  private touched = new Int32Array(16);
  private vocab: string[] | undefined;

  constructor(opts: Bm25Options = {}) {
    const boosts = opts.boosts ?? { title: 3, keys: 2, body: 1 };
    this.boosts = FIELDS.map((f) => boosts[f]);
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
    this.analyzeOpts = opts.analyze ?? {};
  }

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Does any live document contain this exact term? */
  knows = (term: string): boolean => (this.postings.get(term)?.df ?? 0) > 0;

  private grow(need: number): void {
    if (need <= this.alive.length) return;
    let cap = this.alive.length;
    while (cap < need) cap *= 2;
    const a = new Uint8Array(cap);
    a.set(this.alive);
    this.alive = a;
    const l = new Float32Array(cap * NF);
    l.set(this.lens);
    this.lens = l;
    this.norms = new Float32Array(cap * NF);
    this.normsDirty = true;
    this.scores = new Float64Array(cap);
    this.seen = new Uint8Array(cap);
    this.touched = new Int32Array(cap);
  }

  /** Adds or replaces a document. */
  add(id: string, doc: Doc): void {
    if (this.byId.has(id)) this.remove(id);
    const d = this.ext.length;
    this.grow(d + 1);
    this.ext.push(id);
    this.byId.set(id, d);
    this.alive[d] = 1;
    const tfs = new Map<string, number[]>();
    FIELDS.forEach((f, fi) => {
      const terms = indexTerms(doc[f], this.analyzeOpts);
      this.lens[d * NF + fi] = terms.length;
      this.lenSum[fi]! += terms.length;
      for (const t of terms) {
        let v = tfs.get(t);
        if (!v) tfs.set(t, (v = new Array<number>(NF).fill(0)));
        v[fi]!++;
      }
    });
    const mine: Posting[] = [];
    for (const [t, v] of tfs) {
      let p = this.postings.get(t);
      if (!p) {
        this.postings.set(t, (p = new Posting()));
        this.vocab = undefined;
      }
      p.push(d, v);
      mine.push(p);
    }
    this.docPostings[d] = mine;
    this.live++;
    this.normsDirty = true;
  }

  remove(id: string): boolean {
    const d = this.byId.get(id);
    if (d === undefined) return false;
    this.byId.delete(id);
    this.alive[d] = 0;
    for (const p of this.docPostings[d] ?? []) p.df--;
    this.docPostings[d] = undefined;
    for (let f = 0; f < NF; f++) this.lenSum[f]! -= this.lens[d * NF + f]!;
    this.live--;
    this.dead++;
    this.normsDirty = true;
    if (this.dead > 1000 && this.dead * 4 > this.live) this.compact();
    return true;
  }

  private compact(): void {
    for (const [t, p] of this.postings) {
      p.compact(this.alive);
      if (p.n === 0) this.postings.delete(t);
    }
    this.vocab = undefined;
    this.dead = 0;
  }

  /** Per-document length normalisation, recomputed only after the corpus changed. */
  private ensureNorms(): void {
    if (!this.normsDirty) return;
    for (let f = 0; f < NF; f++) {
      const avg = this.live ? this.lenSum[f]! / this.live || 1 : 1;
      for (let d = 0; d < this.ext.length; d++) this.norms[d * NF + f] = 1 / (1 - this.b + (this.b * this.lens[d * NF + f]!) / avg);
    }
    this.normsDirty = false;
  }

  /** Indexed terms starting with `prefix` (Latin words only), for the word being typed. */
  prefixTerms(prefix: string, limit = 8): string[] {
    if (!this.vocab) this.vocab = [...this.postings.keys()].filter((t) => /^[a-z0-9]/.test(t)).sort();
    const v = this.vocab;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < v.length && out.length < limit && v[i]!.startsWith(prefix); i++) if (v[i] !== prefix) out.push(v[i]!);
    return out;
  }

  search(query: string, opts: { limit?: number; accept?: (id: string) => boolean } = {}): Hit[] {
    return this.searchTerms(queryTerms(query, this.knows, this.analyzeOpts.segment), opts);
  }

  searchTerms(terms: readonly QueryTerm[], opts: { limit?: number; accept?: (id: string) => boolean } = {}): Hit[] {
    if (!this.live || !terms.length) return [];
    this.ensureNorms();
    const expanded: QueryTerm[] = [];
    for (const t of terms) {
      expanded.push(t);
      if (t.prefix) for (const p of this.prefixTerms(t.term)) expanded.push({ term: p, weight: t.weight * 0.7 });
    }
    const { k1, boosts, norms, scores, seen, touched, alive } = this;
    const N = this.live;
    let nt = 0;
    for (const q of expanded) {
      const p = this.postings.get(q.term);
      if (!p || p.df <= 0) continue;
      const idf = Math.log(1 + (N - p.df + 0.5) / (p.df + 0.5));
      const w = idf * q.weight * (k1 + 1);
      const { docs, tf, n } = p;
      for (let i = 0; i < n; i++) {
        const d = docs[i]!;
        if (!alive[d]) continue;
        let x = 0;
        const base = i * NF;
        const nb = d * NF;
        for (let f = 0; f < NF; f++) {
          const c = tf[base + f]!;
          if (c) x += boosts[f]! * c * norms[nb + f]!;
        }
        if (!seen[d]) {
          seen[d] = 1;
          touched[nt++] = d;
          scores[d] = 0;
        }
        scores[d]! += (w * x) / (x + k1);
      }
    }
    const accept = opts.accept;
    const best = topK(touched, nt, scores, opts.limit ?? 10, accept ? (d) => accept(this.ext[d]!) : () => true);
    const hits = best.map((d) => ({ id: this.ext[d]!, score: scores[d]! }));
    for (let i = 0; i < nt; i++) seen[touched[i]!] = 0;
    return hits;
  }
}

/** Finds concepts (synonym groups) in normalised text. */
import { CONCEPTS, type Concept, type ConceptKind } from './concepts';
import { normalize } from './normalize';
import { PhraseMatcher, type PhraseMatch } from './phrases';

export interface ConceptHit {
  id: string;
  kind: ConceptKind;
  start: number;
  end: number;
  text: string;
  gaps: Array<[number, number]>;
}

/** Builds a matcher over a concept table; patterns are normalised like the text will be. */
export function conceptMatcher(concepts: readonly Concept[] = CONCEPTS): PhraseMatcher<Concept> {
  const m = new PhraseMatcher<Concept>();
  for (const c of concepts) for (const p of [...c.zh, ...c.en]) m.add(normalize(p), c);
  return m;
}

let shared: PhraseMatcher<Concept> | undefined;
const defaultMatcher = () => (shared ??= conceptMatcher());

/** Concept hits in already-normalised text, one per non-overlapping occurrence per concept. */
export function findConcepts(norm: string, matcher: PhraseMatcher<Concept> = defaultMatcher()): ConceptHit[] {
  return matcher.match(norm, (c) => c.id).map((m: PhraseMatch<Concept>) => ({ id: m.payload.id, kind: m.payload.kind, start: m.start, end: m.end, text: m.text, gaps: m.gaps }));
}

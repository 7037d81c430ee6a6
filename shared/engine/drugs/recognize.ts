/** Recognises drug names in messages and in a patient's medicine list. */
import { normalize } from '../text/normalize';
import { polarityAt } from '../text/negation';
import { PhraseMatcher } from '../text/phrases';
import { DRUGS, type DrugEntry } from './lexicon';

export interface DrugMention {
  drugId: string;
  start: number;
  end: number;
  text: string;
  /** 我没吃阿司匹林 — mentioned, but not being taken. */
  negated: boolean;
}

let shared: PhraseMatcher<DrugEntry> | undefined;
function matcher(): PhraseMatcher<DrugEntry> {
  if (!shared) {
    shared = new PhraseMatcher<DrugEntry>();
    for (const e of DRUGS) for (const n of [...e.zh, ...e.en]) shared.add(normalize(n), e);
  }
  return shared;
}

/** Mentions in already-normalised text (one per occurrence, longest name wins). */
export function findDrugs(norm: string): DrugMention[] {
  const raw = matcher().match(norm, () => 'drug');
  return raw.map((m) => ({ drugId: m.payload.id, start: m.start, end: m.end, text: m.text, negated: polarityAt(norm, m.start, m.end, m.gaps) === 'negated' }));
}

/** Canonical drug ids in a free-text medicine list (["拜阿司匹灵 100mg", "Lipitor"]). */
export function drugsInList(list: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const entry of list) for (const m of findDrugs(normalize(entry))) ids.add(m.drugId);
  return [...ids];
}

/** Does a drug id fall under a reference (the drug id itself or one of its classes)? */
export function drugMatchesRef(drugId: string, ref: string, lookup: ReadonlyMap<string, DrugEntry>): boolean {
  if (drugId === ref) return true;
  return lookup.get(drugId)?.classes.includes(ref) ?? false;
}

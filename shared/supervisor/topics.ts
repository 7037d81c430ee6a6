/**
 * Topics of patient messages: the engine's concepts (symptoms, conditions,
 * administrative intents) mentioned and not negated. "我没有头晕" is not a 头晕
 * mention; "还是头晕" is.
 */
import { normalize } from '../engine';
import { CONCEPTS, type ConceptKind } from '../engine/text/concepts';
import { findConcepts } from '../engine/text/conceptMatch';
import { polarityAt } from '../engine/text/negation';

export const TOPIC_KINDS: readonly ConceptKind[] = ['symptom', 'condition', 'intent'];

const LABELS = new Map(CONCEPTS.map((c) => [c.id, { 'zh-CN': c.zh[0] ?? c.id, en: c.en[0] ?? c.id, kind: c.kind }]));

/** zh-CN / en label of a concept id (its first surface form). */
export function topicLabel(id: string): { 'zh-CN': string; en: string } {
  const l = LABELS.get(id);
  return l ? { 'zh-CN': l['zh-CN'], en: l.en } : { 'zh-CN': id, en: id };
}

export function topicKind(id: string): ConceptKind | null {
  return LABELS.get(id)?.kind ?? null;
}

/** Concept ids affirmed in a message (each once). */
export function topicsIn(text: string, kinds: readonly ConceptKind[] = TOPIC_KINDS): string[] {
  const norm = normalize(text);
  const out = new Set<string>();
  for (const hit of findConcepts(norm)) {
    if (!kinds.includes(hit.kind)) continue;
    if (hit.kind !== 'intent' && polarityAt(norm, hit.start, hit.end, hit.gaps) === 'negated') continue;
    out.add(hit.id);
  }
  return [...out];
}

/** Surface forms of a concept (to find knowledge items about it). */
export function topicTerms(id: string): string[] {
  const c = CONCEPTS.find((x) => x.id === id);
  return c ? [...c.zh, ...c.en].filter((t) => !t.includes('…')) : [];
}

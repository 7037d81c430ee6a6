/**
 * Evaluates an item's premise (who) and trigger (when) against the patient, readings
 * and the conversation. Premises are soft where records are often incomplete
 * (conditions, medicines: demote, never hide) and hard where facts are reliable
 * (age, sex: exclude on a known mismatch).
 */
import { drugById } from '../drugs/lexicon';
import { drugMatchesRef, drugsInList } from '../drugs/recognize';
import { findConcepts } from '../text/conceptMatch';
import { normalize } from '../text/normalize';
import type { Patient, Reading } from '../types';
import type { KnowledgeItem, ReadingTrigger } from './schema';

const DAY = 86_400_000;

export interface Facts {
  age?: number;
  sex?: 'female' | 'male';
  /** Concept ids from the record and from what the patient said. */
  conditions: Set<string>;
  /** Drug ids from the medicine list and from messages (not negated). */
  medicines: Set<string>;
  allergies: string[];
  daysSinceSurgery?: number;
  /** Did the record carry any conditions / medicines at all? (unknown ≠ none) */
  knowsConditions: boolean;
  knowsMedicines: boolean;
}

export function patientFacts(p: Patient | undefined, now: number, said: { concepts: Iterable<string>; drugs: Iterable<string> } = { concepts: [], drugs: [] }): Facts {
  const conditions = new Set<string>();
  for (const c of p?.conditions ?? []) for (const h of findConcepts(normalize(c))) conditions.add(h.id);
  const knowsConditions = conditions.size > 0;
  for (const c of said.concepts) conditions.add(c);
  const medicines = new Set(drugsInList(p?.medicines ?? []));
  const knowsMedicines = medicines.size > 0;
  for (const d of said.drugs) medicines.add(d);
  const f: Facts = { conditions, medicines, allergies: (p?.allergies ?? []).map(normalize), knowsConditions, knowsMedicines };
  if (p?.age !== undefined) f.age = p.age;
  if (p?.sex) f.sex = p.sex;
  if (p?.surgeryAt !== undefined && p.surgeryAt <= now) {
    f.daysSinceSurgery = Math.floor((now - p.surgeryAt) / DAY);
    conditions.add('surgery');
  }
  return f;
}

/** 0 = does not apply; 1 = neutral; > 1 = this patient is who the item is for. */
export function premiseFactor(item: KnowledgeItem, f: Facts): number {
  const p = item.premise;
  if (!p) return 1;
  let factor = 1;
  if (p.age && f.age !== undefined) {
    if ((p.age.min !== undefined && f.age < p.age.min) || (p.age.max !== undefined && f.age > p.age.max)) return 0;
    factor *= 1.2;
  }
  if (p.sex && f.sex) {
    if (p.sex !== f.sex) return 0;
    factor *= 1.1;
  }
  if (p.conditions?.length) {
    if (p.conditions.every((c) => f.conditions.has(c))) factor *= 1.4;
    else if (p.conditions.some((c) => f.conditions.has(c))) factor *= 1.1;
    else if (f.knowsConditions) factor *= 0.5;
    else factor *= 0.8;
  }
  if (p.medicines?.length) {
    const has = p.medicines.some((ref) => [...f.medicines].some((d) => drugMatchesRef(d, ref, drugById)));
    if (has) factor *= 1.5;
    else if (f.knowsMedicines) factor *= 0.4;
    else factor *= 0.7;
  }
  if (p.allergies?.length) {
    const has = p.allergies.some((a) => f.allergies.some((x) => x.includes(normalize(a))));
    factor *= has ? 1.3 : 0.8;
  }
  return factor;
}

/** Latest reading of each kind within the freshness window (device or typed). */
export function latestReadings(readings: readonly Reading[], now: number, maxAgeMs = DAY): Map<Reading['kind'], Reading> {
  const out = new Map<Reading['kind'], Reading>();
  for (const r of readings) {
    if (r.at !== undefined && now - r.at > maxAgeMs) continue;
    const prev = out.get(r.kind);
    if (!prev || (r.at ?? now) >= (prev.at ?? now)) out.set(r.kind, r);
  }
  return out;
}

export function readingMatches(t: ReadingTrigger, r: Reading | undefined): boolean {
  if (!r) return false;
  switch (t.op) {
    case '<':
      return r.value < t.value;
    case '<=':
      return r.value <= t.value;
    case '>':
      return r.value > t.value;
    case '>=':
      return r.value >= t.value;
  }
}

export interface TriggerContext {
  norm: string;
  intents: ReadonlySet<string>;
  latest: ReadonlyMap<Reading['kind'], Reading>;
}

export interface TriggerResult {
  /** Additive bonus on top of the normalised text score. */
  bonus: number;
  /** Multiplier (days-since-surgery window). */
  factor: number;
  /** True when a reading fired: the item is relevant even without matching words. */
  byReading: boolean;
  reasons: string[];
}

export function evaluateTrigger(item: KnowledgeItem, ctx: TriggerContext, f: Facts): TriggerResult {
  const t = item.trigger;
  const res: TriggerResult = { bonus: 0, factor: 1, byReading: false, reasons: [] };
  if (!t) return res;
  if (t.readings?.some((rt) => readingMatches(rt, ctx.latest.get(rt.kind)))) {
    res.bonus += 1;
    res.byReading = true;
    res.reasons.push('reading');
  }
  if (t.intents?.some((i) => ctx.intents.has(i))) {
    res.bonus += 0.3;
    res.reasons.push('intent');
  }
  if (t.text?.some((x) => ctx.norm.includes(normalize(x)))) {
    res.bonus += 0.3;
    res.reasons.push('text');
  }
  if (t.daysSinceSurgery) {
    const d = f.daysSinceSurgery;
    const { min = 0, max = Infinity } = t.daysSinceSurgery;
    if (d === undefined) res.factor *= 0.9;
    else if (d >= min && d <= max) {
      res.factor *= 1.3;
      res.reasons.push('days_since_surgery');
    } else res.factor *= 0.4;
  }
  return res;
}

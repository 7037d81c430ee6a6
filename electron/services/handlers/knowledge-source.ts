import type { KnowledgeSource, SourceFact } from '../../../shared/contract/knowledge-source';
import { LanternError } from '../../../shared/contract/result';
import type { InteractionTable, KnowledgeItem, Localized } from '../../../shared/engine';
import { drugById, DRUGS } from '../../../shared/engine/drugs/lexicon';
import { INFANT_FEVER, READING_RULES, TEXT_RULES } from '../../../shared/engine/redflags/rules';
import type { ReadingTrigger } from '../../../shared/engine/knowledge/schema';
import { CONCEPTS } from '../../../shared/engine/text/concepts';

/** Where a knowledge item came from, as the caller knows it. */
export type ItemOrigin = { kind: 'bundled'; file: string | null; line: number | null } | { kind: 'hub'; seq: number | null; updatedAt: number };

export interface SourceLookup {
  appVersion: string;
  /** The item as the engine has it (synced beats bundled), or null when unknown or removed. */
  item: (id: string) => { item: KnowledgeItem; origin: ItemOrigin } | null;
  interactions: InteractionTable;
  retired: (id: string) => boolean;
}

const same = (s: string): Localized => ({ 'zh-CN': s });
const both = (zh: string, en: string): Localized => ({ 'zh-CN': zh, en });

const READING: Record<ReadingTrigger['kind'], [string, string, string]> = {
  glucose: ['血糖', 'Glucose', 'mmol/L'],
  systolic: ['收缩压', 'Systolic', 'mmHg'],
  diastolic: ['舒张压', 'Diastolic', 'mmHg'],
  heart_rate: ['心率', 'Heart rate', 'bpm'],
  temperature: ['体温', 'Temperature', '°C'],
  spo2: ['血氧饱和度', 'SpO₂', '%'],
};
const reading = (r: { kind: ReadingTrigger['kind']; op: string; value: number }): Localized => {
  const [zh, en, unit] = READING[r.kind];
  return both(`${zh} ${r.op} ${r.value} ${unit}`, `${en} ${r.op} ${r.value} ${unit}`);
};

function concept(id: string): Localized {
  const c = CONCEPTS.find((x) => x.id === id);
  return c ? both(c.zh[0] ?? id, c.en[0] ?? c.zh[0] ?? id) : same(id);
}

/** A drug id by its display name; a class id with a few of its members. */
function drug(ref: string): Localized {
  const d = drugById.get(ref);
  if (d) return both(d.label[0], d.label[1]);
  const members = DRUGS.filter((x) => x.classes.includes(ref)).slice(0, 3);
  if (!members.length) return same(ref);
  return both(`${ref} 类（${members.map((m) => m.label[0]).join('、')}等）`, `${ref} class (${members.map((m) => m.label[1]).join(', ')}…)`);
}

function range(r: { min?: number | undefined; max?: number | undefined }, zhUnit: string, enUnit: string): Localized {
  const span = r.min !== undefined && r.max !== undefined ? `${r.min}–${r.max}` : r.min !== undefined ? `≥ ${r.min}` : `≤ ${r.max ?? ''}`;
  return both(`${span} ${zhUnit}`, `${span} ${enUnit}`);
}

const fact = (key: SourceFact['key'], values: Localized[] | undefined): SourceFact[] => (values && values.length ? [{ key, values }] : []);

function fromItem(it: KnowledgeItem, origin: ItemOrigin, lookup: SourceLookup): KnowledgeSource {
  const p = it.premise ?? {};
  const tr = it.trigger ?? {};
  return {
    sourceItemId: it.id,
    type: 'item',
    title: it.title,
    body: it.intervention.text,
    label: it.kind,
    topic: it.topic,
    premise: [
      ...fact('age', p.age ? [range(p.age, '岁', 'years')] : undefined),
      ...fact('sex', p.sex ? [p.sex === 'female' ? both('女性', 'female') : both('男性', 'male')] : undefined),
      ...fact('conditions', p.conditions?.map(concept)),
      ...fact('medicines', p.medicines?.map(drug)),
      ...fact('allergies', p.allergies?.map(same)),
    ],
    trigger: [
      ...fact('phrases', [...new Set([...it.keywords, ...(tr.text ?? [])])].map(same)),
      ...fact('intents', tr.intents?.map(concept)),
      ...fact('readings', tr.readings?.map(reading)),
      ...fact('daysSinceSurgery', tr.daysSinceSurgery ? [range(tr.daysSinceSurgery, '天', 'days')] : undefined),
    ],
    replies: it.intervention.actions.flatMap((a) => (a.type === 'suggest_reply' ? [a.text] : [])),
    links: it.intervention.actions.flatMap((a) => (a.type === 'link' ? [{ url: a.url, label: a.label }] : [])),
    origin: origin.kind === 'bundled' ? { ...origin, appVersion: lookup.appVersion } : origin,
    status: lookup.retired(it.id) ? 'retired' : 'active',
  };
}

function fromInteraction(id: string, lookup: SourceLookup): KnowledgeSource | null {
  const it = lookup.interactions.interactions.find((x) => x.id === id);
  if (!it) return null;
  const meta = lookup.interactions.meta;
  const updated = (meta as Record<string, unknown>).updated;
  return {
    sourceItemId: `interaction:${id}`,
    type: 'interaction',
    title: it.title,
    body: it.guidance,
    label: it.severity,
    topic: 'medicine',
    premise: fact('drugs', [drug(it.a), drug(it.b)]),
    trigger: [],
    replies: [],
    links: [],
    origin: { kind: 'table', title: meta.title, reference: meta.source, licence: meta.licence, updated: typeof updated === 'string' ? updated : null, appVersion: lookup.appVersion },
    status: 'active',
  };
}

function fromRedFlag(id: string, lookup: SourceLookup): KnowledgeSource | null {
  const base = { sourceItemId: `redflag:${id}`, type: 'red_flag' as const, topic: null, replies: [], links: [], origin: { kind: 'builtin' as const, appVersion: lookup.appVersion }, status: 'active' as const };
  const text = TEXT_RULES.find((r) => r.id === id);
  if (text) {
    const phrases = [...(text.concepts ?? []).map(concept), ...text.patterns.slice(0, 12).map(same)];
    return { ...base, title: text.title, body: text.guidance, label: text.urgency, premise: [], trigger: fact('phrases', phrases) };
  }
  const r = READING_RULES.find((x) => x.id === id);
  if (r) return { ...base, title: r.title, body: r.guidance, label: r.urgency, premise: [], trigger: fact('readings', [reading(r)]) };
  if (id === INFANT_FEVER.id) {
    return { ...base, title: INFANT_FEVER.title, body: INFANT_FEVER.guidance, label: INFANT_FEVER.urgency, premise: fact('age', [both('< 3 个月', '< 3 months')]), trigger: fact('readings', [reading({ kind: 'temperature', op: '≥', value: 38 })]) };
  }
  return null;
}

/**
 * The readable source of a card: a knowledge item (`<id>`), an interaction-table
 * entry (`interaction:<id>`) or a red-flag rule (`redflag:<id>`). Wording, tone and
 * LLM cards have no knowledge behind them: `knowledge.source_not_found`.
 */
export function knowledgeSource(sourceItemId: string, lookup: SourceLookup): KnowledgeSource {
  const [prefix, rest] = sourceItemId.includes(':') ? [sourceItemId.slice(0, sourceItemId.indexOf(':')), sourceItemId.slice(sourceItemId.indexOf(':') + 1)] : ['', sourceItemId];
  let out: KnowledgeSource | null = null;
  if (prefix === '') {
    const found = lookup.item(rest);
    out = found ? fromItem(found.item, found.origin, lookup) : null;
  } else if (prefix === 'interaction') out = fromInteraction(rest, lookup);
  else if (prefix === 'redflag') out = fromRedFlag(rest, lookup);
  if (!out) throw new LanternError('knowledge.source_not_found', `No knowledge behind ${sourceItemId}`);
  return out;
}

/**
 * The knowledge-card engine facade.
 *
 *   const engine = createEngine({ items, interactions });
 *   engine.suggest({ draft, lastPatientMessages, patient, readings, role, now })
 *     → { cards, compliance, sentiment, redFlags }
 *
 * Work that depends only on the patient side (red flags, sentiment, concepts, drugs,
 * typed readings) is cached per conversation state, so each keystroke costs one
 * draft lint plus one BM25 query over the item index.
 */
import { lintDraft } from './compliance/lint';
import type { ComplianceRule, RuleOverrides } from './compliance/rules';
import { checkInteractions, severityRank, type InteractionTable } from './drugs/interactions';
import { drugsInList, findDrugs } from './drugs/recognize';
import type { KnowledgeItem } from './knowledge/schema';
import { evaluateTrigger, latestReadings, patientFacts, premiseFactor } from './knowledge/match';
import { detectRedFlags, redFlagTitle, urgencyRank } from './redflags/detect';
import { EMERGENCY_SCRIPT } from './redflags/rules';
import { Bm25Index } from './search/bm25';
import { conversationSentiment, type ConversationSentiment } from './sentiment/aggregate';
import { toneAdvice } from './sentiment/tone';
import { findConcepts } from './text/conceptMatch';
import { polarityAt } from './text/negation';
import { guessLanguage, normalize } from './text/normalize';
import { extractReadings } from './text/readings';
import type { Action, Card, ComplianceHit, EngineLanguage, Localized, Patient, Reading, RedFlag, Role } from './types';

export interface EngineConfig {
  items: readonly KnowledgeItem[];
  interactions: InteractionTable;
  /** Compliance rules (defaults to DEFAULT_RULES) and per-role overrides. */
  rules?: readonly ComplianceRule[];
  ruleOverrides?: RuleOverrides;
  /** Items retired by the feedback loop: never suggested. */
  retired?: Iterable<string>;
  /** Cards returned besides red flags (which are never dropped). Default 6. */
  cardLimit?: number;
}

export interface SuggestInput {
  draft: string;
  lastPatientMessages: readonly string[];
  patient?: Patient;
  readings?: readonly Reading[];
  role: Role;
  now: number;
  /** Output language; defaults to the language of the patient's last message. */
  lang?: EngineLanguage;
  limit?: number;
}

export interface SuggestResult {
  cards: Card[];
  compliance: ComplianceHit[];
  sentiment: ConversationSentiment;
  redFlags: RedFlag[];
}

export interface Engine {
  suggest(input: SuggestInput): SuggestResult;
  /** Add or replace items as they sync in. */
  upsert(items: readonly KnowledgeItem[]): void;
  remove(ids: readonly string[]): void;
  setRetired(ids: Iterable<string>): void;
  readonly size: number;
}

const pick = (l: Localized, lang: EngineLanguage): string => (lang === 'en' ? (l.en ?? l['zh-CN']) : l['zh-CN']);
// Score bands keep kinds in a fixed order: red flags, interactions, blocking compliance, then the rest.
const BAND = { red_flag: 10_000, interaction: 5_000, compliance_block: 3_000, compliance_warn: 900, tone: 300 } as const;
const MIN_TEXT_SCORE = 0.3;
// Conversational filler: "谢谢医生" or "好的" should not surface an arbitrary item that happens to mention 医生.
const FILLER = /谢谢|感谢|多谢|好的|收到|你好|您好|在吗|在不在|请问|医生|大夫|护士|麻烦您?|辛苦了|知道了|明白了|嗯+|哦+|好吧|\b(?:thanks|thank you|hello|hi|ok|okay|please|doctor|nurse)\b/gi;

interface PatientSide {
  key: string;
  redFlags: RedFlag[];
  sentiment: ConversationSentiment;
  concepts: Set<string>;
  intents: Set<string>;
  drugs: Set<string>;
  typed: Reading[];
  norm: string;
}

function docOf(it: KnowledgeItem) {
  return {
    title: `${it.title['zh-CN']} ${it.title.en ?? ''}`,
    keys: [...it.keywords, ...(it.trigger?.text ?? [])].join(' '),
    body: `${it.intervention.text['zh-CN']} ${it.intervention.text.en ?? ''}`,
  };
}

function itemActions(it: KnowledgeItem, lang: EngineLanguage): Action[] {
  return it.intervention.actions.map((a): Action => {
    switch (a.type) {
      case 'suggest_reply':
        return { type: 'suggest_reply', text: pick(a.text, lang) };
      case 'link':
        return { type: 'link', url: a.url, label: pick(a.label, lang) };
      default:
        return a;
    }
  });
}

/** Red-flag cards (emergency first, with the scripted emergency reply). Shared with the LLM assistant, whose cards never displace them. */
export function redFlagCards(flags: readonly RedFlag[], lang: EngineLanguage): Card[] {
  return flags.map((f) => {
    const actions: Action[] = [...f.actions];
    if (f.urgency === 'emergency') actions.push({ type: 'suggest_reply', text: pick(EMERGENCY_SCRIPT, lang) });
    return { id: `red_flag:${f.id}`, kind: 'red_flag', title: pick(redFlagTitle(f.id), lang), body: pick(f.guidance, lang), sourceItemId: `redflag:${f.id}`, score: BAND.red_flag - urgencyRank[f.urgency] * 100, actions, urgency: f.urgency };
  });
}

export function createEngine(config: EngineConfig): Engine {
  const index = new Bm25Index();
  const items = new Map<string, KnowledgeItem>();
  const byReading = new Set<string>();
  let retired = new Set(config.retired ?? []);
  let cache: PatientSide | undefined;

  const upsert = (list: readonly KnowledgeItem[]) => {
    for (const it of list) {
      items.set(it.id, it);
      index.add(it.id, docOf(it));
      if (it.trigger?.readings?.length) byReading.add(it.id);
      else byReading.delete(it.id);
    }
  };
  upsert(config.items);

  function patientSide(input: SuggestInput): PatientSide {
    const msgs = input.lastPatientMessages.slice(-5);
    const key = JSON.stringify([msgs, input.patient ?? null, input.readings ?? [], Math.floor(input.now / 60_000)]);
    if (cache?.key === key) return cache;
    const concepts = new Set<string>();
    const intents = new Set<string>();
    const drugs = new Set<string>();
    const typed: Reading[] = [];
    for (const m of msgs) {
      const n = normalize(m);
      typed.push(...extractReadings(n, input.now));
      for (const c of findConcepts(n)) {
        if (polarityAt(n, c.start, c.end, c.gaps) === 'negated') continue;
        (c.kind === 'intent' ? intents : concepts).add(c.id);
      }
      for (const d of findDrugs(n)) if (!d.negated) drugs.add(d.drugId);
    }
    cache = {
      key,
      redFlags: detectRedFlags({ messages: msgs, readings: input.readings ?? [], ...(input.patient ? { patient: input.patient } : {}), now: input.now }),
      sentiment: conversationSentiment(msgs),
      concepts,
      intents,
      drugs,
      typed,
      norm: normalize(msgs.slice(-3).join('\n')),
    };
    return cache;
  }

  function suggest(input: SuggestInput): SuggestResult {
    const side = patientSide(input);
    const lang: EngineLanguage = input.lang ?? guessLanguage(input.lastPatientMessages.at(-1) ?? input.draft ?? '');
    const cards: Card[] = [];

    cards.push(...redFlagCards(side.redFlags, lang));

    const draftNorm = normalize(input.draft);
    const draftDrugs = findDrugs(draftNorm).filter((d) => !d.negated).map((d) => d.drugId);
    const meds = [...drugsInList(input.patient?.medicines ?? []), ...side.drugs, ...draftDrugs];
    for (const f of checkInteractions(meds, config.interactions)) {
      const it = f.interaction;
      const serious = it.severity === 'contraindicated' || it.severity === 'major';
      cards.push({
        id: `interaction:${it.id}`,
        kind: 'interaction',
        title: pick(it.title, lang),
        body: pick(it.guidance, lang),
        sourceItemId: `interaction:${it.id}`,
        score: BAND.interaction - severityRank[it.severity] * 100,
        actions: serious ? [{ type: 'notify_clinician', reason: it.title['zh-CN'] }] : [],
      });
    }

    const compliance = lintDraft(input.draft, { role: input.role, ...(input.patient ? { patient: { phones: input.patient.phones ?? [], idNumbers: input.patient.idNumbers ?? [] } } : {}), ...(config.rules ? { rules: config.rules } : {}), ...(config.ruleOverrides ? { overrides: config.ruleOverrides } : {}) });
    const seenRules = new Set<string>();
    for (const h of compliance) {
      if (seenRules.has(h.ruleId)) continue;
      seenRules.add(h.ruleId);
      const body = pick(h.explanation, lang) + (h.rewrite ? (lang === 'en' ? ` Suggested: "${h.rewrite.trim()}"` : `建议改为：“${h.rewrite.trim()}”`) : '');
      cards.push({ id: `compliance:${h.ruleId}`, kind: 'compliance', title: h.text || pick(h.explanation, lang).slice(0, 24), body, sourceItemId: `rule:${h.ruleId}`, score: h.severity === 'block' ? BAND.compliance_block : BAND.compliance_warn, actions: h.rewrite ? [{ type: 'suggest_reply', text: h.rewrite.trim() }] : [] });
    }

    const now = input.now;
    const latest = latestReadings([...(input.readings ?? []), ...side.typed], now);
    const anxious = side.sentiment.summary.anxious;
    for (const t of toneAdvice({ anxious, readings: input.readings ?? [], now, draft: input.draft })) {
      cards.push({ id: `tone:${t.id}`, kind: 'tone', title: pick(t.title, lang), body: pick(t.body, lang), sourceItemId: `tone:${t.id}`, score: BAND.tone, actions: [{ type: 'suggest_reply', text: pick(t.example, lang) }] });
    }

    const facts = patientFacts(input.patient, now, { concepts: [...side.concepts].filter((c) => c !== 'surgery'), drugs: side.drugs });
    const ctx = { norm: `${side.norm}\n${draftNorm}`, intents: side.intents, latest };
    const query = normalize([...input.lastPatientMessages.slice(-3), input.draft].join('\n')).replace(FILLER, ' ');
    const hits = index.search(query, { limit: 30, accept: (id) => !retired.has(id) });
    const top = hits[0]?.score ?? 0;
    const scored = new Map<string, number>();
    const consider = (id: string, text: number) => {
      const it = items.get(id);
      if (!it || retired.has(id)) return;
      const pf = premiseFactor(it, facts);
      if (pf === 0) return;
      const tr = evaluateTrigger(it, ctx, facts);
      if (text < MIN_TEXT_SCORE && !tr.byReading && tr.bonus === 0) return;
      scored.set(id, Math.max(scored.get(id) ?? 0, (text + tr.bonus) * pf * tr.factor));
    };
    for (const h of hits) consider(h.id, top ? h.score / top : 0);
    for (const id of byReading) if (!scored.has(id)) consider(id, 0);
    for (const [id, s] of scored) {
      const it = items.get(id)!;
      cards.push({ id: `item:${id}`, kind: it.kind, title: pick(it.title, lang), body: pick(it.intervention.text, lang), sourceItemId: id, score: Math.round(Math.min(s, 5) * 100), actions: itemActions(it, lang) });
    }

    cards.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const limit = input.limit ?? config.cardLimit ?? 6;
    const red = cards.filter((c) => c.kind === 'red_flag');
    const rest = cards.filter((c) => c.kind !== 'red_flag').slice(0, Math.max(0, limit - red.length));
    return { cards: [...red, ...rest], compliance, sentiment: side.sentiment, redFlags: side.redFlags };
  }

  return {
    suggest,
    upsert: (list) => {
      upsert(list);
      cache = undefined;
    },
    remove: (ids) => {
      for (const id of ids) {
        items.delete(id);
        index.remove(id);
        byReading.delete(id);
      }
    },
    setRetired: (ids) => {
      retired = new Set(ids);
    },
    get size() {
      return items.size;
    },
  };
}

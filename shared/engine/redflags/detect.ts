/**
 * Red-flag detector over the patient's recent messages, device/typed readings and the
 * patient profile. Only patient text is scanned — an agent writing "如有胸痛请就医"
 * must not raise an alarm.
 */
import { latestReadings, readingMatches } from '../knowledge/match';
import { CONCEPTS } from '../text/concepts';
import { findConcepts } from '../text/conceptMatch';
import { polarityAt } from '../text/negation';
import { normalize } from '../text/normalize';
import { PhraseMatcher } from '../text/phrases';
import { extractReadings } from '../text/readings';
import type { Action, Patient, Reading, RedFlag, Urgency } from '../types';
import { INFANT_FEVER, READING_RULES, TEXT_RULES, type TextRedFlagRule } from './rules';

export const urgencyRank: Record<Urgency, number> = { emergency: 0, urgent: 1, routine: 2 };

export function escalationActions(u: Urgency, reason: string): Action[] {
  if (u === 'emergency') return [{ type: 'raise_priority', priority: 'urgent' }, { type: 'notify_clinician', reason }];
  if (u === 'urgent') return [{ type: 'raise_priority', priority: 'high' }, { type: 'notify_clinician', reason }];
  return [];
}

let matcher: PhraseMatcher<TextRedFlagRule> | undefined;
function ruleMatcher(): PhraseMatcher<TextRedFlagRule> {
  if (matcher) return matcher;
  matcher = new PhraseMatcher<TextRedFlagRule>();
  for (const r of TEXT_RULES) {
    for (const p of r.patterns) matcher.add(normalize(p), r);
    for (const cid of r.concepts ?? []) {
      const c = CONCEPTS.find((x) => x.id === cid);
      for (const p of [...(c?.zh ?? []), ...(c?.en ?? [])]) matcher.add(normalize(p), r);
    }
  }
  return matcher;
}

function overlapsAny(norm: string, start: number, end: number, needles: readonly string[]): boolean {
  for (const n of needles) {
    const u = normalize(n);
    for (let i = norm.indexOf(u); i >= 0; i = norm.indexOf(u, i + 1)) if (i < end && i + u.length > start) return true;
  }
  return false;
}

const ZH_NUM: Record<string, number> = { 一: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
/** "两个月大的宝宝", "出生20天", "新生儿", "6-week-old" → true when under 3 months. */
export function mentionsYoungInfant(norm: string): boolean {
  if (/新生儿|刚出生|满月|未满月|newborn/.test(norm)) return true;
  const m = /(\d+|[一二两俩三四五六])\s*个?\s*月(?:大)?(?:的)?(?:宝宝|婴儿|孩子|小孩|宝|娃)/.exec(norm);
  if (m) {
    const n = ZH_NUM[m[1]!] ?? Number(m[1]);
    if (n < 3) return true;
  }
  const d = /(?:出生|生下来)?(\d+)\s*天(?:大)?(?:的)?(?:宝宝|婴儿|孩子|小孩|宝|娃)/.exec(norm);
  if (d && Number(d[1]) < 90) return true;
  const e = /(\d+)[- ](week|month)s?[- ]old/.exec(norm);
  return !!e && (e[2] === 'week' ? Number(e[1]) < 13 : Number(e[1]) < 3);
}

export interface RedFlagInput {
  messages: readonly string[];
  readings?: readonly Reading[];
  patient?: Patient;
  now: number;
}

export function detectRedFlags(input: RedFlagInput): RedFlag[] {
  const found = new Map<string, RedFlag>();
  const put = (f: RedFlag) => {
    const prev = found.get(f.id);
    if (!prev || urgencyRank[f.urgency] < urgencyRank[prev.urgency] || (prev.negated && !f.negated)) found.set(f.id, f);
  };
  const typed: Reading[] = [];
  let feverWords = false;
  let infantWords = false;
  for (const msg of input.messages) {
    const norm = normalize(msg);
    typed.push(...extractReadings(norm, input.now));
    infantWords ||= mentionsYoungInfant(norm);
    feverWords ||= findConcepts(norm).some((c) => c.id === 'fever' && polarityAt(norm, c.start, c.end, c.gaps) === 'affirmed');
    for (const m of ruleMatcher().matchAll(norm)) {
      const r = m.payload;
      if (r.unless && overlapsAny(norm, m.start, m.end, r.unless)) continue;
      const negated = polarityAt(norm, m.start, m.end, m.gaps) === 'negated';
      let urgency: Urgency | undefined = r.urgency;
      if (negated) urgency = r.onNegated;
      else if (r.context && !r.context.some((c) => norm.includes(normalize(c)))) urgency = r.urgencyWithoutContext ?? r.urgency;
      if (!urgency) continue;
      put({ id: r.id, urgency, evidence: msg.slice(m.start, m.end), guidance: r.guidance, actions: escalationActions(urgency, r.title['zh-CN']), negated });
    }
  }
  const latest = latestReadings([...(input.readings ?? []), ...typed], input.now);
  for (const r of READING_RULES) {
    const reading = latest.get(r.kind);
    if (!readingMatches(r, reading)) continue;
    put({ id: r.id, urgency: r.urgency, evidence: `${r.kind} ${reading!.value}`, guidance: r.guidance, actions: escalationActions(r.urgency, r.title['zh-CN']), negated: false });
  }
  const age = input.patient?.age;
  const infant = (age !== undefined && age < 0.25) || infantWords;
  const temp = latest.get('temperature');
  if (infant && ((temp && temp.value >= 38) || (!temp && feverWords))) {
    put({ id: INFANT_FEVER.id, urgency: INFANT_FEVER.urgency, evidence: temp ? `temperature ${temp.value}` : 'fever', guidance: INFANT_FEVER.guidance, actions: escalationActions(INFANT_FEVER.urgency, INFANT_FEVER.title['zh-CN']), negated: false });
  }
  return [...found.values()].sort((a, b) => urgencyRank[a.urgency] - urgencyRank[b.urgency]);
}

/** Localised title of a red-flag id (for cards). */
export function redFlagTitle(id: string): { 'zh-CN': string; en?: string } {
  return TEXT_RULES.find((r) => r.id === id)?.title ?? READING_RULES.find((r) => r.id === id)?.title ?? (id === INFANT_FEVER.id ? INFANT_FEVER.title : { 'zh-CN': id });
}

/**
 * Lints a reply draft against the role's rule pack. Each hit carries the span in the
 * draft, severity, explanation and a suggested replacement for that span
 * (applyRewrites() applies them). Fast enough to run on every keystroke.
 */
import { findDrugs } from '../drugs/recognize';
import { findPii } from '../pii/detect';
import { maskSpan } from '../pii/mask';
import { guessLanguage, normalize } from '../text/normalize';
import type { ComplianceHit, Patient, Role } from '../types';
import { DEFAULT_RULES, rulePack, type ComplianceRule, type PatternRule, type RuleOverrides } from './rules';

const NEG_BEFORE = /(?:不|没|没有|别|无|无法|不能|不会|不可能|难以|并非|不是|谁也|没人能|不敢)[^,.;!?。，；！？\n]{0,4}$|\b(?:no|not|cannot|can't|never|no one can|nobody can)\s+(?:\w+\s+)?$/;
const REFERRAL = /医生|医师|药师|遵医嘱|复诊|就诊|就医|门诊|咨询|doctor|pharmacist|gp\b|physician|clinic|prescri/;
const ADVICE = /吃|服|用药|用量|剂量|停药|加量|减量|饭前|饭后|打针|注射|\btake\b|\bdose\b|\btablets?\b|\bpills?\b|\binject/;
const PRESCRIBE_BEFORE = /(?:你|您)?(?:就|可以|先|再|要|最好|不如|建议你|建议您)?(?:吃|服用|服|用|打|喝|试试|换成|改用|改吃|加用|加上|来点|买点|买)(?:点|一下|些|个)?\s*$|\b(?:take|try|start|use|switch to|buy)\s+(?:some\s+)?$/;

function sentenceAround(norm: string, start: number, end: number): string {
  const s = Math.max(norm.lastIndexOf('。', start - 1), norm.lastIndexOf('.', start - 1), norm.lastIndexOf('!', start - 1), norm.lastIndexOf('\n', start - 1)) + 1;
  const re = /[。.!?\n]/g;
  re.lastIndex = end;
  const m = re.exec(norm);
  return norm.slice(s, m ? m.index + 1 : norm.length);
}

const isQuestion = (sentence: string) => /[?？]$|吗[?？。]?$|呢[?？]?$|\?$/.test(sentence.trim()) || /^(?:do|does|are|is|have) you\b/.test(sentence.trim());

export interface LintContext {
  role: Role;
  /** The contact's own identifiers: allowed in a reply. */
  patient?: Pick<Patient, 'phones' | 'idNumbers'>;
  rules?: readonly ComplianceRule[];
  overrides?: RuleOverrides;
}

export function lintDraft(draft: string, ctx: LintContext): ComplianceHit[] {
  if (!draft.trim()) return [];
  const norm = normalize(draft);
  const lang = guessLanguage(draft);
  const hits: ComplianceHit[] = [];
  for (const { rule, level } of rulePack(ctx.role, ctx.rules ?? DEFAULT_RULES, ctx.overrides)) {
    if (rule.kind === 'pattern') hits.push(...patternHits(rule, level, draft, norm, lang));
    else if (rule.id === 'prescription') {
      for (const d of findDrugs(norm)) {
        if (d.negated) continue;
        const before = norm.slice(Math.max(0, d.start - 8), d.start);
        if (!PRESCRIBE_BEFORE.test(before) || isQuestion(sentenceAround(norm, d.start, d.end))) continue;
        const m = PRESCRIBE_BEFORE.exec(before)!;
        const start = d.start - (before.length - m.index);
        hits.push({ ruleId: rule.id, severity: level, start, end: d.end, text: draft.slice(start, d.end), explanation: rule.explanation, rewrite: lang === 'en' ? 'please check with your doctor or pharmacist which medicine is suitable' : '具体用什么药请咨询医生或药师' });
      }
    } else if (rule.id === 'medicine_without_referral') {
      const drugs = findDrugs(norm);
      const mentionsMedicine = drugs.length > 0 || /药/.test(norm) || /\b(?:medicine|medication|tablet|pill)s?\b/.test(norm);
      if (mentionsMedicine && ADVICE.test(norm) && !REFERRAL.test(norm)) {
        // An empty span at the end: the fix is to append a referral line.
        const at = draft.length;
        hits.push({
          ruleId: rule.id,
          severity: level,
          start: at,
          end: at,
          text: '',
          explanation: rule.explanation,
          rewrite: lang === 'en' ? ' Please follow your prescription and check with your doctor or pharmacist if unsure.' : '具体用药请遵医嘱，如有疑问请咨询医生或药师。',
        });
      }
    } else if (rule.id === 'foreign_identifier') {
      const own = new Set([...(ctx.patient?.phones ?? []), ...(ctx.patient?.idNumbers ?? [])].map((x) => x.replace(/[^\dXx]/g, '').toUpperCase().replace(/^86(?=1\d{10}$)/, '')));
      for (const p of findPii(draft)) {
        if (p.kind === 'address' || p.kind === 'name') continue;
        if (own.has(p.value.toUpperCase())) continue;
        hits.push({ ruleId: rule.id, severity: level, start: p.start, end: p.end, text: p.text, explanation: rule.explanation, rewrite: maskSpan(p) });
      }
    }
  }
  return hits.sort((a, b) => (a.severity === b.severity ? a.start - b.start : a.severity === 'block' ? -1 : 1));
}

function patternHits(rule: PatternRule, level: 'block' | 'warn', draft: string, norm: string, lang: 'zh-CN' | 'en'): ComplianceHit[] {
  const out: ComplianceHit[] = [];
  for (const re of rule.patterns) {
    re.lastIndex = 0;
    for (const m of norm.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!m[0].trim()) continue;
      if (rule.negatable && NEG_BEFORE.test(norm.slice(Math.max(0, start - 20), start))) continue;
      if (rule.questionExempt && isQuestion(sentenceAround(norm, start, end))) continue;
      if (out.some((h) => start < h.end && end > h.start)) continue;
      out.push({ ruleId: rule.id, severity: level, start, end, text: draft.slice(start, end), explanation: rule.explanation, rewrite: rule.rewrite(m[0], lang) });
    }
  }
  return out;
}

/** Applies the suggested rewrites (non-overlapping, right to left). */
export function applyRewrites(draft: string, hits: readonly ComplianceHit[]): string {
  const sorted = [...hits].filter((h) => h.rewrite !== undefined).sort((a, b) => b.start - a.start);
  let out = draft;
  let limit = Infinity;
  for (const h of sorted) {
    if (h.end > limit) continue;
    out = out.slice(0, h.start) + h.rewrite + out.slice(h.end);
    limit = h.start;
  }
  return out;
}

/**
 * Compliance rule packs for reply drafts. Severity depends on the author's role:
 * a doctor may diagnose and prescribe in writing, an agent may not; nobody may promise
 * a cure or use advertising superlatives (广告法 / 医疗广告管理办法).
 *
 * Regexes run on normalised text (simplified, half-width, lower-case), so offsets map
 * straight back to the draft.
 */
import type { Localized, Role } from '../types';

export type Level = 'block' | 'warn' | 'off';
export type RoleSeverity = Record<Role, Level>;

export interface PatternRule {
  id: string;
  kind: 'pattern';
  severity: RoleSeverity;
  patterns: RegExp[];
  /** Skip when a negation sits just before the match (不能保证治好 is the compliant form). */
  negatable: boolean;
  /** Skip sentences that are questions (你是糖尿病患者吗？). */
  questionExempt: boolean;
  explanation: Localized;
  /** Replacement for the matched span; may depend on the matched text. */
  rewrite: (matched: string, lang: 'zh-CN' | 'en') => string;
}

/** Rules that need more than a regex (drug lexicon, PII, the contact's own identifiers). */
export interface CheckRule {
  id: 'medicine_without_referral' | 'foreign_identifier' | 'prescription';
  kind: 'check';
  severity: RoleSeverity;
  explanation: Localized;
}

export type ComplianceRule = PatternRule | CheckRule;

const DISEASE = '(?:病|症|炎|癌|瘤|综合征|感染|骨折|心梗|中风|脑梗|流感|感冒|结石|溃疡|抑郁|焦虑|哮喘|痛风|甲亢|甲减)';
const NON_CLINICIAN: RoleSeverity = { agent: 'block', nurse: 'warn', doctor: 'off' };
const EVERYONE: RoleSeverity = { agent: 'block', nurse: 'block', doctor: 'block' };

export const DEFAULT_RULES: readonly ComplianceRule[] = [
  {
    id: 'diagnosis',
    kind: 'pattern',
    severity: NON_CLINICIAN,
    patterns: [
      new RegExp(`你(?:这|这个|这种情况|的情况)?(?:就是|肯定是|应该是|可能是|估计是|多半是|是|属于|得了|得的是|患了|患有)[^,.;!?。，；！？\\n]{0,8}?${DISEASE}`, 'g'),
      new RegExp(`(?:确诊|诊断)(?:为|是)[^,.;!?。，；！？\\n]{0,10}`, 'g'),
      /\byou (?:probably |definitely |clearly |must )?(?:have|have got|are suffering from|are diagnosed with) (?:a |an )?(?:diabetes|hypertension|infection|pneumonia|flu|depression|cancer|[a-z]+itis|heart disease|stroke)\b/g,
      /\byou(?:'re| are) (?:diabetic|hypertensive)\b/g,
    ],
    negatable: true,
    questionExempt: true,
    explanation: {
      'zh-CN': '非医师岗位不得作出诊断性表述，诊断需由医生面诊或线上问诊后给出。',
      en: 'Only doctors may make diagnostic statements; a diagnosis must come from a consultation.',
    },
    rewrite: (_m, lang) => (lang === 'en' ? 'a doctor needs to assess this—please book a consultation' : '您描述的情况需要由医生评估，建议尽快就诊'),
  },
  {
    id: 'dose_change',
    kind: 'pattern',
    severity: NON_CLINICIAN,
    patterns: [
      /(?:加量|减量|加大剂量|减少剂量)(?:到|至)?\s*\d*(?:\.\d+)?\s*(?:片|粒|mg|毫克|单位|u|iu|ml|毫升|克|g|支)?/g,
      /(?:加到|减到|增加到|减少到|加大到|调到|调整到|改成|改为)\s*\d+(?:\.\d+)?\s*(?:片|粒|mg|毫克|单位|u|iu|ml|毫升|克|g|支)/g,
      /(?:每天|一天|每日|每次|一次)(?:吃|服|打|用)?\s*\d+(?:\.\d+)?\s*(?:片|粒|mg|毫克|单位|u|iu|支)/g,
      /(?:先)?(?:停药|停了吧|别吃了|不用吃了|不要吃了)/g,
      /\b(?:increase|decrease|reduce|double|raise|lower|up) (?:your |the )?(?:dose|insulin|dosage)(?: to [\d.]+ ?(?:units|mg|tablets?))?/g,
      /\bstop taking (?:your |the )?[a-z]+/g,
    ],
    negatable: true,
    questionExempt: true,
    explanation: {
      'zh-CN': '剂量调整、停药属于处方行为，只能由医生决定。',
      en: 'Changing or stopping a dose is a prescribing decision for a doctor.',
    },
    rewrite: (_m, lang) => (lang === 'en' ? 'please keep your current dose until you have checked with your doctor' : '剂量请暂时保持不变，调整前请咨询医生'),
  },
  {
    id: 'cure_promise',
    kind: 'pattern',
    severity: EVERYONE,
    patterns: [
      /保证(?:能)?治好|保证治愈|保证(?:能)?好|包治|包好|根治|百分之百有效|百分百有效|100%有效|一定能治好|肯定能治好|绝对能治好|药到病除|永不复发|彻底治愈|治愈率100%|立竿见影/g,
      /\b(?:guaranteed? (?:to )?(?:cure|work|be cured)|100% effective|cure it completely|permanent cure|never come back|will definitely cure)\b/g,
    ],
    negatable: true,
    questionExempt: false,
    explanation: {
      'zh-CN': '不得承诺疗效或治愈（《广告法》《医疗广告管理办法》）；疗效因人而异。',
      en: 'Outcomes must never be promised (advertising and medical-advertising rules); results vary between patients.',
    },
    rewrite: (_m, lang) => (lang === 'en' ? 'we will do our best to help; results vary from person to person' : '我们会尽力帮助您，具体效果因人而异'),
  },
  {
    id: 'advertising',
    kind: 'pattern',
    severity: EVERYONE,
    patterns: [
      /最好的药|最好的医生|最好的医院|神药|特效药|神奇疗效|无副作用|没有副作用|零副作用|毫无副作用|纯天然无害|绝对安全|最先进|国家级|祖传秘方|第一品牌|权威推荐/g,
      /\b(?:best (?:medicine|drug|doctor|hospital)|miracle (?:drug|cure)|wonder drug|no side effects|completely safe|100% safe|totally safe)\b/g,
    ],
    negatable: true,
    questionExempt: false,
    explanation: {
      'zh-CN': '不得使用绝对化、夸大或“无副作用”等禁用广告用语。',
      en: 'Superlatives, exaggeration and claims such as "no side effects" are prohibited advertising wording.',
    },
    rewrite: (m, lang) => {
      if (lang === 'en') return /side effect/.test(m) ? 'side effects are possible and vary between people' : /safe/.test(m) ? 'generally well tolerated when used as prescribed' : 'a commonly used option';
      if (/副作用/.test(m)) return '副作用因人而异';
      if (/安全|无害/.test(m)) return '按医嘱使用总体安全性较好';
      if (/医生|医院/.test(m)) return '经验丰富的团队';
      return '常用药物之一';
    },
  },
  {
    id: 'prescription',
    kind: 'check',
    severity: NON_CLINICIAN,
    explanation: {
      'zh-CN': '非医师岗位不得建议患者使用某种药物，用药需遵医嘱。',
      en: 'Only doctors may recommend a specific medicine; medicines must follow a prescription.',
    },
  },
  {
    id: 'medicine_without_referral',
    kind: 'check',
    severity: { agent: 'warn', nurse: 'warn', doctor: 'off' },
    explanation: {
      'zh-CN': '回复涉及用药建议，但没有提示“遵医嘱/咨询医生或药师”。',
      en: 'The reply gives medicine advice without referring the patient to a doctor or pharmacist.',
    },
  },
  {
    id: 'foreign_identifier',
    kind: 'check',
    severity: EVERYONE,
    explanation: {
      'zh-CN': '回复中包含不属于当前联系人的手机号、身份证号、银行卡号或邮箱，可能泄露他人隐私。',
      en: "The reply contains a phone, ID, bank-card number or e-mail that is not this contact's own—possible disclosure of someone else's data.",
    },
  },
];

export type RuleOverrides = Partial<Record<string, Partial<RoleSeverity>>>;

/** The rule pack for a role, with per-deployment overrides (e.g. let nurses relay doses). */
export function rulePack(role: Role, rules: readonly ComplianceRule[] = DEFAULT_RULES, overrides: RuleOverrides = {}): Array<{ rule: ComplianceRule; level: Exclude<Level, 'off'> }> {
  const out: Array<{ rule: ComplianceRule; level: Exclude<Level, 'off'> }> = [];
  for (const rule of rules) {
    const level = overrides[rule.id]?.[role] ?? rule.severity[role];
    if (level !== 'off') out.push({ rule, level });
  }
  return out;
}

/**
 * AI assistance for the agent: a conversation summary and a suggested reply from
 * the hospital's own LLM (provider.ts). The model's text is NEVER offered as it
 * came back:
 *
 * 1. Red flags are detected on the patient's messages by the rule detector first,
 *    independently of the model; their cards always come first. Flags the rules
 *    find in the model's summary are added too (a long conversation summarised).
 *    With an emergency flag no reply is suggested at all — the scripted emergency
 *    reply on the red-flag card is the one to use.
 * 2. Both texts go through the compliance lint for the agent's role; every hit
 *    with a rewrite is rewritten (applyRewrites) and the result linted again. A
 *    text that still has a blocking hit is withheld (`llm.non_compliant`);
 *    warnings stay visible on the card.
 * 3. The result is only ever a card: a `suggest_reply` action puts the text into
 *    the draft, where the normal lint runs again and a person decides to send.
 *
 * Patient identifiers are masked before the transcript leaves the workstation.
 */
import { applyRewrites, lintDraft } from '../compliance/lint';
import type { ComplianceRule, RuleOverrides } from '../compliance/rules';
import { redFlagCards } from '../engine';
import { maskPii } from '../pii/mask';
import { detectRedFlags, urgencyRank } from '../redflags/detect';
import type { Card, ComplianceHit, EngineLanguage, Localized, Patient, Reading, RedFlag, Role } from '../types';
import { llmError, type ChatMessage, type LlmError, type LlmProvider } from './provider';

export interface AssistMessage {
  from: 'patient' | 'staff';
  text: string;
}

export interface AssistInput {
  /** The conversation, oldest first (the last 12 are sent). */
  messages: readonly AssistMessage[];
  patient?: Patient;
  readings?: readonly Reading[];
  role: Role;
  lang: EngineLanguage;
  now: number;
  rules?: readonly ComplianceRule[];
  ruleOverrides?: RuleOverrides;
}

export interface ScreenedText {
  /** What is offered (after rewrites), or null when withheld. */
  text: string | null;
  /** What the model said (kept for the audit trail of the card, never offered). */
  original: string;
  /** Lint hits on the model's text, before rewriting. */
  hits: ComplianceHit[];
  /** Hits still present in `text` (warnings only, when offered). */
  remaining: ComplianceHit[];
  rewritten: boolean;
}

export interface AssistResult {
  /** Red-flag cards first, then the summary and reply cards that passed. */
  cards: Card[];
  redFlags: RedFlag[];
  summary: ScreenedText | null;
  reply: ScreenedText | null;
  /** Why a card is missing (zh-CN/en), per part; null when it was produced. */
  unavailable: { summary: LlmError | null; reply: LlmError | null };
}

const HISTORY = 12;
const MAX_CHARS = 600;

const SYSTEM: Record<'summary' | 'reply', Localized & { en: string }> = {
  summary: {
    'zh-CN':
      '你是医院患者服务中心的助手，帮助客服人员快速了解会话。请用不超过80字的简体中文客观概括患者的诉求、提到的症状和数值、已给出的答复及待办事项。不要诊断，不要给出用药或剂量建议，不要编造对话中没有的信息。只输出摘要正文。',
    en: "You assist staff of a hospital's patient contact centre. In at most 60 words, summarise objectively what the patient wants, the symptoms and readings mentioned, what staff already answered and what is still open. Do not diagnose, do not advise on medicines or doses, do not add anything that is not in the conversation. Output only the summary.",
  },
  reply: {
    'zh-CN':
      '你是医院患者服务中心的助手，为客服人员起草一条回复给患者的消息（由人工审核后才会发送）。要求：礼貌、简洁（不超过100字）、简体中文；不做诊断；不推荐具体药物，不更改剂量；不承诺疗效；涉及病情或用药时请患者咨询医生或药师；出现危急症状时建议立即拨打120或前往急诊。只输出回复正文。',
    en: 'You assist staff of a hospital\'s patient contact centre by drafting one reply to the patient (a person reviews it before anything is sent). Be polite and brief (at most 60 words). Do not diagnose, do not recommend specific medicines or change doses, never promise outcomes; for medical questions refer the patient to their doctor or pharmacist; for emergency symptoms advise calling emergency services. Output only the reply text.',
  },
};

const TITLE = {
  summary: { 'zh-CN': 'AI 会话摘要（仅供参考）', en: 'AI conversation summary (for reference)' },
  reply: { 'zh-CN': 'AI 建议回复（发送前请核对）', en: 'AI suggested reply (check before sending)' },
} as const;

const pick = (l: Localized, lang: EngineLanguage) => (lang === 'en' ? (l.en ?? l['zh-CN']) : l['zh-CN']);

function transcript(input: AssistInput): string {
  const names = input.patient?.names ?? [];
  const who = (m: AssistMessage) => (input.lang === 'en' ? (m.from === 'patient' ? 'Patient' : 'Staff') : m.from === 'patient' ? '患者' : '客服');
  return input.messages
    .slice(-HISTORY)
    .map((m) => `${who(m)}: ${maskPii(m.text.slice(0, MAX_CHARS), { names }).text}`)
    .join('\n');
}

/** Lint → rewrite → lint again. Blocking hits left after rewriting withhold the text. */
export function screenText(text: string, input: Pick<AssistInput, 'role' | 'patient' | 'rules' | 'ruleOverrides'>): ScreenedText {
  const ctx = {
    role: input.role,
    ...(input.patient ? { patient: { phones: input.patient.phones ?? [], idNumbers: input.patient.idNumbers ?? [] } } : {}),
    ...(input.rules ? { rules: input.rules } : {}),
    ...(input.ruleOverrides ? { overrides: input.ruleOverrides } : {}),
  };
  const hits = lintDraft(text, ctx);
  const rewritten = hits.some((h) => h.rewrite !== undefined) ? applyRewrites(text, hits) : text;
  const remaining = rewritten === text ? hits : lintDraft(rewritten, ctx);
  const blocked = remaining.some((h) => h.severity === 'block');
  return { text: blocked ? null : rewritten, original: text, hits, remaining: blocked ? remaining : remaining.filter((h) => h.severity === 'warn'), rewritten: rewritten !== text };
}

function note(s: ScreenedText, lang: EngineLanguage): string {
  const parts: string[] = [];
  if (s.rewritten) parts.push(lang === 'en' ? `Rewritten for compliance (${[...new Set(s.hits.map((h) => h.ruleId))].join(', ')}).` : `已按合规规则改写（${[...new Set(s.hits.map((h) => h.ruleId))].join('、')}）。`);
  for (const w of s.remaining) parts.push(`${lang === 'en' ? 'Check' : '请注意'}：${pick(w.explanation, lang)}`);
  return parts.length ? `\n\n${parts.join('\n')}` : '';
}

export async function llmAssist(provider: LlmProvider, input: AssistInput): Promise<AssistResult> {
  const patientTexts = input.messages.filter((m) => m.from === 'patient').map((m) => m.text);
  const redFlags = detectRedFlags({ messages: patientTexts.slice(-5), readings: input.readings ?? [], ...(input.patient ? { patient: input.patient } : {}), now: input.now });
  const emergency = redFlags.some((f) => f.urgency === 'emergency');
  const result: AssistResult = { cards: [], redFlags, summary: null, reply: null, unavailable: { summary: null, reply: null } };

  if (!provider.enabled) {
    const off = llmError('llm.disabled');
    result.unavailable = { summary: off, reply: off };
    result.cards = redFlagCards(redFlags, input.lang);
    return result;
  }

  const lang = input.lang;
  const conv = transcript(input);
  const ask = (kind: 'summary' | 'reply'): Promise<Awaited<ReturnType<LlmProvider['chat']>>> => {
    const messages: ChatMessage[] = [
      { role: 'system', content: pick(SYSTEM[kind], lang) },
      { role: 'user', content: conv || (lang === 'en' ? '(no messages yet)' : '（暂无消息）') },
    ];
    return provider.chat(messages);
  };
  const [summaryAnswer, replyAnswer] = await Promise.all([ask('summary'), emergency ? Promise.resolve(null) : ask('reply')]);

  const cards: Card[] = [];
  const sourceItemId = `llm:${provider.model ?? 'model'}`;
  if (summaryAnswer.ok) {
    // The rules, not the model, decide about red flags: scan the summary like patient text too.
    for (const f of detectRedFlags({ messages: [summaryAnswer.text], now: input.now })) if (!redFlags.some((r) => r.id === f.id)) redFlags.push(f);
    const s = screenText(summaryAnswer.text, input);
    result.summary = s;
    if (s.text === null) result.unavailable.summary = llmError('llm.non_compliant', s.remaining.map((h) => h.ruleId).join(','));
    else cards.push({ id: 'llm:summary', kind: 'guidance', title: pick(TITLE.summary, lang), body: s.text + note(s, lang), sourceItemId, score: 250, actions: [] });
  } else result.unavailable.summary = summaryAnswer.error;

  if (replyAnswer === null || redFlags.some((f) => f.urgency === 'emergency')) result.unavailable.reply = llmError('llm.red_flag');
  else if (!replyAnswer.ok) result.unavailable.reply = replyAnswer.error;
  else {
    const s = screenText(replyAnswer.text, input);
    result.reply = s;
    if (s.text === null) result.unavailable.reply = llmError('llm.non_compliant', s.remaining.map((h) => h.ruleId).join(','));
    else cards.push({ id: 'llm:reply', kind: 'answer', title: pick(TITLE.reply, lang), body: s.text + note(s, lang), sourceItemId, score: 200, actions: [{ type: 'suggest_reply', text: s.text }] });
  }
  result.redFlags.sort((a, b) => urgencyRank[a.urgency] - urgencyRank[b.urgency]);
  result.cards = [...redFlagCards(result.redFlags, lang), ...cards];
  return result;
}

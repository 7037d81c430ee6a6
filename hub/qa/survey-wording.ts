/**
 * What a CSAT/NPS survey says on a patient channel, how its message is named, and
 * how a patient's reply is read as a score. No I/O: used by the channel-backed
 * sender (hub/qa/channel-sender.ts), the inbound pipeline (hub/channels/inbound.ts)
 * and the web-chat adapter (rating card).
 */
import type { Channel, Language } from '../../shared/domain/types';
import { guessLanguage, normalize } from '../../shared/engine/text/normalize';
import type { SurveyKind } from '../../shared/supervisor';

export const SURVEY_SCALES: Record<SurveyKind, { min: number; max: number }> = { csat: { min: 1, max: 5 }, nps: { min: 0, max: 10 } };

/** `contentType` of the survey message written into the conversation (not a staff reply: QA analysis skips it). */
export const SURVEY_CONTENT_TYPE = 'survey';

const MESSAGE_PREFIX = 'm-sv-';

/** The survey's message id: one per survey, so a retried send reuses it (it is the channels' idempotency key). */
export function surveyMessageId(surveyId: string): string {
  return `${MESSAGE_PREFIX}${surveyId}`;
}

export function surveyIdOfMessage(messageId: string): string | null {
  return messageId.startsWith(MESSAGE_PREFIX) ? messageId.slice(MESSAGE_PREFIX.length) : null;
}

/** The patient's language from what they wrote (zh-CN unless it reads as English). */
export function surveyLanguage(patientTexts: readonly string[]): Language {
  const text = patientTexts.join('\n').trim();
  return text ? guessLanguage(text) : 'zh-CN';
}

const QUESTION: Record<Language, Record<SurveyKind, string>> = {
  'zh-CN': {
    csat: '您好，本次咨询已结束。请为本次服务打分：回复 1–5（5 = 非常满意，1 = 非常不满意）。',
    nps: '您有多大可能向亲友推荐我院的服务？请回复 0–10（10 = 非常愿意，0 = 完全不会）。',
  },
  en: {
    csat: 'Thank you for contacting us. How satisfied were you with our service? Reply with a number from 1 to 5 (5 = very satisfied, 1 = very dissatisfied).',
    nps: 'How likely are you to recommend our hospital to a friend or relative? Reply with a number from 0 to 10 (10 = extremely likely, 0 = not at all likely).',
  },
};

/** One line the channel adds (how to answer there, how to opt out of SMS). */
function channelHint(channel: Channel, lang: Language, smsOptOutWords: readonly string[]): string | null {
  const zh = lang === 'zh-CN';
  switch (channel) {
    case 'webchat':
      return zh ? '点击下方分数，或直接输入数字。' : 'Tap a score below or type the number.';
    case 'email':
      return zh ? '直接回复本邮件即可，第一行写一个数字。' : 'Just reply to this e-mail with the number on the first line.';
    case 'sms': {
      const word = zh ? (smsOptOutWords[0] ?? null) : (smsOptOutWords.find((w) => /^[A-Za-z]+$/.test(w)) ?? smsOptOutWords[0] ?? null);
      if (!word) return null;
      return zh ? `退订请回复“${word}”。` : `Reply ${word} to opt out.`;
    }
    default:
      return null;
  }
}

/** The survey text for a channel in the patient's language. */
export function surveyText(kind: SurveyKind, lang: Language, channel: Channel, smsOptOutWords: readonly string[] = []): string {
  const hint = channelHint(channel, lang, smsOptOutWords);
  return hint ? `${QUESTION[lang][kind]}${lang === 'zh-CN' ? '' : ' '}${hint}` : QUESTION[lang][kind];
}

/** Who the survey message is from, as the patient and the agent see it. */
export function surveyAuthor(lang: Language): string {
  return lang === 'zh-CN' ? '满意度回访' : 'Patient survey';
}

const CN_NUMERAL: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const BARE = /^(\d{1,2}|[零〇一二两三四五六七八九十])\s*(分|星|颗星|stars?|points?|pts?|\/\s*(\d{1,2}))?$/i;
const STARS = /^[★⭐]{1,10}$/u;

/**
 * A reply that is nothing but a score on the survey's scale: "5", "５" (full width),
 * "10分", "5星", "五星", "4/5", "★★★★★", with trailing punctuation allowed. Anything
 * else — a sentence, a number out of range, "3.5", "1-5" — is not an answer (null)
 * and stays an ordinary message.
 */
export function parseSurveyScore(text: string, scale: { min: number; max: number }): number | null {
  // The engine's normaliser folds full-width forms; NFKC also folds ① … ⑩.
  const s = normalize(text)
    .normalize('NFKC')
    .replace(/\uFE0F/g, '')
    .trim()
    .replace(/[\s。.!！~～,，、]+$/u, '');
  if (!s || s.length > 12) return null;
  let score: number | null = null;
  if (STARS.test(s)) score = [...s].length;
  else {
    const m = BARE.exec(s);
    if (!m) return null;
    if (m[3] !== undefined && Number(m[3]) !== scale.max) return null;
    score = /^\d+$/.test(m[1]!) ? Number(m[1]) : CN_NUMERAL[m[1]!]!;
  }
  return Number.isInteger(score) && score >= scale.min && score <= scale.max ? score : null;
}

/**
 * The patient's own words in an e-mail reply: the text above the quoted original
 * ("> …", "On … wrote:", "在 … 写道：", "-----Original Message-----", a signature).
 */
export function replyPart(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*>/.test(line)) break;
    if (/^\s*(on\s.+wrote:|在.+写道[:：]|-{2,}\s*(original message|原始邮件)|发件人[:：]|from:\s|sent from my|发自我的)/i.test(line)) break;
    if (/^--\s*$/.test(line)) break;
    out.push(line);
  }
  return out.join('\n').trim();
}

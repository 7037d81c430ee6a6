/**
 * What the supervisor tools read out of one conversation, with the knowledge
 * engine: per-message patient sentiment, red flags, compliance hits in the staff
 * replies, response timings, recalls and transfers — and from those the review
 * flags and the automatic pre-score of a QA form. Pure: the hub runs it over its
 * database, the workstation over the supervisor's replica.
 */
import { detectRedFlags, lintDraft, scoreMessage } from '../engine';
import type { Channel, ConversationStatus, Priority } from '../domain/types';
import type { AutoKey } from './forms';
import { MINUTE_MS, median, round1 } from './periods';

export interface ConvMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  authorId: string | null;
  authorName: string | null;
  body: string;
  contentType: string;
  createdAt: number;
  recalledAt: number | null;
}

/** A hand-over seen in the conversation's history (assignment from one person to another). */
export interface ConvTransfer {
  at: number;
  from: string | null;
  to: string | null;
}

export interface ConvInput {
  id: string;
  channel: Channel;
  status: ConversationStatus;
  priority: Priority;
  assigneeId: string | null;
  teamId: string | null;
  createdAt: number;
  messages: readonly ConvMessage[];
  transfers?: readonly ConvTransfer[];
  /** The patient's identity on this conversation's channel. */
  identity?: { verified: boolean; consent: 'granted' | 'withdrawn' | 'unknown'; consentUpdatedAt: number | null } | null;
  /** The contact's own identifiers (allowed in replies). */
  patient?: { phones?: string[]; idNumbers?: string[] };
  /** Role of the staff member who answered (picks the compliance rule pack). */
  staffRole?: 'agent' | 'nurse' | 'supervisor' | 'admin';
}

/** Reply-time targets per priority (minutes). A deployment may pass its own. */
export const DEFAULT_SLA_MINUTES: Record<Priority, number> = { urgent: 5, high: 15, normal: 30, low: 120 };

/** What a reply must contain after a red flag: the scripted referral to emergency care. */
const ESCALATION_CUES = ['120', '急诊', '立即就医', '马上就医', '尽快就医', '立即前往', '立即拨打', '马上去医院', '立即来院', '尽快来院', 'emergency', 'a&e', 'call 120', 'ambulance'];
const COURTESY_CUES = ['您好', '你好', '请', '谢谢', '感谢', 'hello', 'hi ', 'please', 'thank'];
const EMPATHY_CUES = ['理解', '别担心', '不用担心', '不要担心', '别着急', '不要着急', '放心', '辛苦', '抱歉', '不好意思', '我们会', '陪您', 'sorry', 'understand', "don't worry", 'do not worry', 'we will help'];

export const isDeviceAlert = (m: Pick<ConvMessage, 'direction' | 'contentType' | 'body'>, channel: Channel): boolean =>
  m.direction === 'inbound' && (m.contentType === 'device_alert' || (channel === 'device' && /^\s*(设备告警|device alert)/i.test(m.body)));

/** Patient-written text (not device alerts, not recalled). */
export const isPatientText = (m: ConvMessage, channel: Channel): boolean => m.direction === 'inbound' && !isDeviceAlert(m, channel) && m.body.trim() !== '';
/** Staff replies that reached (or were meant to reach) the patient. */
export const isStaffReply = (m: ConvMessage): boolean => m.direction === 'outbound' && m.recalledAt === null;

export interface MessageSignal {
  id: string;
  at: number;
  direction: 'inbound' | 'outbound';
  deviceAlert: boolean;
  /** Patient messages only: −2…+2. */
  level: number | null;
  score: number | null;
  anxious: boolean;
  /** `evidence`: the words (or reading) that fired it. */
  redFlags: { id: string; urgency: string; evidence: string }[];
  compliance: { ruleId: string; severity: 'block' | 'warn' }[];
  recalled: boolean;
}

export interface Timings {
  /** From the first patient message to the first staff reply after it. */
  firstResponseMs: number | null;
  /** Every wait: from a patient message (not already waiting) to the next staff reply. */
  gapsMs: number[];
  medianGapMs: number | null;
  maxGapMs: number | null;
  /** The patient has been waiting since (their last message is unanswered and the conversation is not resolved). */
  waitingSince: number | null;
}

export type FlagKind = 'red_flag' | 'compliance' | 'negative_sentiment' | 'long_wait' | 'recall';
export const flagKinds: readonly FlagKind[] = ['red_flag', 'compliance', 'negative_sentiment', 'long_wait', 'recall'];

export interface Evidence {
  code: string;
  params: Record<string, string | number>;
}

export interface PreScore {
  key: AutoKey;
  value: number | 'na';
  /** Points on this scale (mapped to the form question's own max when applied). */
  max: number;
  /** high: a rule decided it; low: a hint the reviewer should check. */
  confidence: 'high' | 'low';
  evidence: Evidence;
}

export interface ConversationAnalysis {
  messages: MessageSignal[];
  timings: Timings;
  flags: { kind: FlagKind; evidence: Evidence }[];
  prescore: PreScore[];
  sentiment: { count: number; mean: number | null; min: number | null; last: number | null };
  redFlagIds: string[];
  complianceRules: string[];
  recalls: number;
  transfers: number;
}

const flagWords = (s: MessageSignal) => [...new Set(s.redFlags.map((f) => f.evidence))].join('、');
const engineRole = (r: ConvInput['staffRole']) => (r === 'nurse' ? 'nurse' : 'agent') as 'agent' | 'nurse';

export function conversationTimings(c: Pick<ConvInput, 'channel' | 'status' | 'messages'>): Timings {
  const msgs = [...c.messages].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const gaps: number[] = [];
  let waitingFrom: number | null = null;
  for (const m of msgs) {
    if (m.direction === 'inbound' && m.body.trim() !== '') {
      waitingFrom ??= m.createdAt;
    } else if (isStaffReply(m) && waitingFrom !== null) {
      gaps.push(Math.max(0, m.createdAt - waitingFrom));
      waitingFrom = null;
    }
  }
  return {
    firstResponseMs: gaps[0] ?? null,
    gapsMs: gaps,
    medianGapMs: median(gaps),
    maxGapMs: gaps.length ? Math.max(...gaps) : null,
    waitingSince: c.status === 'resolved' ? null : waitingFrom,
  };
}

function cuesIn(text: string, cues: readonly string[]): string[] {
  const low = text.toLowerCase();
  return cues.filter((c) => low.includes(c));
}

export interface AnalyseOptions {
  now: number;
  slaMinutes?: Record<Priority, number>;
}

/** Reads one conversation with the engine. `now` only matters for open conversations (current waits). */
export function analyseConversation(c: ConvInput, opts: AnalyseOptions): ConversationAnalysis {
  const sla = (opts.slaMinutes ?? DEFAULT_SLA_MINUTES)[c.priority] * MINUTE_MS;
  const msgs = [...c.messages].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const patient = { phones: c.patient?.phones ?? [], idNumbers: c.patient?.idNumbers ?? [] };
  const signals: MessageSignal[] = msgs.map((m) => {
    const device = isDeviceAlert(m, c.channel);
    const base = { id: m.id, at: m.createdAt, direction: m.direction, deviceAlert: device, recalled: m.recalledAt !== null };
    if (m.direction === 'inbound') {
      const text = m.body.trim() !== '';
      const s = !device && text ? scoreMessage(m.body) : null;
      const flags = text ? detectRedFlags({ messages: [m.body], now: m.createdAt }) : [];
      return { ...base, level: s?.level ?? null, score: s ? round1(s.score) : null, anxious: s?.anxious ?? false, redFlags: flags.map((f) => ({ id: f.id, urgency: f.urgency, evidence: f.evidence })), compliance: [] };
    }
    const hits = m.recalledAt === null && m.body.trim() ? lintDraft(m.body, { role: engineRole(c.staffRole), patient }) : [];
    return { ...base, level: null, score: null, anxious: false, redFlags: [], compliance: hits.map((h) => ({ ruleId: h.ruleId, severity: h.severity })) };
  });

  const timings = conversationTimings({ ...c, messages: msgs });
  const levels = signals.filter((s) => s.level !== null).map((s) => s.level!);
  const mean = levels.length ? round1(levels.reduce((a, b) => a + b, 0) / levels.length) : null;
  const redFlagIds = [...new Set(signals.flatMap((s) => s.redFlags.map((f) => f.id)))];
  const complianceRules = [...new Set(signals.flatMap((s) => s.compliance.map((h) => h.ruleId)))];
  const blocking = [...new Set(signals.flatMap((s) => s.compliance.filter((h) => h.severity === 'block').map((h) => h.ruleId)))];
  const recalls = msgs.filter((m) => m.direction === 'outbound' && m.recalledAt !== null).length;
  const transfers = (c.transfers ?? []).filter((t) => t.from !== null && t.to !== null && t.from !== t.to).length;

  const flags: ConversationAnalysis['flags'] = [];
  if (redFlagIds.length) flags.push({ kind: 'red_flag', evidence: { code: 'red_flag', params: { ids: redFlagIds.join(','), words: [...new Set(signals.flatMap((x) => x.redFlags.map((f) => f.evidence)))].join('、') } } });
  if (complianceRules.length) flags.push({ kind: 'compliance', evidence: { code: 'compliance', params: { rules: complianceRules.join(',') } } });
  const minLevel = levels.length ? Math.min(...levels) : null;
  if (minLevel !== null && (minLevel <= -2 || (mean !== null && mean <= -1))) flags.push({ kind: 'negative_sentiment', evidence: { code: 'negative_sentiment', params: { min: minLevel, mean: mean ?? 0 } } });
  const currentWait = timings.waitingSince !== null ? opts.now - timings.waitingSince : null;
  // Long wait: a first reply later than the SLA, any later wait over twice the SLA, or waiting beyond it now.
  const maxGap = timings.maxGapMs ?? 0;
  const longWait = (timings.firstResponseMs ?? 0) > sla || maxGap > 2 * sla || (currentWait ?? 0) > sla;
  const worst = Math.max(timings.firstResponseMs ?? 0, maxGap, currentWait ?? 0);
  if (longWait) flags.push({ kind: 'long_wait', evidence: { code: 'long_wait', params: { minutes: Math.round(worst / MINUTE_MS), sla: sla / MINUTE_MS } } });
  if (recalls) flags.push({ kind: 'recall', evidence: { code: 'recall', params: { count: recalls } } });

  // ---- pre-score ----------------------------------------------------------
  const replies = msgs.filter(isStaffReply);
  const prescore: PreScore[] = [];
  const idn = c.identity;
  prescore.push(
    idn?.verified
      ? { key: 'identity_verified', value: 1, max: 1, confidence: 'high', evidence: { code: 'identity_channel_verified', params: { channel: c.channel } } }
      : { key: 'identity_verified', value: 0, max: 1, confidence: 'low', evidence: { code: 'identity_not_verified', params: { channel: c.channel } } },
  );
  if (idn?.consent === 'withdrawn') {
    // Confirming the opt-out itself (within 5 minutes) is allowed; anything later is not.
    const since = idn.consentUpdatedAt;
    const after = since === null ? [] : replies.filter((m) => m.createdAt > since + 5 * MINUTE_MS);
    prescore.push(
      after.length
        ? { key: 'consent_respected', value: 0, max: 1, confidence: 'high', evidence: { code: 'sent_after_optout', params: { count: after.length } } }
        : { key: 'consent_respected', value: 1, max: 1, confidence: since === null ? 'low' : 'high', evidence: { code: 'optout_respected', params: {} } },
    );
  } else {
    prescore.push({ key: 'consent_respected', value: 1, max: 1, confidence: 'high', evidence: { code: 'consent_ok', params: { consent: idn?.consent ?? 'unknown' } } });
  }
  const firstFlag = signals.find((s) => s.redFlags.length > 0);
  if (!firstFlag) {
    prescore.push({ key: 'redflag_script', value: 'na', max: 1, confidence: 'high', evidence: { code: 'no_red_flag', params: {} } });
  } else {
    const reply = replies.find((m) => m.createdAt >= firstFlag.at);
    const cues = reply ? cuesIn(reply.body, ESCALATION_CUES) : [];
    prescore.push(
      !reply
        ? { key: 'redflag_script', value: 0, max: 1, confidence: 'high', evidence: { code: 'red_flag_unanswered', params: { ids: firstFlag.redFlags.map((f) => f.id).join(','), words: flagWords(firstFlag) } } }
        : cues.length
          ? { key: 'redflag_script', value: 1, max: 1, confidence: 'high', evidence: { code: 'red_flag_script_used', params: { cues: cues.join('、') } } }
          : { key: 'redflag_script', value: 0, max: 1, confidence: 'high', evidence: { code: 'red_flag_script_missing', params: { ids: firstFlag.redFlags.map((f) => f.id).join(','), words: flagWords(firstFlag) } } },
    );
  }
  prescore.push(
    complianceRules.includes('foreign_identifier')
      ? { key: 'minimum_necessary', value: 0, max: 1, confidence: 'high', evidence: { code: 'foreign_identifier', params: {} } }
      : { key: 'minimum_necessary', value: 1, max: 1, confidence: 'high', evidence: { code: 'no_foreign_identifier', params: {} } },
  );
  const allReplies = replies.map((m) => m.body).join('\n');
  const empathy = cuesIn(allReplies, EMPATHY_CUES);
  const courtesy = cuesIn(allReplies, COURTESY_CUES);
  prescore.push(
    !replies.length
      ? { key: 'empathy', value: 0, max: 2, confidence: 'low', evidence: { code: 'no_reply', params: {} } }
      : { key: 'empathy', value: empathy.length ? 2 : courtesy.length ? 1 : 0, max: 2, confidence: 'low', evidence: { code: 'tone_cues', params: { cues: [...empathy, ...courtesy].join('、') || '—' } } },
  );
  const scopeRules = blocking.filter((r) => r !== 'foreign_identifier');
  const warned = complianceRules.filter((r) => r !== 'foreign_identifier' && !blocking.includes(r));
  prescore.push(
    scopeRules.length
      ? { key: 'accuracy', value: 0, max: 2, confidence: 'high', evidence: { code: 'compliance_block', params: { rules: scopeRules.join(',') } } }
      : warned.length
        ? { key: 'accuracy', value: 1, max: 2, confidence: 'low', evidence: { code: 'compliance_warn', params: { rules: warned.join(',') } } }
        : { key: 'accuracy', value: 2, max: 2, confidence: 'low', evidence: { code: 'compliance_clean', params: {} } },
  );
  prescore.push(
    c.status === 'resolved' && replies.length
      ? { key: 'resolution', value: 2, max: 2, confidence: 'low', evidence: { code: 'resolved', params: {} } }
      : replies.length
        ? { key: 'resolution', value: 1, max: 2, confidence: 'low', evidence: { code: 'replied_not_resolved', params: { status: c.status } } }
        : { key: 'resolution', value: 0, max: 2, confidence: 'low', evidence: { code: 'no_reply', params: {} } },
  );
  const slaMin = sla / MINUTE_MS;
  if (timings.firstResponseMs === null) {
    prescore.push(
      currentWait !== null && currentWait > sla
        ? { key: 'first_response', value: 0, max: 1, confidence: 'high', evidence: { code: 'waiting', params: { minutes: Math.round(currentWait / MINUTE_MS), sla: slaMin } } }
        : { key: 'first_response', value: 'na', max: 1, confidence: 'high', evidence: { code: 'no_response_due', params: {} } },
    );
  } else {
    const m = Math.round(timings.firstResponseMs / MINUTE_MS);
    prescore.push({ key: 'first_response', value: timings.firstResponseMs <= sla ? 1 : 0, max: 1, confidence: 'high', evidence: { code: 'first_response', params: { minutes: m, sla: slaMin } } });
  }
  const later = timings.gapsMs.slice(1);
  if (!later.length) {
    prescore.push({ key: 'response_times', value: 'na', max: 2, confidence: 'high', evidence: { code: 'no_follow_up', params: {} } });
  } else {
    const worstLater = Math.max(...later);
    prescore.push({
      key: 'response_times',
      value: worstLater <= sla ? 2 : worstLater <= 2 * sla ? 1 : 0,
      max: 2,
      confidence: 'high',
      evidence: { code: 'follow_up', params: { worst: Math.round(worstLater / MINUTE_MS), sla: slaMin } },
    });
  }

  return {
    messages: signals,
    timings,
    flags,
    prescore,
    sentiment: { count: levels.length, mean, min: minLevel, last: levels.length ? levels[levels.length - 1]! : null },
    redFlagIds,
    complianceRules,
    recalls,
    transfers,
  };
}

/** The suggestion for one form question, scaled to its own max (null when the question has no auto key). */
export function suggestionFor(question: { auto?: AutoKey | undefined; max: number; allowNa: boolean }, prescore: readonly PreScore[]): number | 'na' | null {
  if (!question.auto) return null;
  const p = prescore.find((x) => x.key === question.auto);
  if (!p) return null;
  if (p.value === 'na') return question.allowNa ? 'na' : question.max;
  return Math.round((p.value / p.max) * question.max);
}

/** The agent a conversation is scored for: the assignee, else whoever wrote most replies. */
export function agentOf(c: Pick<ConvInput, 'assigneeId' | 'messages'>): string | null {
  if (c.assigneeId) return c.assigneeId;
  const counts = new Map<string, number>();
  for (const m of c.messages) if (isStaffReply(m) && m.authorId) counts.set(m.authorId, (counts.get(m.authorId) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

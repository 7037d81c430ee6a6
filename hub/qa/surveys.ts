import { ulid } from 'ulid';
import { z } from 'zod';
import type { Channel } from '../../shared/domain/types';
import { csatOf, DAY_MS, DEFAULT_SURVEY_SETTINGS, npsOf, planSurveys, surveyResultsBy, surveySettingsSchema, type Resolution, type SurveyKind, type SurveyResultsView, type SurveySettings } from '../../shared/supervisor';
import { appendAudit } from '../audit/audit';
import type { HubContext } from '../app/context';
import type { AuthContext } from '../auth/service';
import type { StoreReader, StoreTx } from '../store/store';
import type { SurveyRecordRow } from '../store/qa';
import { QaError, QaErrorCode } from './errors';
import { QA_META } from './service';
import { parseSurveyScore, SURVEY_CONTENT_TYPE, SURVEY_SCALES } from './survey-wording';
import { startPeriodic, type Periodic } from '../app/periodic';

export { SURVEY_SCALES } from './survey-wording';

/**
 * Sends one survey to a patient on a channel. The hub's own implementation is
 * `ChannelSurveySender` (hub/qa/channel-sender.ts): the survey becomes a message in
 * the conversation, handed to the channel adapter like a staff reply (the web
 * chat shows it as a rating card). The hub only decides what to send when and
 * records the outcome. Resolve `{ok:false}` for a refusal the sender understood
 * (no route, consent changed, a channel that cannot carry a survey); throwing
 * counts as a transient failure and is retried (`SURVEY_MAX_ATTEMPTS` attempts).
 */
export interface SurveySender {
  send(req: {
    surveyId: string;
    kind: SurveyKind;
    conversationId: string;
    contactId: string;
    channel: Channel;
    scale: { min: number; max: number };
    /** 1 for the first try; the last is `maxAttempts` (a transient failure then is final). */
    attempt: number;
    maxAttempts: number;
  }): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export const SURVEY_MAX_ATTEMPTS = 3;
const MAX_ATTEMPTS = SURVEY_MAX_ATTEMPTS;

/** How long after it was sent a survey takes the patient's answer (`surveys.answerWindowHours` in hub.json, default 7 days). */
export function answerWindowMs(ctx: Pick<HubContext, 'config'>): number {
  return ctx.config.surveys.answerWindowHours * 3_600_000;
}

export async function readSurveySettings(r: StoreReader): Promise<SurveySettings> {
  const raw = await r.getMeta(QA_META.surveySettings);
  if (!raw) return DEFAULT_SURVEY_SETTINGS;
  const parsed = surveySettingsSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : DEFAULT_SURVEY_SETTINGS;
}

export async function writeSurveySettings(ctx: HubContext, auth: AuthContext, input: unknown): Promise<SurveySettings> {
  const parsed = z.object({ settings: surveySettingsSchema }).strict().safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 300));
  await ctx.store.write(async (tx) => {
    await tx.setMeta(QA_META.surveySettings, JSON.stringify(parsed.data.settings));
    await appendAudit(tx, { at: ctx.now(), userId: auth.userId, workstationId: auth.workstationId, action: 'survey.settings', objectType: 'qa', objectId: null, outcome: 'ok', detail: parsed.data.settings });
  });
  return parsed.data.settings;
}

function consentOn(ids: { channel: string; consent: 'granted' | 'withdrawn' | 'unknown' }[], channel: string): Resolution['consent'] {
  const same = ids.filter((i) => i.channel === channel);
  if (same.some((i) => i.consent === 'withdrawn')) return 'withdrawn';
  if (same.some((i) => i.consent === 'granted')) return 'granted';
  return 'unknown';
}

export interface TickOutcome {
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
}

/**
 * One scheduler round at `now`: plan (shared/supervisor planSurveys) from the
 * resolutions of the last 8 days, record skips, record and send what is due
 * (each send outside the write transaction), and retry earlier failures.
 */
export async function runSurveyTick(ctx: HubContext, sender: SurveySender): Promise<TickOutcome> {
  const now = ctx.now();
  const input = await ctx.store.read(async (r) => {
    const settings = await readSurveySettings(r);
    const changes = await r.resolutionsSince(now - 8 * DAY_MS);
    const contactIds = [...new Set(changes.map((c) => c.data.contactId))];
    const identities = await r.identitiesOfContacts(contactIds);
    const current = new Map<string, string>();
    for (const c of changes) current.set(c.data.id, (await r.getConversation(c.data.id))?.status ?? 'resolved');
    const resolutions: Resolution[] = changes.map((c) => ({
      conversationId: c.data.id,
      contactId: c.data.contactId,
      channel: c.data.channel,
      resolvedAt: c.at,
      // Reopened since? Then this resolution is not the last word.
      stillResolved: current.get(c.data.id) === 'resolved' && !changes.some((x) => x.data.id === c.data.id && x.at > c.at),
      agentId: c.data.assigneeId,
      teamId: c.data.teamId,
      consent: consentOn(identities.filter((i) => i.contactId === c.data.contactId), c.data.channel),
    }));
    const existing = [...new Map([...(await r.surveyRecordsSince(now - 100 * DAY_MS)), ...(await r.surveyRecordsOfContacts(contactIds))].map((x) => [x.id, x])).values()];
    return { settings, resolutions, existing };
  });
  const plan = planSurveys(now, input.resolutions, input.existing, input.settings);

  const due = await ctx.store.write(async (tx) => {
    const rec = (p: (typeof plan.send)[number], status: SurveyRecordRow['status'], reason: string | null): SurveyRecordRow => ({
      id: ulid(now),
      kind: p.kind,
      conversationId: p.conversationId,
      contactId: p.contactId,
      channel: p.channel,
      agentId: p.agentId,
      teamId: p.teamId,
      resolvedAt: p.resolvedAt,
      dueAt: p.dueAt,
      status,
      reason,
      attempts: 0,
      sentAt: null,
      score: null,
      comment: null,
      answeredAt: null,
      createdAt: now,
      updatedAt: now,
    });
    for (const s of plan.skip) {
      const r = rec(s, 'skipped', s.reason);
      await tx.insertSurveyRecord(r);
      await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'survey.skip', objectType: 'conversation', objectId: s.conversationId, outcome: 'ok', detail: { surveyId: r.id, kind: s.kind, reason: s.reason } });
    }
    for (const s of plan.send) await tx.insertSurveyRecord(rec(s, 'pending', null));
    // Everything pending now: the new ones and earlier transient failures.
    return (await tx.surveyRecordsSince(now - 8 * DAY_MS)).filter((x) => x.status === 'pending' && x.attempts < MAX_ATTEMPTS);
  });

  const out: TickOutcome = { sent: 0, failed: 0, skipped: plan.skip.length, pending: 0 };
  for (const rec of due) {
    let result: { ok: true } | { ok: false; reason: string };
    let transient = false;
    try {
      result = await sender.send({ surveyId: rec.id, kind: rec.kind, conversationId: rec.conversationId, contactId: rec.contactId, channel: rec.channel, scale: SURVEY_SCALES[rec.kind], attempt: rec.attempts + 1, maxAttempts: MAX_ATTEMPTS });
    } catch (e) {
      transient = true;
      result = { ok: false, reason: e instanceof Error ? e.message.slice(0, 200) : 'send failed' };
    }
    const attempts = rec.attempts + 1;
    const status: SurveyRecordRow['status'] = result.ok ? 'sent' : transient && attempts < MAX_ATTEMPTS ? 'pending' : 'failed';
    await ctx.store.write(async (tx) => {
      const at = ctx.now();
      await tx.updateSurveyRecord(rec.id, { status, attempts, updatedAt: at, ...(result.ok ? { sentAt: at } : { reason: result.reason }) });
      await appendAudit(tx, { at, userId: null, workstationId: null, action: 'survey.send', objectType: 'conversation', objectId: rec.conversationId, outcome: result.ok ? 'ok' : 'error', detail: { surveyId: rec.id, kind: rec.kind, channel: rec.channel, ...(result.ok ? {} : { reason: result.reason }) } });
    });
    if (status === 'sent') out.sent++;
    else if (status === 'failed') out.failed++;
    else out.pending++;
  }
  return out;
}

/** One tick now with `tick()` (ticks never overlap: a tick asked for while one runs answers that one). */
export type SurveyScheduler = Periodic<TickOutcome>;

/**
 * Runs `runSurveyTick` every `intervalMs` (default 60 s). Started by createHub
 * (`surveys.enabled`, `surveys.tickSeconds` in hub.json) and stopped before the
 * channels on shutdown. The timer is unref'd: it never keeps a process alive.
 */
export function startSurveyScheduler(ctx: HubContext, sender: SurveySender, opts: { intervalMs?: number } = {}): SurveyScheduler {
  return startPeriodic(() => runSurveyTick(ctx, sender), {
    intervalMs: opts.intervalMs ?? 60_000,
    onResult: (out) => {
      if (out.sent || out.failed || out.pending) ctx.log.info({ surveys: out }, 'survey tick');
    },
    onError: (e) => ctx.log.warn({ err: e }, 'survey tick failed'),
  });
}

/**
 * Records the patient's answer (the inbound pipeline for a reply on the channel,
 * or a supervisor entering a phone answer). Scores outside the survey's scale are
 * refused; a second answer replaces the first (the patient changed their mind).
 * A survey its channel could not carry (`channel_unsupported`, e.g. a phone call)
 * still takes an answer entered by staff.
 */
export async function recordSurveyAnswer(ctx: HubContext, surveyId: string, answer: { score: number; comment?: string | null }, by: { userId: string | null; workstationId: string | null } = { userId: null, workstationId: null }): Promise<SurveyRecordRow> {
  return ctx.store.write(async (tx) => {
    const rec = await tx.getSurveyRecord(surveyId);
    if (!rec) throw new QaError(QaErrorCode.notFound, `Survey ${surveyId} not found`);
    const askedByStaff = by.userId !== null && rec.status === 'failed' && rec.reason === 'channel_unsupported';
    if (rec.status !== 'sent' && rec.status !== 'answered' && !askedByStaff) throw new QaError(QaErrorCode.invalidState, `Survey ${surveyId} is ${rec.status}`);
    const scale = SURVEY_SCALES[rec.kind];
    if (!Number.isInteger(answer.score) || answer.score < scale.min || answer.score > scale.max) throw new QaError(QaErrorCode.badRequest, `Score must be ${scale.min}–${scale.max}`);
    return recordSurveyAnswerIn(tx, rec, answer, { ...by, now: ctx.now() });
  });
}

/** Writes an answer (already checked against the scale) inside the caller's transaction, with its audit record. */
export async function recordSurveyAnswerIn(
  tx: StoreTx,
  rec: SurveyRecordRow,
  answer: { score: number; comment?: string | null },
  by: { userId: string | null; workstationId: string | null; now: number; detail?: Record<string, unknown> },
): Promise<SurveyRecordRow> {
  const now = by.now;
  const patch = { status: 'answered' as const, score: answer.score, comment: answer.comment?.slice(0, 2000) ?? null, answeredAt: now, updatedAt: now };
  await tx.updateSurveyRecord(rec.id, patch);
  await appendAudit(tx, { at: now, userId: by.userId, workstationId: by.workstationId, action: 'survey.answer', objectType: 'conversation', objectId: rec.conversationId, outcome: 'ok', detail: { surveyId: rec.id, kind: rec.kind, score: answer.score, ...by.detail } });
  return { ...rec, ...patch };
}

/**
 * Is this survey still taking answers at `now`? Sent within the window — also when
 * already answered: a later answer replaces the first (the patient changed their mind).
 */
export function surveyIsOpen(rec: SurveyRecordRow, now: number, windowMs: number): boolean {
  return (rec.status === 'sent' || rec.status === 'answered') && rec.sentAt !== null && rec.sentAt >= now - windowMs;
}

/** The survey a patient's reply on this channel most likely answers: the latest still open. */
export async function openSurveyIn(r: StoreReader, contactId: string, channel: Channel, now: number, windowMs: number): Promise<SurveyRecordRow | null> {
  return (await r.surveyRecordsOfContacts([contactId])).filter((x) => x.channel === channel && surveyIsOpen(x, now, windowMs)).sort((a, b) => (b.sentAt ?? 0) - (a.sentAt ?? 0))[0] ?? null;
}

/** The survey a patient's reply on this channel most likely answers (the latest sent within the answer window). */
export async function openSurveyFor(ctx: HubContext, contactId: string, channel: Channel): Promise<SurveyRecordRow | null> {
  const now = ctx.now();
  return ctx.store.read((r) => openSurveyIn(r, contactId, channel, now, answerWindowMs(ctx)));
}

/**
 * Does this inbound patient message answer an open survey? `explicit`: the survey
 * and score the web-chat rating card named (it must be this patient's, on this
 * channel, open, and the score on its scale); otherwise the text must be a bare
 * score (`parseSurveyScore`) on the scale of the patient's latest open survey, and
 * the survey must be the last thing said to them in its conversation (a number
 * after a later staff or bot message — "回复 1 挂号" — answers that, not the survey).
 */
export async function surveyAnswerOf(
  r: StoreReader,
  q: { contactId: string; channel: Channel; text: string; explicit: { surveyId: string; score: number } | null; now: number; windowMs: number },
): Promise<{ survey: SurveyRecordRow; score: number } | null> {
  if (q.explicit) {
    const rec = await r.getSurveyRecord(q.explicit.surveyId);
    if (!rec || rec.contactId !== q.contactId || rec.channel !== q.channel || !surveyIsOpen(rec, q.now, q.windowMs)) return null;
    const scale = SURVEY_SCALES[rec.kind];
    const score = q.explicit.score;
    return Number.isInteger(score) && score >= scale.min && score <= scale.max ? { survey: rec, score } : null;
  }
  const open = await openSurveyIn(r, q.contactId, q.channel, q.now, q.windowMs);
  if (!open) return null;
  const score = parseSurveyScore(q.text, SURVEY_SCALES[open.kind]);
  if (score === null) return null;
  const since = open.sentAt ?? 0;
  const askedSince = (await r.lastMessages(open.conversationId, 50)).some((m) => m.direction === 'outbound' && m.recalledAt === null && m.contentType !== SURVEY_CONTENT_TYPE && m.createdAt > since);
  return askedSince ? null : { survey: open, score };
}

/** What the web-chat rating card shows for a survey message. */
export interface SurveyCard {
  id: string;
  kind: SurveyKind;
  min: number;
  max: number;
  /** The patient's answer, once given. */
  score: number | null;
  /** Still taking answers (being sent, or sent within the window). */
  open: boolean;
}

/** The rating card of a survey (null for an unknown id). */
export async function surveyCardOf(r: StoreReader, surveyId: string | null, now: number, windowMs: number): Promise<SurveyCard | null> {
  if (!surveyId) return null;
  const rec = await r.getSurveyRecord(surveyId);
  if (!rec) return null;
  const scale = SURVEY_SCALES[rec.kind];
  return { id: rec.id, kind: rec.kind, min: scale.min, max: scale.max, score: rec.status === 'answered' ? rec.score : null, open: rec.status === 'pending' || (rec.status === 'sent' && surveyIsOpen(rec, now, windowMs)) };
}

/** CSAT/NPS of the supervisor's teams over the last `days` days, grouped. */
export async function surveyResults(ctx: HubContext, auth: AuthContext, q: { groupBy: 'agent' | 'team' | 'channel'; days: number }): Promise<SurveyResultsView> {
  const since = ctx.now() - q.days * DAY_MS;
  const { rows, users, teams } = await ctx.store.read(async (r) => ({
    rows: (await r.surveyRecordsSince(since)).filter((x) => x.teamId !== null && auth.teamIds.includes(x.teamId)),
    users: new Map((await r.listUsers()).map((u) => [u.id, u.displayName])),
    teams: new Map((await r.listTeams()).map((t) => [t.id, t.name])),
  }));
  const answered = rows.filter((x) => x.status === 'answered');
  const groups = surveyResultsBy(answered, q.groupBy).map((g) => ({
    ...g,
    label: q.groupBy === 'agent' ? (users.get(g.key) ?? g.key) : q.groupBy === 'team' ? (teams.get(g.key) ?? g.key) : g.key,
  }));
  const count = (s: SurveyRecordRow['status']) => rows.filter((x) => x.status === s).length;
  return {
    groupBy: q.groupBy,
    groups,
    overall: { csat: csatOf(answered.filter((x) => x.kind === 'csat').map((x) => x.score!)), nps: npsOf(answered.filter((x) => x.kind === 'nps').map((x) => x.score!)) },
    counts: { pending: count('pending'), sent: count('sent'), answered: count('answered'), skipped: count('skipped'), failed: count('failed') },
  };
}

import { ulid } from 'ulid';
import { z } from 'zod';
import type { Channel } from '../../shared/domain/types';
import { csatOf, DAY_MS, DEFAULT_SURVEY_SETTINGS, npsOf, planSurveys, surveyResultsBy, surveySettingsSchema, type Resolution, type SurveyKind, type SurveyResultsView, type SurveySettings } from '../../shared/supervisor';
import { appendAudit } from '../audit/audit';
import type { HubContext } from '../app/context';
import type { AuthContext } from '../auth/service';
import type { StoreReader } from '../store/store';
import type { SurveyRecordRow } from '../store/qa';
import { QaError, QaErrorCode } from './errors';
import { QA_META } from './service';

/**
 * Sends one survey to a patient on a channel. The channel adapters implement it
 * (a WeChat template message, an SMS with a short link, the web-chat widget's
 * rating card …); the hub only decides what to send when and records the outcome.
 * Resolve `{ok:false}` for a refusal the adapter understood (no route, consent
 * changed); throwing counts as a transient failure and is retried (3 attempts).
 */
export interface SurveySender {
  send(req: { surveyId: string; kind: SurveyKind; conversationId: string; contactId: string; channel: Channel; scale: { min: number; max: number } }): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export const SURVEY_SCALES: Record<SurveyKind, { min: number; max: number }> = { csat: { min: 1, max: 5 }, nps: { min: 0, max: 10 } };
const MAX_ATTEMPTS = 3;

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
      result = await sender.send({ surveyId: rec.id, kind: rec.kind, conversationId: rec.conversationId, contactId: rec.contactId, channel: rec.channel, scale: SURVEY_SCALES[rec.kind] });
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

/** Runs `runSurveyTick` every `intervalMs` (default 60 s). For the hub's start-up code. */
export function startSurveyScheduler(ctx: HubContext, sender: SurveySender, opts: { intervalMs?: number } = {}): { stop(): void; tick(): Promise<TickOutcome> } {
  let running: Promise<TickOutcome> | null = null;
  const tick = () => {
    running ??= runSurveyTick(ctx, sender).finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    tick().catch((e: unknown) => ctx.log.warn({ err: e }, 'survey tick failed'));
  }, opts.intervalMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}

/**
 * Records the patient's answer (called by a channel adapter, or by a supervisor
 * entering a phone answer). Scores outside the survey's scale are refused; a
 * second answer replaces the first (the patient changed their mind).
 */
export async function recordSurveyAnswer(ctx: HubContext, surveyId: string, answer: { score: number; comment?: string | null }, by: { userId: string | null; workstationId: string | null } = { userId: null, workstationId: null }): Promise<SurveyRecordRow> {
  return ctx.store.write(async (tx) => {
    const rec = await tx.getSurveyRecord(surveyId);
    if (!rec) throw new QaError(QaErrorCode.notFound, `Survey ${surveyId} not found`);
    if (rec.status !== 'sent' && rec.status !== 'answered') throw new QaError(QaErrorCode.invalidState, `Survey ${surveyId} is ${rec.status}`);
    const scale = SURVEY_SCALES[rec.kind];
    if (!Number.isInteger(answer.score) || answer.score < scale.min || answer.score > scale.max) throw new QaError(QaErrorCode.badRequest, `Score must be ${scale.min}–${scale.max}`);
    const now = ctx.now();
    const patch = { status: 'answered' as const, score: answer.score, comment: answer.comment?.slice(0, 2000) ?? null, answeredAt: now, updatedAt: now };
    await tx.updateSurveyRecord(surveyId, patch);
    await appendAudit(tx, { at: now, userId: by.userId, workstationId: by.workstationId, action: 'survey.answer', objectType: 'conversation', objectId: rec.conversationId, outcome: 'ok', detail: { surveyId, kind: rec.kind, score: answer.score } });
    return { ...rec, ...patch };
  });
}

/** The survey a patient's reply on this channel most likely answers (the latest sent in 7 days), for channel adapters. */
export async function openSurveyFor(ctx: HubContext, contactId: string, channel: Channel): Promise<SurveyRecordRow | null> {
  const now = ctx.now();
  return ctx.store.read(async (r) => (await r.surveyRecordsOfContacts([contactId])).filter((x) => x.channel === channel && x.status === 'sent' && (x.sentAt ?? 0) >= now - 7 * DAY_MS).sort((a, b) => (b.sentAt ?? 0) - (a.sentAt ?? 0))[0] ?? null);
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

import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { z } from 'zod';
import type { Language } from '../../shared/domain/types';
import { knowledgeItemSchema } from '../../shared/engine';
import { isSupervisorRole } from '../../shared/sync/rules';
import {
  agentOf,
  analyseConversation,
  compareReviews,
  DAY_MS,
  DEFAULT_QA_FORM,
  detectSurges,
  buildDashboard,
  isBotMessage,
  conversationTimings,
  periodRange,
  qaAnswerSchema,
  qaFormDraftSchema,
  qaFormSchema,
  questionsOf,
  sampleConversations,
  ScoringError,
  suggestionFor,
  toCsv,
  topicCache,
  validateSubmission,
  weekKey,
  type DashboardView,
  type PreScore,
  type QaAnswer,
  type QaForm,
  type QaFormDraft,
  type QaReviewView,
  type ReviewDetail,
} from '../../shared/supervisor';
import { appendAudit, auditNow } from '../audit/audit';
import type { HubContext } from '../app/context';
import type { AuthContext } from '../auth/service';
import type { StoreReader, StoreTx } from '../store/store';
import type { QaDisputeRow, QaReviewRow, QaReviewStatus } from '../store/qa';
import { publishKnowledgeItem } from '../sync/ingest';
import { QaError, QaErrorCode } from './errors';
import { loadConversations, loadConversationsByIds, type LoadedConversation } from './load';
import { SURVEY_CONTENT_TYPE } from './survey-wording';
import type { PresenceSource } from './presence';

export const QA_META = {
  activeForm: 'qa.active_form',
  samplingSeed: 'qa.sampling_seed',
  sampling: 'qa.sampling',
  surveySettings: 'qa.survey_settings',
} as const;

export const DEFAULT_SAMPLING_PERCENT = 10;

// ---- access ------------------------------------------------------------------

/** Supervisor views are for supervisors and admins; anyone else gets 403 (and an audit record). */
export async function requireSupervisor(ctx: HubContext, auth: AuthContext, what: string): Promise<void> {
  if (isSupervisorRole(auth.role)) return;
  await auditNow(ctx.store, { at: ctx.now(), userId: auth.userId, workstationId: auth.workstationId, action: 'qa.access', objectType: 'qa', objectId: what, outcome: 'denied', detail: { role: auth.role } });
  throw new QaError(QaErrorCode.forbidden, 'Supervisor or admin role required');
}

const inTeams = (auth: AuthContext, teamId: string | null) => teamId !== null && auth.teamIds.includes(teamId);

// ---- forms -------------------------------------------------------------------

function parseForm(row: { id: string; version: number; name: unknown; sections: unknown; createdAt: number; createdBy: string }): QaForm {
  return qaFormSchema.parse(row);
}

const defaultFormRow = (now: number): QaForm => ({ ...qaFormDraftSchema.parse(DEFAULT_QA_FORM), version: 1, createdAt: now, createdBy: 'system' });

/** All versions (oldest first); the built-in default as version 1 when nothing was saved yet. */
export async function listForms(ctx: HubContext, r: StoreReader): Promise<{ forms: QaForm[]; activeId: string }> {
  const rows = await r.listQaForms();
  const forms = rows.length ? rows.map(parseForm) : [defaultFormRow(0)];
  return { forms, activeId: (await r.getMeta(QA_META.activeForm)) ?? DEFAULT_QA_FORM.id };
}

function latest(forms: readonly QaForm[], id: string): QaForm | null {
  return forms.filter((f) => f.id === id).sort((a, b) => b.version - a.version)[0] ?? null;
}

async function formVersion(r: StoreReader, id: string, version: number): Promise<QaForm> {
  const rows = await r.listQaForms();
  const row = rows.find((f) => f.id === id && f.version === version);
  if (row) return parseForm(row);
  if (id === DEFAULT_QA_FORM.id && version === 1) return defaultFormRow(0);
  throw new QaError(QaErrorCode.notFound, `Form ${id} v${version} not found`);
}

/** The form new reviews use; writes the built-in default as v1 the first time. */
async function ensureActiveForm(tx: StoreTx, now: number): Promise<QaForm> {
  const rows = await tx.listQaForms();
  if (!rows.length) {
    const f = defaultFormRow(now);
    await tx.insertQaForm({ id: f.id, version: 1, name: f.name, sections: f.sections, createdAt: now, createdBy: 'system' });
    return f;
  }
  const forms = rows.map(parseForm);
  const active = (await tx.getMeta(QA_META.activeForm)) ?? DEFAULT_QA_FORM.id;
  return latest(forms, active) ?? latest(forms, forms[forms.length - 1]!.id)!;
}

export async function saveForm(ctx: HubContext, auth: AuthContext, input: unknown): Promise<QaForm> {
  const parsed = z.object({ form: qaFormDraftSchema, activate: z.boolean().default(true) }).strict().safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 500));
  const draft: QaFormDraft = parsed.data.form;
  return ctx.store.write(async (tx) => {
    const now = ctx.now();
    await ensureActiveForm(tx, now);
    const version = Math.max(0, ...(await tx.listQaForms()).filter((f) => f.id === draft.id).map((f) => f.version)) + 1;
    await tx.insertQaForm({ id: draft.id, version, name: draft.name, sections: draft.sections, createdAt: now, createdBy: auth.userId });
    if (parsed.data.activate) await tx.setMeta(QA_META.activeForm, draft.id);
    await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.form.save', objectType: 'qa_form', objectId: `${draft.id}@${version}`, outcome: 'ok' });
    return { ...draft, version, createdAt: now, createdBy: auth.userId };
  });
}

// ---- views ---------------------------------------------------------------------

interface Names {
  users: Map<string, string>;
  conversations: Map<string, { contactName: string; channel: QaReviewView['channel'] }>;
}

async function namesFor(r: StoreReader, conversationIds: readonly string[]): Promise<Names> {
  const users = new Map((await r.listUsers()).map((u) => [u.id, u.displayName]));
  const convs = new Map<string, { contactName: string; channel: QaReviewView['channel'] }>();
  const rows = [];
  for (const id of new Set(conversationIds)) {
    const c = await r.getConversation(id);
    if (c) rows.push(c);
  }
  const contacts = new Map((await r.contactsByIds([...new Set(rows.map((c) => c.contactId))])).map((c) => [c.id, c.displayName]));
  for (const c of rows) convs.set(c.id, { contactName: contacts.get(c.contactId) ?? '—', channel: c.channel });
  return { users, conversations: convs };
}

function reviewView(row: QaReviewRow, names: Names, dispute: QaDisputeRow | null): QaReviewView {
  const conv = names.conversations.get(row.conversationId);
  return {
    id: row.id,
    conversationId: row.conversationId,
    contactName: conv?.contactName ?? '—',
    channel: conv?.channel ?? 'webchat',
    agentId: row.agentId,
    agentName: row.agentId ? (names.users.get(row.agentId) ?? row.agentId) : '—',
    teamId: row.teamId,
    reviewerId: row.reviewerId,
    reviewerName: row.reviewerId ? (names.users.get(row.reviewerId) ?? row.reviewerId) : '',
    formId: row.formId,
    formVersion: row.formVersion,
    status: row.status,
    source: row.source,
    period: row.period,
    flags: row.flags as QaReviewView['flags'],
    prescore: row.prescore as QaReviewView['prescore'],
    answers: row.answers as QaAnswer[],
    score: row.score,
    autoFailed: row.autoFailed,
    comment: row.comment,
    createdAt: row.createdAt,
    submittedAt: row.submittedAt,
    dispute: dispute ? { id: dispute.id, reason: dispute.reason, status: dispute.status, response: dispute.response, previousScore: dispute.previousScore, createdAt: dispute.createdAt, resolvedAt: dispute.resolvedAt, resolvedBy: dispute.resolvedBy } : null,
  };
}

async function viewsOf(r: StoreReader, rows: readonly QaReviewRow[]): Promise<QaReviewView[]> {
  const names = await namesFor(r, rows.map((x) => x.conversationId));
  const disputes = await r.disputesOf(rows.map((x) => x.id));
  const lastDispute = new Map<string, QaDisputeRow>();
  for (const d of disputes) lastDispute.set(d.reviewId, d);
  return rows.map((x) => reviewView(x, names, lastDispute.get(x.id) ?? null));
}

// ---- queue ---------------------------------------------------------------------

const fillInput = z
  .object({
    period: z.string().max(16).optional(),
    percent: z.number().min(0).max(100).optional(),
  })
  .strict();

/**
 * Fills the review queue for a period (default: this week) from the supervisor's
 * teams: every conversation with a staff reply in the period is a candidate; each
 * agent's sample is drawn with the hub's seed (reproducible), and every candidate
 * with a flag (red flag, compliance hit, strongly negative sentiment, long wait,
 * recall) is queued as well. Conversations already queued for the period are skipped.
 */
export async function fillQueue(ctx: HubContext, auth: AuthContext, input: unknown): Promise<{ period: string; considered: number; sampled: number; flagged: number; created: number }> {
  const parsed = fillInput.safeParse(input ?? {});
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 300));
  const now = ctx.now();
  const period = parsed.data.period ?? weekKey(now);
  const range = periodRange(period);
  if (!range) throw new QaError(QaErrorCode.badRequest, `Unknown period ${period} (use 2025-W10, 2025-03 or 2025-03-07)`);

  const { loaded, samplingPercent } = await ctx.store.read(async (r) => {
    const convs = await r.conversationsOfTeams(auth.teamIds, range.start);
    const sampling = JSON.parse((await r.getMeta(QA_META.sampling)) ?? '{}') as { percent?: number };
    return { loaded: await loadConversations(r, convs), samplingPercent: sampling.percent };
  });
  const candidates: { conv: LoadedConversation; agentId: string }[] = [];
  for (const conv of loaded.values()) {
    const replied = conv.messages.some((m) => m.direction === 'outbound' && m.recalledAt === null && m.createdAt >= range.start && m.createdAt < range.end);
    const agentId = agentOf(conv);
    if (replied && agentId) candidates.push({ conv, agentId });
  }
  // The engine runs outside the write transaction (it must not hold the single writer).
  const analysed = new Map(candidates.map((c) => [c.conv.id, analyseConversation(c.conv, { now })]));
  const percent = parsed.data.percent ?? samplingPercent ?? DEFAULT_SAMPLING_PERCENT;

  return ctx.store.write(async (tx) => {
    let seed = await tx.getMeta(QA_META.samplingSeed);
    if (!seed) {
      seed = randomBytes(16).toString('hex');
      await tx.setMeta(QA_META.samplingSeed, seed);
    }
    if (parsed.data.percent !== undefined) await tx.setMeta(QA_META.sampling, JSON.stringify({ percent }));
    const sampled = new Set(sampleConversations(candidates.map((c) => ({ conversationId: c.conv.id, agentId: c.agentId })), { percent, seed, period }));
    const form = await ensureActiveForm(tx, now);
    let created = 0;
    let flagged = 0;
    for (const c of candidates) {
      const a = analysed.get(c.conv.id)!;
      const isFlagged = a.flags.length > 0;
      if (isFlagged) flagged++;
      if (!isFlagged && !sampled.has(c.conv.id)) continue;
      const existing = (await tx.listQaReviews({ conversationId: c.conv.id, period })).filter((x) => x.source !== 'calibration');
      if (existing.length) continue;
      await tx.insertQaReview({
        id: ulid(now),
        conversationId: c.conv.id,
        agentId: c.agentId,
        teamId: c.conv.teamId,
        reviewerId: null,
        formId: form.id,
        formVersion: form.version,
        status: 'queued',
        source: isFlagged ? 'flag' : 'sample',
        period,
        flags: a.flags,
        prescore: a.prescore,
        answers: [],
        score: null,
        autoFailed: false,
        comment: '',
        createdAt: now,
        updatedAt: now,
        submittedAt: null,
      });
      created++;
    }
    await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.queue.fill', objectType: 'qa', objectId: period, outcome: 'ok', detail: { percent, considered: candidates.length, sampled: sampled.size, flagged, created } });
    return { period, considered: candidates.length, sampled: sampled.size, flagged, created };
  });
}

const statusFilter: Record<string, QaReviewStatus[] | undefined> = {
  queued: ['queued'],
  done: ['submitted', 'upheld', 'revised'],
  disputed: ['disputed'],
  all: undefined,
};

/** Reviews of the supervisor's teams (newest first). */
export async function listReviews(ctx: HubContext, auth: AuthContext, status: string | undefined): Promise<QaReviewView[]> {
  const statuses = statusFilter[status ?? 'all'];
  return ctx.store.read(async (r) => (await viewsOf(r, await r.listQaReviews({ teamIds: auth.teamIds, ...(statuses ? { statuses } : {}) }))).reverse());
}

/** The signed-in person's own reviews (scored ones only; calibration runs are between reviewers). */
export async function myReviews(ctx: HubContext, auth: AuthContext): Promise<QaReviewView[]> {
  return ctx.store.read(async (r) => (await viewsOf(r, (await r.listQaReviews({ agentId: auth.userId })).filter((x) => x.status !== 'queued' && x.source !== 'calibration'))).reverse());
}

async function reviewFor(r: StoreReader, auth: AuthContext, id: string, as: 'supervisor' | 'agent' | 'either'): Promise<QaReviewRow> {
  const row = await r.getQaReview(id);
  const supervisorOk = row && isSupervisorRole(auth.role) && inTeams(auth, row.teamId);
  const agentOk = row && row.agentId === auth.userId && row.status !== 'queued' && row.source !== 'calibration';
  const ok = as === 'supervisor' ? supervisorOk : as === 'agent' ? agentOk : supervisorOk || agentOk;
  if (!row || !ok) throw new QaError(QaErrorCode.notFound, `Review ${id} not found`);
  return row;
}

/** One review with its form version, the conversation as the engine reads it, and (for supervisors) the other reviews of it. Audited as an opened conversation. */
export async function reviewDetail(ctx: HubContext, auth: AuthContext, id: string): Promise<ReviewDetail> {
  const now = ctx.now();
  const { row, form, conv, others } = await ctx.store.read(async (r) => {
    const row = await reviewFor(r, auth, id, 'either');
    const form = await formVersion(r, row.formId, row.formVersion);
    const conv = (await loadConversationsByIds(r, [row.conversationId])).get(row.conversationId);
    if (!conv) throw new QaError(QaErrorCode.notFound, `Conversation ${row.conversationId} not found`);
    const siblings = isSupervisorRole(auth.role) ? (await r.listQaReviews({ conversationId: row.conversationId })).filter((x) => x.id !== row.id) : [];
    return { row, form, conv, others: await viewsOf(r, siblings) };
  });
  const a = analyseConversation(conv, { now });
  await auditNow(ctx.store, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.review.open', objectType: 'conversation', objectId: row.conversationId, outcome: 'ok', detail: { reviewId: row.id } });
  const view = await ctx.store.read(async (r) => (await viewsOf(r, [row]))[0]!);
  const signals = new Map(a.messages.map((s) => [s.id, s]));
  return {
    review: row.status === 'queued' ? { ...view, prescore: a.prescore } : view,
    form,
    conversation: {
      id: conv.id,
      contactName: conv.contactName,
      channel: conv.channel,
      status: conv.status,
      priority: conv.priority,
      transfers: a.transfers,
      timings: a.timings,
      messages: conv.messages.map((m) => {
        const s = signals.get(m.id);
        return {
          id: m.id,
          direction: m.direction,
          authorName: m.authorName,
          body: m.body,
          createdAt: m.createdAt,
          recalledAt: m.recalledAt,
          deviceAlert: s?.deviceAlert ?? false,
          level: s?.level ?? null,
          redFlags: s?.redFlags.map((f) => f.id) ?? [],
          compliance: s?.compliance.map((h) => h.ruleId) ?? [],
        };
      }),
    },
    others,
  };
}

const submitInput = z.object({ answers: z.array(qaAnswerSchema.omit({ auto: true })).max(60), comment: z.string().max(4000).default('') }).strict();

/** Server-side suggestions: the client's idea of the pre-score is never trusted. */
function withSuggestions(form: QaForm, prescore: readonly PreScore[], answers: readonly Omit<QaAnswer, 'auto'>[]): QaAnswer[] {
  const qs = new Map(questionsOf(form).map((q) => [q.id, q]));
  return answers.map((a) => {
    const q = qs.get(a.questionId);
    return { ...a, auto: q ? suggestionFor(q, prescore) : null };
  });
}

function scoringError(e: unknown): never {
  if (e instanceof ScoringError) {
    if (e.code === 'missing') throw new QaError(QaErrorCode.incomplete, `Question ${e.questionId} has no answer`, { questionId: e.questionId });
    if (e.code === 'comment_required') throw new QaError(QaErrorCode.commentRequired, `Overriding the suggestion for ${e.questionId} needs a comment`, { questionId: e.questionId });
    throw new QaError(QaErrorCode.badRequest, e.message, { questionId: e.questionId });
  }
  throw e;
}

async function freshPrescore(ctx: HubContext, conversationId: string): Promise<PreScore[]> {
  const conv = await ctx.store.read(async (r) => (await loadConversationsByIds(r, [conversationId])).get(conversationId));
  if (!conv) throw new QaError(QaErrorCode.notFound, `Conversation ${conversationId} not found`);
  return analyseConversation(conv, { now: ctx.now() }).prescore;
}

/** Scores a queued review: every question answered, every override of a suggestion explained. */
export async function submitReview(ctx: HubContext, auth: AuthContext, id: string, input: unknown): Promise<QaReviewView> {
  const parsed = submitInput.safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 500));
  const pre = await ctx.store.read((r) => reviewFor(r, auth, id, 'supervisor'));
  const prescore = await freshPrescore(ctx, pre.conversationId);
  const row = await ctx.store.write(async (tx) => {
    const row = await reviewFor(tx, auth, id, 'supervisor');
    if (row.status !== 'queued') throw new QaError(QaErrorCode.invalidState, `Review ${id} is ${row.status}`);
    if (row.source === 'calibration' && row.reviewerId !== auth.userId) throw new QaError(QaErrorCode.forbidden, 'This calibration review belongs to another reviewer');
    const form = await formVersion(tx, row.formId, row.formVersion);
    const answers = withSuggestions(form, prescore, parsed.data.answers);
    let score;
    try {
      score = validateSubmission(form, answers);
    } catch (e) {
      scoringError(e);
    }
    const now = ctx.now();
    const patch = { status: 'submitted' as const, reviewerId: auth.userId, answers, prescore, score: score.score, autoFailed: score.autoFailed, comment: parsed.data.comment, submittedAt: now, updatedAt: now };
    await tx.updateQaReview(id, patch);
    await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.review.submit', objectType: 'qa_review', objectId: id, outcome: 'ok', detail: { conversationId: row.conversationId, score: score.score, autoFailed: score.autoFailed, overrides: answers.filter((a) => a.auto !== null && a.auto !== a.value).length } });
    return { ...row, ...patch };
  });
  return ctx.store.read(async (r) => (await viewsOf(r, [row]))[0]!);
}

/** The agent disputes their own scored review (once). */
export async function disputeReview(ctx: HubContext, auth: AuthContext, id: string, input: unknown): Promise<QaReviewView> {
  const parsed = z.object({ reason: z.string().trim().min(1).max(2000) }).strict().safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, 'A reason (1–2000 characters) is required');
  const row = await ctx.store.write(async (tx) => {
    const row = await reviewFor(tx, auth, id, 'agent');
    if (row.status !== 'submitted') throw new QaError(QaErrorCode.invalidState, `Review ${id} is ${row.status}: only a scored, undisputed review can be disputed`);
    const now = ctx.now();
    await tx.insertQaDispute({ id: ulid(now), reviewId: id, agentId: auth.userId, reason: parsed.data.reason, status: 'open', response: '', previousScore: row.score, createdAt: now, resolvedAt: null, resolvedBy: null });
    await tx.updateQaReview(id, { status: 'disputed', updatedAt: now });
    await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.review.dispute', objectType: 'qa_review', objectId: id, outcome: 'ok' });
    return { ...row, status: 'disputed' as const, updatedAt: now };
  });
  return ctx.store.read(async (r) => (await viewsOf(r, [row]))[0]!);
}

const resolveInput = z
  .object({
    outcome: z.enum(['upheld', 'revised']),
    response: z.string().trim().min(1).max(2000),
    answers: z.array(qaAnswerSchema.omit({ auto: true })).max(60).optional(),
  })
  .strict();

/** A supervisor answers a dispute: the score stands (upheld) or is re-scored (revised). */
export async function resolveDispute(ctx: HubContext, auth: AuthContext, id: string, input: unknown): Promise<QaReviewView> {
  const parsed = resolveInput.safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 500));
  if (parsed.data.outcome === 'revised' && !parsed.data.answers) throw new QaError(QaErrorCode.badRequest, 'A revision needs the new answers');
  const row = await ctx.store.write(async (tx) => {
    const row = await reviewFor(tx, auth, id, 'supervisor');
    if (row.status !== 'disputed') throw new QaError(QaErrorCode.invalidState, `Review ${id} is not disputed`);
    const dispute = (await tx.disputesOf([id])).filter((d) => d.status === 'open').pop();
    if (!dispute) throw new QaError(QaErrorCode.invalidState, `Review ${id} has no open dispute`);
    const now = ctx.now();
    let patch: Partial<QaReviewRow> = { status: parsed.data.outcome, updatedAt: now };
    if (parsed.data.outcome === 'revised') {
      const form = await formVersion(tx, row.formId, row.formVersion);
      const answers = withSuggestions(form, row.prescore as PreScore[], parsed.data.answers!);
      let score;
      try {
        score = validateSubmission(form, answers);
      } catch (e) {
        scoringError(e);
      }
      patch = { ...patch, answers, score: score.score, autoFailed: score.autoFailed };
    }
    await tx.updateQaReview(id, patch);
    await tx.updateQaDispute(dispute.id, { status: parsed.data.outcome, response: parsed.data.response, resolvedAt: now, resolvedBy: auth.userId });
    await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.review.resolve', objectType: 'qa_review', objectId: id, outcome: 'ok', detail: { outcome: parsed.data.outcome, previousScore: row.score, score: patch.score ?? row.score } });
    return { ...row, ...patch };
  });
  return ctx.store.read(async (r) => (await viewsOf(r, [row]))[0]!);
}

// ---- calibration -----------------------------------------------------------------

/** Queues a calibration review of a conversation for the calling reviewer (one per reviewer). */
export async function startCalibration(ctx: HubContext, auth: AuthContext, input: unknown): Promise<QaReviewView> {
  const parsed = z.object({ conversationId: z.string().min(1).max(64) }).strict().safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, 'conversationId required');
  const { conversationId } = parsed.data;
  const conv = await ctx.store.read(async (r) => (await loadConversationsByIds(r, [conversationId])).get(conversationId));
  if (!conv || !inTeams(auth, conv.teamId)) throw new QaError(QaErrorCode.notFound, `Conversation ${conversationId} not found`);
  const a = analyseConversation(conv, { now: ctx.now() });
  const row = await ctx.store.write(async (tx) => {
    const mine = (await tx.listQaReviews({ conversationId })).filter((x) => x.reviewerId === auth.userId);
    if (mine.length) throw new QaError(QaErrorCode.duplicate, 'You already reviewed this conversation', { reviewId: mine[0]!.id });
    const now = ctx.now();
    const form = await ensureActiveForm(tx, now);
    const row: QaReviewRow = {
      id: ulid(now),
      conversationId,
      agentId: agentOf(conv),
      teamId: conv.teamId,
      reviewerId: auth.userId,
      formId: form.id,
      formVersion: form.version,
      status: 'queued',
      source: 'calibration',
      period: weekKey(now),
      flags: a.flags,
      prescore: a.prescore,
      answers: [],
      score: null,
      autoFailed: false,
      comment: '',
      createdAt: now,
      updatedAt: now,
      submittedAt: null,
    };
    await tx.insertQaReview(row);
    await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.calibration.start', objectType: 'conversation', objectId: conversationId, outcome: 'ok', detail: { reviewId: row.id } });
    return row;
  });
  return ctx.store.read(async (r) => (await viewsOf(r, [row]))[0]!);
}

/** Every scored review of one conversation, compared pairwise (same form version only). */
export async function calibration(ctx: HubContext, auth: AuthContext, conversationId: string) {
  return ctx.store.read(async (r) => {
    const conv = await r.getConversation(conversationId);
    if (!conv || !inTeams(auth, conv.teamId)) throw new QaError(QaErrorCode.notFound, `Conversation ${conversationId} not found`);
    const rows = (await r.listQaReviews({ conversationId })).filter((x) => x.status !== 'queued' && x.reviewerId);
    const views = await viewsOf(r, rows);
    const forms = new Map<string, QaForm>();
    for (const x of rows) if (!forms.has(`${x.formId}@${x.formVersion}`)) forms.set(`${x.formId}@${x.formVersion}`, await formVersion(r, x.formId, x.formVersion));
    const pairs = [];
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        const a = rows[i]!;
        const b = rows[j]!;
        if (a.formId !== b.formId || a.formVersion !== b.formVersion) continue;
        const c = compareReviews(forms.get(`${a.formId}@${a.formVersion}`)!, a.answers as QaAnswer[], b.answers as QaAnswer[]);
        pairs.push({ a: a.id, b: b.id, agreement: c.agreement, delta: c.delta, rows: c.rows });
      }
    }
    const first = rows[0];
    return {
      conversationId,
      form: first ? forms.get(`${first.formId}@${first.formVersion}`)! : null,
      reviews: views.map((v) => ({ reviewId: v.id, reviewerName: v.reviewerName, score: v.score, formVersion: v.formVersion })),
      pairs,
    };
  });
}

// ---- export --------------------------------------------------------------------

const HEAD: Record<Language, string[]> = {
  'zh-CN': ['质检编号', '周期', '会话', '渠道', '坐席', '团队', '质检员', '表单', '版本', '来源', '状态', '标记', '得分', '一票否决', '提交时间', '申诉', '评语', '改判说明'],
  en: ['Review', 'Period', 'Conversation', 'Channel', 'Agent', 'Team', 'Reviewer', 'Form', 'Version', 'Source', 'Status', 'Flags', 'Score', 'Auto-failed', 'Submitted', 'Dispute', 'Comment', 'Override notes'],
};

const iso = (at: number | null) => (at === null ? '' : new Date(at + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 16));

/**
 * Scored reviews of the supervisor's teams as CSV for Excel (BOM, CRLF, quoting,
 * formula guard). One column per question of the active form (points or N/A).
 * No patient names: the conversation id identifies the case (minimum necessary).
 */
export async function exportCsv(ctx: HubContext, auth: AuthContext, q: { from?: number; to?: number; lang?: Language }): Promise<{ filename: string; csv: string; rows: number }> {
  const lang = q.lang ?? 'zh-CN';
  const now = ctx.now();
  const out = await ctx.store.read(async (r) => {
    const rows = (await r.listQaReviews({ teamIds: auth.teamIds, statuses: ['submitted', 'disputed', 'upheld', 'revised'] })).filter((x) => (x.submittedAt ?? 0) >= (q.from ?? 0) && (x.submittedAt ?? 0) <= (q.to ?? Number.MAX_SAFE_INTEGER));
    const views = await viewsOf(r, rows);
    const { forms, activeId } = await listForms(ctx, r);
    const teams = new Map((await r.listTeams()).map((t) => [t.id, t.name]));
    return { views, form: latest(forms, activeId), teams };
  });
  const questions = out.form ? questionsOf(out.form) : [];
  const header = [...HEAD[lang], ...questions.map((x) => (lang === 'en' ? (x.title.en ?? x.title['zh-CN']) : x.title['zh-CN']))];
  const body = out.views.map((v) => [
    v.id,
    v.period,
    v.conversationId,
    v.channel,
    v.agentName,
    v.teamId ? (out.teams.get(v.teamId) ?? v.teamId) : '',
    v.reviewerName,
    v.formId,
    v.formVersion,
    v.source,
    v.status,
    v.flags.map((f) => f.kind).join(' '),
    v.score,
    v.autoFailed,
    iso(v.submittedAt),
    v.dispute ? `${v.dispute.status}: ${v.dispute.reason}` : '',
    v.comment,
    v.answers
      .filter((a) => a.comment.trim())
      .map((a) => `${a.questionId}: ${a.comment}`)
      .join('; '),
    ...questions.map((x) => {
      if (v.formId !== out.form!.id || v.formVersion !== out.form!.version) return '';
      const a = v.answers.find((y) => y.questionId === x.id);
      return a ? (a.value === 'na' ? 'N/A' : `${a.value}/${x.max}`) : '';
    }),
  ]);
  await auditNow(ctx.store, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.export', objectType: 'qa', objectId: null, outcome: 'ok', detail: { rows: body.length } });
  return { filename: `qa-reviews-${iso(now).slice(0, 10)}.csv`, csv: toCsv(header, body), rows: body.length };
}

// ---- dashboard -------------------------------------------------------------------

const topics = topicCache();
/** hub/routing's default bot-to-human handoff tag. */
export const BOT_HANDOFF_TAG = '转人工';

/** The live dashboard of the supervisor's teams (see shared/supervisor/dashboard.ts for the rules). */
export async function dashboard(ctx: HubContext, auth: AuthContext, presence: PresenceSource | null): Promise<DashboardView> {
  const now = ctx.now();
  const data = await ctx.store.read(async (r) => {
    const teams = (await r.listTeams()).filter((t) => auth.teamIds.includes(t.id));
    const users = (await r.listUsersWithTeams()).filter((u) => u.teamIds.some((t) => auth.teamIds.includes(t)));
    const convs = await r.conversationsOfTeams(auth.teamIds, now - DAY_MS);
    const messages = await r.messagesOfConversations(convs.map((c) => c.id));
    return { teams, users, convs, messages, lastActivity: await r.lastActivityByUser(), inbound: await r.inboundSince(auth.teamIds, now - 8 * DAY_MS), pushes: await r.knowledgePushesSince(now - 2 * DAY_MS) };
  });
  const byConv = new Map<string, typeof data.messages>();
  // A survey the hub sent after resolution is nobody's reply.
  for (const m of data.messages) if (m.contentType !== SURVEY_CONTENT_TYPE) byConv.set(m.conversationId, [...(byConv.get(m.conversationId) ?? []), m]);
  const conversations = data.convs.map((c) => {
    const msgs = byConv.get(c.id) ?? [];
    const firstBot = msgs.find(isBotMessage);
    // The router tags a conversation it hands from the bot to a person (hub/routing botHandoff).
    const handedOff = c.tags.includes(BOT_HANDOFF_TAG);
    return {
      id: c.id,
      teamId: c.teamId,
      assigneeId: c.assigneeId,
      status: c.status,
      priority: c.priority,
      channel: c.channel,
      waitingSince: conversationTimings({ channel: c.channel, status: c.status, messages: msgs }).waitingSince,
      botHandled: handedOff || (!!firstBot && firstBot.createdAt >= now - DAY_MS),
      humanAfterBot: handedOff || (!!firstBot && msgs.some((m) => m.direction === 'outbound' && !isBotMessage(m) && m.createdAt > firstBot.createdAt)),
      lastMessageAt: c.lastMessageAt,
    };
  });
  const d = buildDashboard({
    now,
    teams: data.teams.map((t) => ({ id: t.id, name: t.name })),
    users: data.users.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role, teamIds: u.teamIds.filter((t) => auth.teamIds.includes(t)), disabled: u.disabled })),
    conversations,
    connected: presence ? presence.connected() : null,
    lastActivity: data.lastActivity,
    surges: detectSurges(
      data.inbound.map((m) => ({ conversationId: m.conversationId, at: m.createdAt, body: m.body })),
      { now, topics },
    ),
  });
  return { ...d, pushed: data.pushes.map((p) => ({ topicId: p.topicId, at: p.at, items: p.itemIds.length })) };
}

// ---- knowledge pack, audit of opened conversations ---------------------------------

const publishInput = z.object({ topicId: z.string().min(1).max(64), items: z.array(z.unknown()).min(1).max(50) }).strict();

/** Publishes knowledge items to every workstation (through the change log) for a surging topic. */
export async function publishPack(ctx: HubContext, auth: AuthContext, input: unknown): Promise<{ published: string[] }> {
  const parsed = publishInput.safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 300));
  const items = parsed.data.items.map((raw, i) => {
    const it = knowledgeItemSchema.safeParse(raw);
    if (!it.success) throw new QaError(QaErrorCode.badRequest, `items.${i}: ${it.error.issues[0]?.message ?? 'invalid knowledge item'}`);
    return { raw, item: it.data };
  });
  const published = await ctx.store.write(async (tx) => {
    const now = ctx.now();
    const meta = { at: now, actorId: auth.userId };
    for (const { raw, item } of items) await publishKnowledgeItem(tx, { id: item.id, lang: 'zh-CN', title: item.title['zh-CN'], body: raw, updatedAt: now }, meta);
    await tx.insertKnowledgePush({ id: ulid(now), topicId: parsed.data.topicId, itemIds: items.map((x) => x.item.id), at: now, by: auth.userId });
    await appendAudit(tx, { at: now, userId: auth.userId, workstationId: auth.workstationId, action: 'qa.knowledge.push', objectType: 'topic', objectId: parsed.data.topicId, outcome: 'ok', detail: { items: items.map((x) => x.item.id) } });
    return items.map((x) => x.item.id);
  });
  ctx.notifier.advanced(); // after the commit: workstations pull the new items
  return { published };
}

const openInput = z
  .object({
    items: z
      .array(z.object({ conversationId: z.string().min(1).max(64), view: z.string().min(1).max(32), at: z.number().int().nonnegative() }).strict())
      .min(1)
      .max(200),
  })
  .strict();

/**
 * Records that a supervisor opened conversations in a workstation view computed
 * from their replica (sentiment timeline …). Offline opens are recorded on the
 * workstation and sent later; `at` is when it happened there.
 */
export async function auditOpened(ctx: HubContext, auth: AuthContext, input: unknown): Promise<{ recorded: number }> {
  const parsed = openInput.safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 300));
  return ctx.store.write(async (tx) => {
    let recorded = 0;
    for (const it of parsed.data.items) {
      const conv = await tx.getConversation(it.conversationId);
      const ok = !!conv && inTeams(auth, conv.teamId);
      await appendAudit(tx, { at: ctx.now(), userId: auth.userId, workstationId: auth.workstationId, action: 'qa.conversation.open', objectType: 'conversation', objectId: it.conversationId, outcome: ok ? 'ok' : 'denied', detail: { view: it.view, openedAt: it.at } });
      if (ok) recorded++;
    }
    return { recorded };
  });
}

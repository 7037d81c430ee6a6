import { z } from 'zod';
import { aggregateUsage, DAY_MS } from '../../shared/engine/feedback/aggregate';
import type { KnowledgeItemStatus } from '../../shared/sync/entities';
import { isSupervisorRole } from '../../shared/sync/rules';
import { appendAudit, auditNow } from '../audit/audit';
import type { AuthContext } from '../auth/service';
import { QaError, QaErrorCode } from '../qa/errors';
import type { KnowledgeReviewRow, KnowledgeReviewStatus } from '../store/knowledge';
import type { HubStore } from '../store/store';
import { putKnowledgeRow, readRetirementSettings, RETIREMENT_META_KEY, retirementSettingsSchema, type RetirementSettings } from './publish';

/**
 * The supervisor side of the knowledge loop: usage counts per item, the review
 * queue of items retired by feedback, and the decisions on it. Same access rule
 * as the QA routes: supervisor or admin (refusals audited), usage counted over
 * the caller's teams only. Every decision is audited and published to replicas.
 */

export interface KnowledgeServiceDeps {
  store: HubStore;
  now: () => number;
  notify: () => void;
}

export async function requireKnowledgeSupervisor(deps: KnowledgeServiceDeps, auth: AuthContext, what: string, adminOnly = false): Promise<void> {
  if (adminOnly ? auth.role === 'admin' : isSupervisorRole(auth.role)) return;
  await auditNow(deps.store, { at: deps.now(), userId: auth.userId, workstationId: auth.workstationId, action: 'knowledge.access', objectType: 'knowledge', objectId: what, outcome: 'denied', detail: { role: auth.role } });
  throw new QaError(QaErrorCode.forbidden, adminOnly ? 'Admin role required' : 'Supervisor or admin role required');
}

export interface ItemUsage {
  itemId: string;
  title: string | null;
  status: KnowledgeItemStatus | null;
  shown: number;
  inserted: number;
  copied: number;
  dismissed: number;
  useful: number;
  useless: number;
  uselessUsers: number;
  lastAt: number;
}

/** Card events of the last `days` days by members of the caller's teams (and the caller), per item. */
export async function knowledgeUsage(deps: KnowledgeServiceDeps, auth: AuthContext, days: number): Promise<{ since: number; teamIds: string[]; items: ItemUsage[] }> {
  const since = deps.now() - days * DAY_MS;
  return deps.store.read(async (r) => {
    const members = new Set([auth.userId]);
    for (const u of await r.listUsersWithTeams()) if (u.teamIds.some((t) => auth.teamIds.includes(t))) members.add(u.id);
    const events = await r.knowledgeFeedbackSince(since, [...members]);
    const items = new Map((await r.listKnowledgeItems()).map((k) => [k.id, k]));
    const usage = aggregateUsage(events).map((u) => {
      const k = items.get(u.itemId);
      return { ...u, title: k?.title ?? null, status: k ? (k.status ?? 'active') : null };
    });
    return { since, teamIds: [...auth.teamIds].sort(), items: usage };
  });
}

export interface ReviewEntry extends KnowledgeReviewRow {
  title: string | null;
  itemStatus: KnowledgeItemStatus | null;
}

export const reviewFilterSchema = z.enum(['pending', 'confirmed', 'restored', 'all']);

export async function reviewQueue(deps: KnowledgeServiceDeps, status: z.infer<typeof reviewFilterSchema>): Promise<{ items: ReviewEntry[]; settings: RetirementSettings }> {
  const statuses: KnowledgeReviewStatus[] = status === 'all' ? ['pending', 'confirmed', 'restored'] : [status];
  return deps.store.read(async (r) => {
    const items = new Map((await r.listKnowledgeItems()).map((k) => [k.id, k]));
    const rows = await r.listKnowledgeReviews(statuses);
    return {
      items: rows.map((row) => {
        const k = items.get(row.itemId);
        return { ...row, title: k?.title ?? null, itemStatus: k ? (k.status ?? 'active') : null };
      }),
      settings: await readRetirementSettings(r),
    };
  });
}

export const decisionSchema = z.strictObject({ decision: z.enum(['restore', 'confirm']), comment: z.string().max(2000).optional() });

/**
 * `confirm`: the retirement stands (the item stays retired everywhere; one that came
 * back meanwhile, e.g. removed from the files and added again, is retired again).
 * `restore`: the item is suggested again — published to replicas as active — and
 * its useless count starts afresh from now. A confirmed retirement can still be
 * restored later; only a pending one can be confirmed.
 */
export async function decideReview(deps: KnowledgeServiceDeps, auth: AuthContext, itemId: string, input: unknown): Promise<{ itemId: string; review: KnowledgeReviewStatus; itemStatus: KnowledgeItemStatus; seq: number }> {
  const parsed = decisionSchema.safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 300));
  const { decision, comment = '' } = parsed.data;
  const out = await deps.store.write(async (tx) => {
    const now = deps.now();
    const review = await tx.latestKnowledgeReview(itemId);
    if (!review) throw new QaError(QaErrorCode.notFound, `No review for knowledge item ${itemId}`);
    const allowed = decision === 'confirm' ? review.status === 'pending' : review.status !== 'restored';
    if (!allowed) throw new QaError(QaErrorCode.invalidState, `Cannot ${decision} a review that is ${review.status}`, { status: review.status });
    const item = await tx.getKnowledgeItem(itemId);
    const status = decision === 'confirm' ? 'confirmed' : 'restored';
    await tx.updateKnowledgeReview(review.id, { status, decidedBy: auth.userId, decidedAt: now, comment });
    let seq = 0;
    let itemStatus: KnowledgeItemStatus = item?.status ?? 'removed';
    // An item removed from the files meanwhile stays removed either way.
    const target = decision === 'restore' ? 'active' : 'retired';
    if (item && item.status !== 'removed' && item.status !== target) {
      seq = await putKnowledgeRow(tx, { ...item, status: target, updatedAt: now }, { at: now, actorId: auth.userId });
      itemStatus = target;
    }
    await appendAudit(tx, {
      at: now,
      userId: auth.userId,
      workstationId: auth.workstationId,
      action: decision === 'confirm' ? 'knowledge.confirm_retirement' : 'knowledge.restore',
      objectType: 'knowledge_item',
      objectId: itemId,
      outcome: 'ok',
      detail: { reviewId: review.id, previous: review.status, seq, comment: comment.length > 0 },
    });
    return { itemId, review: status as KnowledgeReviewStatus, itemStatus, seq };
  });
  if (out.seq > 0) deps.notify();
  return out;
}

export async function writeRetirementSettings(deps: KnowledgeServiceDeps, auth: AuthContext | null, input: unknown): Promise<RetirementSettings> {
  const parsed = retirementSettingsSchema.safeParse(input);
  if (!parsed.success) throw new QaError(QaErrorCode.badRequest, z.prettifyError(parsed.error).slice(0, 300));
  return deps.store.write(async (tx) => {
    const before = await readRetirementSettings(tx);
    if (JSON.stringify(before) === JSON.stringify(parsed.data) && (await tx.getMeta(RETIREMENT_META_KEY)) !== null) return before;
    await tx.setMeta(RETIREMENT_META_KEY, JSON.stringify(parsed.data));
    await appendAudit(tx, {
      at: deps.now(),
      userId: auth?.userId ?? null,
      workstationId: auth?.workstationId ?? null,
      action: 'knowledge.settings',
      objectType: 'knowledge',
      objectId: RETIREMENT_META_KEY,
      outcome: 'ok',
      detail: { before, after: parsed.data },
    });
    return parsed.data;
  });
}

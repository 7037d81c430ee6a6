import { ulid } from 'ulid';
import { judgeRetirement } from '../../../shared/engine/feedback/aggregate';
import { appendAudit } from '../../audit/audit';
import { putKnowledgeRow, readRetirementSettings, ruleOf } from '../../knowledge/publish';
import type { Applier } from './types';

/**
 * `knowledge.feedback`: one card event (shown / inserted / useful / useless),
 * stored once per mutation id with the HUB's time. A `useless` vote may retire
 * the item: when the votes of the last window (default 7 days, since the last
 * restore) reach the threshold (default ≥ 3 different users or ≥ 5 marks), the
 * item goes to the review queue and is published to every replica as `retired`
 * — in this same transaction, so the vote, the retirement, its change row and
 * both audit records commit together. Only items the hub publishes can be
 * retired (a hub without a knowledge directory only counts).
 */
export const knowledgeFeedback: Applier<'knowledge.feedback'> = async (c, args) => {
  const object = { type: 'knowledge_item', id: args.itemId };
  await c.tx.insertKnowledgeFeedback({
    id: c.meta.mutationId ?? ulid(c.now),
    itemId: args.itemId,
    kind: args.kind,
    userId: c.auth.userId,
    workstationId: c.auth.workstationId,
    conversationId: args.conversationId ?? null,
    at: c.now,
  });
  if (args.kind !== 'useless') return { result: { seq: 0, acceptedAt: c.now, retired: false }, object };

  const item = await c.tx.getKnowledgeItem(args.itemId);
  if (!item || (item.status ?? 'active') !== 'active') return { result: { seq: 0, acceptedAt: c.now, retired: false }, object };
  const settings = await readRetirementSettings(c.tx);
  const rule = ruleOf(settings);
  const last = await c.tx.latestKnowledgeReview(args.itemId);
  const since = last?.status === 'restored' ? last.decidedAt : null;
  const events = await c.tx.knowledgeFeedbackOf(args.itemId, c.now - rule.windowMs);
  const verdict = judgeRetirement(events, c.now, rule, since);
  if (!verdict.retire) return { result: { seq: 0, acceptedAt: c.now, retired: false }, object };

  const reviewId = ulid(c.now);
  await c.tx.insertKnowledgeReview({
    id: reviewId,
    itemId: item.id,
    status: 'pending',
    reason: verdict.reason!,
    uselessUsers: verdict.uselessUsers,
    uselessMarks: verdict.uselessMarks,
    usefulMarks: verdict.usefulMarks,
    retiredAt: c.now,
    decidedBy: null,
    decidedAt: null,
    comment: '',
  });
  const seq = await putKnowledgeRow(c.tx, { ...item, status: 'retired', updatedAt: c.now }, c.meta);
  await appendAudit(c.tx, {
    at: c.now,
    userId: null,
    workstationId: null,
    action: 'knowledge.retire',
    objectType: 'knowledge_item',
    objectId: item.id,
    outcome: 'ok',
    detail: { reviewId, reason: verdict.reason, uselessUsers: verdict.uselessUsers, uselessMarks: verdict.uselessMarks, usefulMarks: verdict.usefulMarks, rule: settings, triggeredBy: c.meta.mutationId ?? null, seq },
  });
  return { result: { seq, acceptedAt: c.now, retired: true, reviewId }, object };
};

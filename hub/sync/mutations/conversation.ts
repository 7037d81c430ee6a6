import { HubErrorCode } from '../../../shared/sync/errors';
import { canTransition, isSupervisorRole } from '../../../shared/sync/rules';
import type { ConversationRow } from '../../store/types';
import { putConversation } from '../changes';
import { applyScopeChange } from '../scope';
import { Rejection, diff, visibleConversation, type ApplyContext, type Applier, type Applied } from './types';

/**
 * Field updates are last-writer-wins in HUB order (the order mutations reach the
 * hub, not client clocks): the change row carries the new row and, in `prev`,
 * the values it replaced. Setting a field to its current value is applied and
 * writes nothing (`seq: 0`, `changed: false`).
 */
async function setFields(c: ApplyContext, conv: ConversationRow, patch: Partial<ConversationRow>): Promise<Applied> {
  const { prev, next } = diff(conv, patch);
  const object = { type: 'conversation', id: conv.id };
  if (Object.keys(next).length === 0) return { result: { seq: 0, acceptedAt: c.now, changed: false }, object };
  const updated = { ...conv, ...next, updatedAt: c.now };
  await c.tx.updateConversation(conv.id, { ...next, updatedAt: c.now });
  const seq = await putConversation(c.tx, updated, c.meta, prev as Record<string, unknown>);
  return { result: { seq, acceptedAt: c.now, changed: true, prev }, object };
}

/** How long a snooze lasts when the client names no time. */
export const DEFAULT_SNOOZE_MS = 60 * 60_000;

export const conversationSetStatus: Applier<'conversation.setStatus'> = async (c, args) => {
  const conv = await visibleConversation(c, args.conversationId);
  if (!canTransition(conv.status, args.status)) throw new Rejection(HubErrorCode.invalidTransition, `Cannot go from ${conv.status} to ${args.status}`);
  // A snooze ends by itself (hub/sync/snooze.ts); a time already past opens it at the next round.
  const snoozedUntil = args.status === 'snoozed' ? (args.snoozeUntil ?? c.now + DEFAULT_SNOOZE_MS) : null;
  return setFields(c, conv, { status: args.status, snoozedUntil });
};

export const conversationSetPriority: Applier<'conversation.setPriority'> = async (c, args) => {
  const conv = await visibleConversation(c, args.conversationId);
  return setFields(c, conv, { priority: args.priority });
};

export const conversationSetTags: Applier<'conversation.setTags'> = async (c, args) => {
  const conv = await visibleConversation(c, args.conversationId);
  return setFields(c, conv, { tags: [...new Set(args.tags)] });
};

export const conversationMarkRead: Applier<'conversation.markRead'> = async (c, args) => {
  const conv = await visibleConversation(c, args.conversationId);
  return setFields(c, conv, { unreadCount: 0 });
};

/**
 * Assignment rules: the assignee must be an enabled member of the (target) team;
 * only supervisors/admins move a conversation to another team. Whoever gains
 * sight of the conversation gets it whole; whoever loses it gets a revoke.
 */
export const conversationAssign: Applier<'conversation.assign'> = async (c, args) => {
  const conv = await visibleConversation(c, args.conversationId);
  const teamId = args.teamId ?? conv.teamId;
  if (teamId !== conv.teamId) {
    if (!isSupervisorRole(c.auth.role)) throw new Rejection(HubErrorCode.forbidden, 'Only supervisors and admins move conversations between teams');
    if (!teamId || !(await c.tx.getTeam(teamId))) throw new Rejection(HubErrorCode.unknownTeam, `Team ${String(teamId)} does not exist`);
  }
  if (args.assigneeId !== null) {
    const assignee = await c.tx.getUserById(args.assigneeId);
    const teams = assignee ? await c.tx.teamIdsOf(assignee.id) : [];
    if (!assignee || assignee.disabled || teamId === null || !teams.includes(teamId)) {
      throw new Rejection(HubErrorCode.assigneeNotInTeam, `User ${args.assigneeId} is not an active member of team ${String(teamId)}`);
    }
  }
  const { prev, next } = diff(conv, { assigneeId: args.assigneeId, teamId });
  const object = { type: 'conversation', id: conv.id };
  if (Object.keys(next).length === 0) return { result: { seq: 0, acceptedAt: c.now, changed: false }, object };
  const updated = { ...conv, ...next, updatedAt: c.now };
  await c.tx.updateConversation(conv.id, { ...next, updatedAt: c.now });
  const scope = await applyScopeChange(c.tx, conv, updated, c.meta, prev as Record<string, unknown>);
  let seq = scope.seq;
  // Without a snapshot (nobody newly sees it) the conversation row still changes for those who keep it.
  if (!scope.emittedConversation) seq = Math.max(seq, await putConversation(c.tx, updated, c.meta, prev as Record<string, unknown>));
  return { result: { seq, acceptedAt: c.now, changed: true, prev }, object };
};

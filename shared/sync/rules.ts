import type { ConversationStatus } from '../domain/types';
import type { Role } from './entities';

/**
 * Conversation status transitions the hub accepts for `conversation.setStatus`
 * (rows: from, columns: to). Setting the current status again is accepted and
 * changes nothing. A resolved conversation must be reopened before it can be
 * pending or snoozed, so "resolved" is never left silently.
 */
export const statusTransitions: Record<ConversationStatus, readonly ConversationStatus[]> = {
  open: ['pending', 'snoozed', 'resolved'],
  pending: ['open', 'snoozed', 'resolved'],
  snoozed: ['open', 'pending', 'resolved'],
  resolved: ['open'],
};

export function canTransition(from: ConversationStatus, to: ConversationStatus): boolean {
  return from === to || statusTransitions[from].includes(to);
}

/** Status after a staff reply (`message.send`): a reply reopens a resolved conversation. */
export function statusAfterReply(current: ConversationStatus): ConversationStatus {
  return current === 'resolved' ? 'open' : current;
}

export interface ScopeUser {
  id: string;
  role: Role;
  teamIds: readonly string[];
}

export interface ScopeConversation {
  assigneeId: string | null;
  teamId: string | null;
}

export function isSupervisorRole(role: Role): boolean {
  return role === 'supervisor' || role === 'admin';
}

/**
 * THE scope rule (the hub's SQL in hub/store/sqlite/scope-sql.ts must agree; a
 * property test checks it):
 * - everyone sees conversations assigned to them;
 * - agents and nurses also see their teams' unassigned conversations (the queue);
 * - supervisors and admins see every conversation of their teams.
 * Contacts (with identities and readings) are visible when one of their
 * conversations is. Knowledge items, rules, users and teams are visible to all.
 */
export function canSee(user: ScopeUser, c: ScopeConversation): boolean {
  if (c.assigneeId !== null && c.assigneeId === user.id) return true;
  if (c.teamId === null || !user.teamIds.includes(c.teamId)) return false;
  return c.assigneeId === null || isSupervisorRole(user.role);
}

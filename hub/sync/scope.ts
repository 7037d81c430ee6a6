import { canSee, isSupervisorRole, type ScopeConversation } from '../../shared/sync/rules';
import type { AuthContext } from '../auth/service';
import type { StoreTx } from '../store/store';
import type { ConversationRow, ScopeKey } from '../store/types';
import { emitConversationSnapshot, type ChangeMeta } from './changes';

export function scopeKeyOf(auth: Pick<AuthContext, 'userId' | 'role'>): ScopeKey {
  return { userId: auth.userId, supervisor: isSupervisorRole(auth.role) };
}

export function canSeeAs(auth: Pick<AuthContext, 'userId' | 'role' | 'teamIds'>, c: ScopeConversation): boolean {
  return canSee({ id: auth.userId, role: auth.role, teamIds: auth.teamIds }, c);
}

/**
 * After a conversation's assignee or team changed (inside the same transaction):
 * - users who newly see it get the whole conversation again (a scope-refresh
 *   snapshot), so a client that never had it, or dropped it earlier, is complete;
 * - users who no longer see it get a `scope` revoke addressed only to them.
 * Answers the last seq written (0 if nothing).
 */
export async function applyScopeChange(tx: StoreTx, before: ConversationRow, after: ConversationRow, meta: ChangeMeta, prev: Record<string, unknown>): Promise<{ seq: number; emittedConversation: boolean }> {
  const users = (await tx.listUsersWithTeams()).map((u) => ({ id: u.id, role: u.role, teamIds: u.teamIds }));
  const had = new Set(users.filter((u) => canSee(u, before)).map((u) => u.id));
  const has = new Set(users.filter((u) => canSee(u, after)).map((u) => u.id));
  const gained = [...has].filter((id) => !had.has(id));
  const lost = [...had].filter((id) => !has.has(id));
  let seq = 0;
  let emittedConversation = false;
  if (gained.length > 0) {
    seq = await emitConversationSnapshot(tx, after.id, meta, prev);
    emittedConversation = true;
  }
  if (lost.length > 0) {
    const siblings = (await tx.conversationsOfContact(after.contactId)).filter((c) => c.id !== after.id);
    for (const userId of lost) {
      const u = users.find((x) => x.id === userId)!;
      const keepContact = siblings.some((c) => canSee(u, c));
      seq = await tx.appendChange({
        ...meta,
        entity: 'scope',
        entityId: after.id,
        op: 'revoke',
        data: { conversationId: after.id, contactId: after.contactId, keepContact },
        audienceUserId: userId,
      });
    }
  }
  return { seq, emittedConversation };
}

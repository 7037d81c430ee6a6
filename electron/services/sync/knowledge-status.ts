import { like } from 'drizzle-orm';
import type { KnowledgeItemStatus } from '../../../shared/sync/entities';
import * as t from '../../../db/replica/schema';
import type { Replica } from '../replica/open';
import { stmt } from '../replica/statements';

/**
 * The hub's status of a synced knowledge item (retired by the feedback review
 * queue, removed from the hub's knowledge files). Kept in `settings` under
 * `knowledge_status:<id>` because the replica's knowledge_items table has no
 * status column (a replica migration would add one); absent = active.
 */
export const KNOWLEDGE_STATUS_PREFIX = 'knowledge_status:';

export function setKnowledgeStatus(replica: Replica, itemId: string, status: KnowledgeItemStatus): void {
  const key = `${KNOWLEDGE_STATUS_PREFIX}${itemId}`;
  if (status === 'active') {
    stmt(replica.sqlite, 'DELETE FROM settings WHERE key = ?').run(key);
    return;
  }
  replica.db.insert(t.settings).values({ key, value: status }).onConflictDoUpdate({ target: t.settings.key, set: { value: status } }).run();
}

/** Every synced item that is not active, with its status. */
export function knowledgeStatuses(replica: Replica): Map<string, Exclude<KnowledgeItemStatus, 'active'>> {
  const out = new Map<string, Exclude<KnowledgeItemStatus, 'active'>>();
  for (const row of replica.db.select().from(t.settings).where(like(t.settings.key, `${KNOWLEDGE_STATUS_PREFIX}%`)).all()) {
    if (!row.key.startsWith(KNOWLEDGE_STATUS_PREFIX)) continue; // LIKE's `_` matches any character
    if (row.value === 'retired' || row.value === 'removed') out.set(row.key.slice(KNOWLEDGE_STATUS_PREFIX.length), row.value);
  }
  return out;
}

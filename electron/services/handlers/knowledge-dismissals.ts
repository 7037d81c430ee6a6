import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { settings } from '../../../db/replica/schema';
import type { Replica } from '../replica/open';

/**
 * Knowledge cards a user dismissed, per conversation, in the replica's `settings`
 * (one row per user and conversation: `knowledge_dismissed:<userId>:<conversationId>`
 * → `[{ cardId, itemId, at }]`). Local work like drafts: a hub reset keeps it.
 */
export const DISMISSED_PREFIX = 'knowledge_dismissed:';
/** A conversation cannot gather more dismissals than this; the oldest go first. */
const MAX_PER_CONVERSATION = 500;

const entriesSchema = z.array(z.object({ cardId: z.string(), itemId: z.string(), at: z.number() }));
export type Dismissal = z.infer<typeof entriesSchema>[number];

const keyOf = (userId: string, conversationId: string) => `${DISMISSED_PREFIX}${userId}:${conversationId}`;

export function readDismissals(replica: Replica, userId: string, conversationId: string): Dismissal[] {
  const row = replica.db.select().from(settings).where(eq(settings.key, keyOf(userId, conversationId))).get();
  const parsed = entriesSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : [];
}

/** Adds one dismissal (call inside a write transaction). False when the card was already dismissed there. */
export function addDismissal(replica: Replica, userId: string, conversationId: string, entry: Dismissal): boolean {
  const current = readDismissals(replica, userId, conversationId);
  if (current.some((d) => d.cardId === entry.cardId)) return false;
  const value = [...current, entry].slice(-MAX_PER_CONVERSATION);
  replica.db
    .insert(settings)
    .values({ key: keyOf(userId, conversationId), value })
    .onConflictDoUpdate({ target: settings.key, set: { value } })
    .run();
  return true;
}

import { and, eq, inArray, sql } from 'drizzle-orm';
import * as t from '../../../db/replica/schema';
import { SYNC_LIMITS } from '../../../shared/sync/limits';
import type { MutationEnvelope } from '../../../shared/sync/mutations';
import type { MutationResult } from '../../../shared/sync/protocol';
import type { Replica } from '../replica/open';
import { rebaseConversation } from './apply';

/**
 * Takes the next batch of outbox entries (oldest first, by insertion order) and marks
 * them `sending`. Entries left `sending` by a crash are sent again: the hub applies
 * each mutation id once and answers a replay with the same result. `fresh` lists the
 * entries that were still `pending` (never offered to the hub before this batch).
 */
export function takeBatch(replica: Replica, max = SYNC_LIMITS.maxMutationsPerPush): { mutations: MutationEnvelope[]; fresh: string[] } {
  return replica.sqlite
    .transaction(() => {
      const rows = replica.sqlite
        .prepare(`SELECT id, kind, payload, state, created_at AS createdAt FROM outbox WHERE state IN ('pending','sending') ORDER BY rowid LIMIT ?`)
        .all(max) as { id: string; kind: string; payload: string; state: string; createdAt: number }[];
      if (rows.length) {
        replica.db
          .update(t.outbox)
          .set({ state: 'sending', attempts: sql`${t.outbox.attempts} + 1` })
          .where(inArray(t.outbox.id, rows.map((r) => r.id)))
          .run();
      }
      return {
        mutations: rows.map((r) => ({ id: r.id, type: r.kind, args: JSON.parse(r.payload) as unknown, clientTime: r.createdAt })),
        fresh: rows.filter((r) => r.state === 'pending').map((r) => r.id),
      };
    })
    .immediate();
}

/**
 * Puts entries back to `pending` after an attempt that certainly never reached the hub
 * (no connection could be made, or it failed before the request went out). A `pending`
 * reply may still be cancelled by the agent; a `sending` one may already be at the hub
 * and can only be recalled. Entries of an earlier, uncertain attempt stay `sending`.
 */
export function releaseUnsent(replica: Replica, ids: string[]): void {
  if (!ids.length) return;
  replica.db
    .update(t.outbox)
    .set({ state: 'pending' })
    .where(and(inArray(t.outbox.id, ids), eq(t.outbox.state, 'sending')))
    .run();
}

/**
 * Records the hub's answers. Applied → the entry leaves the outbox (the hub's
 * version of the row comes back by pull). Rejected → the entry stays, marked with
 * the reason, and its optimistic effect is rolled back visibly: a rejected reply
 * shows "rejected: <reason>", a rejected field change returns to the hub's value.
 * Nothing is ever dropped silently. One transaction for the whole answer.
 */
export function recordResults(replica: Replica, sent: MutationEnvelope[], results: MutationResult[]): { applied: number; rejected: number } {
  const byId = new Map(sent.map((m) => [m.id, m]));
  let applied = 0;
  let rejected = 0;
  replica.sqlite
    .transaction(() => {
      for (const r of results) {
        const m = byId.get(r.id);
        if (!m) continue;
        const args = (m.args ?? {}) as Record<string, unknown>;
        if (r.status === 'applied') {
          applied++;
          replica.db.delete(t.outbox).where(eq(t.outbox.id, r.id)).run();
          continue;
        }
        rejected++;
        markRejected(replica, m, r.code, r.message, args);
      }
    })
    .immediate();
  return { applied, rejected };
}

export function markRejected(replica: Replica, m: MutationEnvelope, code: string, message: string, args: Record<string, unknown>): void {
  const { db } = replica;
  db.update(t.outbox).set({ state: 'rejected', rejectedCode: code, lastError: message }).where(eq(t.outbox.id, m.id)).run();
  if (m.type === 'message.send' && typeof args.messageId === 'string') {
    db.update(t.messages).set({ deliveryStatus: 'rejected', failureReason: code }).where(eq(t.messages.id, args.messageId)).run();
  }
  if (m.type.startsWith('conversation.') && typeof args.conversationId === 'string') {
    const ev = db.select().from(t.conversationEvents).where(eq(t.conversationEvents.id, m.id)).get();
    if (ev) db.update(t.conversationEvents).set({ detail: { ...ev.detail, rejected: code } }).where(eq(t.conversationEvents.id, m.id)).run();
    rebaseConversation(replica, args.conversationId);
  }
  if (m.type === 'note.add' && typeof args.noteId === 'string' && typeof args.conversationId === 'string') {
    db.insert(t.conversationEvents)
      .values({ id: `${m.id}-rejected`, conversationId: args.conversationId, kind: 'rejected', actorId: null, actorName: null, detail: { mutation: m.type, rejected: code, noteId: args.noteId }, createdAt: Date.now() })
      .onConflictDoNothing()
      .run();
  }
}

/** One entry still waiting (it may have been answered meanwhile), to isolate a bad mutation. */
export function takeOne(replica: Replica, id: string): MutationEnvelope | null {
  const row = replica.sqlite.prepare(`SELECT id, kind, payload, created_at AS createdAt FROM outbox WHERE id = ? AND state IN ('pending','sending')`).get(id) as
    | { id: string; kind: string; payload: string; createdAt: number }
    | undefined;
  return row ? { id: row.id, type: row.kind, args: JSON.parse(row.payload) as unknown, clientTime: row.createdAt } : null;
}

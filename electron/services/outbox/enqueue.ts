import type { ReplicaDb } from '../replica/open';
import { outbox } from '../../../db/replica/schema';

/**
 * Queues one mutation for the hub. Call it inside the same replica transaction as the
 * optimistic local change: both commit or neither does (a crash can never leave a
 * visible change that will not be sent, nor a send the user cannot see).
 * `id` is a client-made ULID; the hub applies each id exactly once.
 */
export function enqueueMutation(db: ReplicaDb, m: { id: string; type: string; args: Record<string, unknown>; at: number }): void {
  db.insert(outbox).values({ id: m.id, kind: m.type, payload: m.args, createdAt: m.at }).run();
}

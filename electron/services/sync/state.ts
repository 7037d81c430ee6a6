import { eq } from 'drizzle-orm';
import { syncState } from '../../../db/replica/schema';
import type { Replica } from '../replica/open';

/** Small typed accessors for the sync_state table (cursor, hub id, tokens, the signed-in user). */
export function readState(replica: Replica, key: string): string | null {
  return replica.db.select().from(syncState).where(eq(syncState.key, key)).get()?.value ?? null;
}

export function writeState(replica: Replica, key: string, value: string | null): void {
  if (value === null) {
    replica.db.delete(syncState).where(eq(syncState.key, key)).run();
    return;
  }
  replica.db.insert(syncState).values({ key, value }).onConflictDoUpdate({ target: syncState.key, set: { value } }).run();
}

export const STATE = {
  cursor: 'cursor',
  hubId: 'hub_id',
  workstationId: 'workstation_id',
  refreshToken: 'refresh_token',
  user: 'user',
  initialDone: 'initial_done',
  lastSyncAt: 'last_sync_at',
} as const;

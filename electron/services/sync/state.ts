import type { Replica } from '../replica/open';
import { stmt } from '../replica/statements';

/**
 * Small typed accessors for the sync_state table (cursor, hub id, tokens, the signed-in
 * user). On statements prepared once: every applied page and live frame reads and writes
 * several keys, and building + preparing the query each time was a fifth of a live apply.
 */
export function readState(replica: Replica, key: string): string | null {
  return (stmt(replica.sqlite, 'SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
}

export function writeState(replica: Replica, key: string, value: string | null): void {
  if (value === null) {
    stmt(replica.sqlite, 'DELETE FROM sync_state WHERE key = ?').run(key);
    return;
  }
  stmt(replica.sqlite, 'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
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

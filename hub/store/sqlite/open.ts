import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from '../../../db/migrate';
import { migrations } from '../../../db/hub/migrations';

/**
 * PRAGMAs of the hub database:
 * - WAL: pulls and health checks read while a push commits; a crash mid-commit
 *   leaves the last committed state.
 * - synchronous=FULL: in WAL mode NORMAL may lose the most recent commits on power
 *   loss. The hub answers "applied" to a workstation only after the commit, and the
 *   workstation then drops the mutation from its outbox, so the commit MUST be on
 *   disk by then: one extra fsync per transaction is the price of that promise.
 * - secure_delete=ON: a recalled message body is overwritten, not left in free pages.
 * - foreign_keys=ON; busy_timeout so the admin CLI (another process) waits for the
 *   hub's write lock instead of failing.
 */
const PRAGMAS = ['journal_mode=WAL', 'synchronous=FULL', 'secure_delete=ON', 'foreign_keys=ON', 'busy_timeout=5000', 'temp_store=MEMORY'];

export function openHubDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  try {
    for (const p of PRAGMAS) sqlite.pragma(p);
    migrate(sqlite, migrations);
  } catch (e) {
    sqlite.close();
    throw e;
  }
  return sqlite;
}

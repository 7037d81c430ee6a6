import type Database from 'better-sqlite3';
import { indexDoc } from './search';
import { stmt } from './statements';

/**
 * Offline search for a replica's first download.
 *
 * Tokenizing a message (CJK unigrams + bigrams) and writing it into FTS5 is over half
 * of what applying a pulled message costs. During the initial sync the replica stores
 * messages and notes WITHOUT indexing them and marks the index as behind; once the
 * download is complete, `backfillSearchStep` indexes what is missing in small
 * transactions while the agent already works. Until then search finds what is indexed
 * so far, and the connection indicator shows how far the index has got.
 *
 * State: `sync_state['search_backfill']` = `{"message":rowid,"note":rowid}` — the last
 * row of each table already looked at — present only while the index is behind. Rows
 * written after the download (live pages, the user's own writes) are indexed when they
 * are written; the backfill skips rows that already have an index entry, and recalled
 * messages (their text is shredded).
 */
export const SEARCH_BACKFILL_KEY = 'search_backfill';

type Watermark = { message: number; note: number };
const KINDS = ['message', 'note'] as const;

const SQL = {
  read: 'SELECT value FROM sync_state WHERE key = ?',
  mark: 'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING',
  write: 'UPDATE sync_state SET value = ? WHERE key = ?',
  clear: 'DELETE FROM sync_state WHERE key = ?',
  rows: {
    message: 'SELECT rowid AS r, id, conversation_id AS conversationId, body FROM messages WHERE rowid > ? AND recalled_at IS NULL ORDER BY rowid LIMIT ?',
    note: 'SELECT rowid AS r, id, conversation_id AS conversationId, body FROM notes WHERE rowid > ? ORDER BY rowid LIMIT ?',
  },
  remaining: {
    message: 'SELECT count(*) AS n FROM messages WHERE rowid > ? AND recalled_at IS NULL',
    note: 'SELECT count(*) AS n FROM notes WHERE rowid > ?',
  },
  indexed: 'SELECT 1 AS x FROM search_docs WHERE kind = ? AND ref_id = ?',
} as const;

function watermark(sqlite: Database.Database): Watermark | null {
  const row = stmt(sqlite, SQL.read).get(SEARCH_BACKFILL_KEY) as { value: string } | undefined;
  if (!row) return null;
  const parsed = JSON.parse(row.value) as Partial<Watermark>;
  return { message: Number(parsed.message ?? 0), note: Number(parsed.note ?? 0) };
}

/** Called inside a page's transaction when it stored messages or notes without indexing them. */
export function markSearchBehind(sqlite: Database.Database): void {
  stmt(sqlite, SQL.mark).run(SEARCH_BACKFILL_KEY, JSON.stringify({ message: 0, note: 0 } satisfies Watermark));
}

export function searchBackfillPending(sqlite: Database.Database): boolean {
  return watermark(sqlite) !== null;
}

/** Messages and notes the backfill has still to look at (for the progress figure). */
export function searchBackfillRemaining(sqlite: Database.Database): number {
  const wm = watermark(sqlite);
  if (!wm) return 0;
  return KINDS.reduce((sum, kind) => sum + (stmt(sqlite, SQL.remaining[kind]).get(wm[kind]) as { n: number }).n, 0);
}

/**
 * Indexes up to `max` rows that lack an index entry, in ONE transaction with the
 * advanced watermark (a crash repeats the step; indexing is idempotent). `looked`
 * counts the rows examined (for progress), `done` is true once nothing is left and
 * the mark is gone.
 */
export function backfillSearchStep(sqlite: Database.Database, max = 500): { looked: number; indexed: number; done: boolean } {
  return sqlite
    .transaction(() => {
      const wm = watermark(sqlite);
      if (!wm) return { looked: 0, indexed: 0, done: true };
      let looked = 0;
      let indexed = 0;
      for (const kind of KINDS) {
        if (looked >= max) break;
        const rows = stmt(sqlite, SQL.rows[kind]).all(wm[kind], max - looked) as { r: number; id: string; conversationId: string; body: string }[];
        for (const row of rows) {
          if (!stmt(sqlite, SQL.indexed).get(kind, row.id)) {
            indexDoc(sqlite, kind, row.id, row.conversationId, row.body);
            indexed++;
          }
          wm[kind] = row.r;
        }
        looked += rows.length;
      }
      if (looked < max) {
        // Both tables are exhausted (a short read means nothing is left past the mark).
        stmt(sqlite, SQL.clear).run(SEARCH_BACKFILL_KEY);
        return { looked, indexed, done: true };
      }
      stmt(sqlite, SQL.write).run(JSON.stringify(wm), SEARCH_BACKFILL_KEY);
      return { looked, indexed, done: false };
    })
    .immediate();
}

import type Database from 'better-sqlite3';
import { indexTerms, matchExpression, normalizeText } from '../../../shared/search/terms';
import { stmt } from './statements';

export type SearchKind = 'message' | 'note' | 'contact';

/**
 * The one place documents enter the offline search index. Every writer of messages,
 * notes and contacts (local handlers, demo seed, sync apply) calls it inside its own
 * transaction, so the index never disagrees with the rows it describes.
 */
export function indexDoc(sqlite: Database.Database, kind: SearchKind, refId: string, conversationId: string | null, text: string): void {
  const existing = stmt(sqlite, 'SELECT rowid FROM search_docs WHERE kind = ? AND ref_id = ?').get(kind, refId) as { rowid: number } | undefined;
  let rowid: number;
  if (existing) {
    rowid = existing.rowid;
    stmt(sqlite, 'DELETE FROM search_fts WHERE rowid = ?').run(rowid);
    stmt(sqlite, 'UPDATE search_docs SET conversation_id = ? WHERE rowid = ?').run(conversationId, rowid);
  } else {
    rowid = Number(stmt(sqlite, 'INSERT INTO search_docs (kind, ref_id, conversation_id) VALUES (?, ?, ?)').run(kind, refId, conversationId).lastInsertRowid);
  }
  stmt(sqlite, 'INSERT INTO search_fts (rowid, terms) VALUES (?, ?)').run(rowid, indexTerms(text));
}

/** Recall and shredding remove the text from the index too. */
export function removeDoc(sqlite: Database.Database, kind: SearchKind, refId: string): void {
  const existing = stmt(sqlite, 'SELECT rowid FROM search_docs WHERE kind = ? AND ref_id = ?').get(kind, refId) as { rowid: number } | undefined;
  if (!existing) return;
  stmt(sqlite, 'DELETE FROM search_fts WHERE rowid = ?').run(existing.rowid);
  stmt(sqlite, 'DELETE FROM search_docs WHERE rowid = ?').run(existing.rowid);
}

const TEXT_OF: Record<SearchKind, string> = {
  message: 'SELECT body AS text FROM messages WHERE id = ? AND recalled_at IS NULL',
  note: 'SELECT body AS text FROM notes WHERE id = ?',
  contact: 'SELECT display_name AS text FROM contacts WHERE id = ?',
};

/**
 * Conversation ids whose messages, notes or contact name contain the query, best
 * first by FTS rank. Phrases of 3+ Han characters are matched by their bigrams and
 * then checked against the text itself, so 胰岛素 does not match 胰岛…岛素 apart.
 */
export function searchConversationIds(sqlite: Database.Database, query: string, limit = 500): string[] {
  const expr = matchExpression(query);
  if (!expr) return [];
  // Han phrases of 3+ characters are matched by bigrams, then verified verbatim.
  const phrases = normalizeText(query).match(/\p{Script=Han}{3,}/gu) ?? [];
  const rows = sqlite
    .prepare(
      `SELECT d.kind AS kind, d.ref_id AS refId, d.conversation_id AS conversationId
         FROM search_fts f JOIN search_docs d ON d.rowid = f.rowid
        WHERE search_fts MATCH ? ORDER BY rank LIMIT ?`,
    )
    .all(expr, limit * 4) as { kind: SearchKind; refId: string; conversationId: string | null }[];
  const contactConversations = sqlite.prepare('SELECT id FROM conversations WHERE contact_id = ?');
  const seen = new Set<string>();
  for (const r of rows) {
    if (phrases.length) {
      const text = (sqlite.prepare(TEXT_OF[r.kind]).get(r.refId) as { text: string } | undefined)?.text;
      const norm = text ? normalizeText(text) : '';
      if (!phrases.every((p) => norm.includes(p))) continue;
    }
    const ids = r.kind === 'contact' ? (contactConversations.all(r.refId) as { id: string }[]).map((x) => x.id) : r.conversationId ? [r.conversationId] : [];
    for (const id of ids) seen.add(id);
    if (seen.size >= limit) break;
  }
  return [...seen];
}

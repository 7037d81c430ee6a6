import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../migrate';
import { migrations } from '.';

/** Migration 0001: workspace tables, SLA/snooze columns, thresholds and the offline search index. */
describe('replica migration 0001_workspace', () => {
  const db = new Database(':memory:');
  migrate(db, migrations.slice(0, 2));
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');

  it('adds the workspace tables and columns', () => {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts_%'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['users', 'teams', 'canned_replies', 'conversation_events', 'knowledge_feedback', 'search_docs', 'search_fts']));
    const conv = (db.prepare('PRAGMA table_info(conversations)').all() as { name: string }[]).map((c) => c.name);
    expect(conv).toEqual(expect.arrayContaining(['sla_due_at', 'snoozed_until']));
    const contacts = db.prepare('PRAGMA table_info(contacts)').all() as { name: string; dflt_value: string }[];
    expect(contacts.find((c) => c.name === 'thresholds')?.dflt_value).toBe("'{}'");
  });

  it('search index: contentless (no second copy of the text) and deletable per row', () => {
    db.prepare("INSERT INTO search_docs (rowid, kind, ref_id, conversation_id) VALUES (1, 'message', 'm1', 'v1')").run();
    db.prepare("INSERT INTO search_fts (rowid, terms) VALUES (1, '血 血糖 糖')").run();
    expect(db.prepare("SELECT rowid FROM search_fts WHERE search_fts MATCH '\"血糖\"'").all()).toEqual([{ rowid: 1 }]);
    expect(db.prepare('SELECT terms FROM search_fts WHERE rowid = 1').get()).toEqual({ terms: null });
    db.prepare('DELETE FROM search_fts WHERE rowid = 1').run();
    expect(db.prepare("SELECT rowid FROM search_fts WHERE search_fts MATCH '\"血糖\"'").all()).toEqual([]);
  });

  it('timeline events and search documents are read by their indexes', () => {
    expect(plan("SELECT * FROM conversation_events WHERE conversation_id = 'v' ORDER BY created_at")).toMatch(/conversation_events_conversation_time/);
    expect(plan("SELECT rowid FROM search_docs WHERE kind = 'message' AND ref_id = 'm'")).toMatch(/search_docs_ref/);
  });
});

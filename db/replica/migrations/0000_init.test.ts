import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../migrate';
import { migrations } from '.';

/** One test per migration: what it creates, and that the hot queries use its indexes. */
describe('replica migration 0000_init', () => {
  const db = new Database(':memory:');
  migrate(db, migrations.slice(0, 1));
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');

  it('creates every replica table', () => {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['audit', 'contact_identities', 'contacts', 'conversations', 'device_readings', 'drafts', 'knowledge_items', 'messages', 'notes', 'outbox', 'settings', 'sync_state']);
  });

  it('keeps consent per channel identity, unique per (channel, external id)', () => {
    const cols = (db.prepare('PRAGMA table_info(contact_identities)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['contact_id', 'channel', 'external_id', 'verified', 'consent', 'consent_updated_at']));
    db.exec("INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES ('c', 'x', 1, 1)");
    db.exec("INSERT INTO contact_identities (id, contact_id, channel, external_id) VALUES ('i1', 'c', 'sms', '+86138')");
    expect(() => db.exec("INSERT INTO contact_identities (id, contact_id, channel, external_id) VALUES ('i2', 'c', 'sms', '+86138')")).toThrow(/UNIQUE/);
  });

  it('the inbox query walks the activity index instead of sorting the table', () => {
    expect(plan('SELECT id FROM conversations ORDER BY last_message_at DESC LIMIT 50')).toMatch(/conversations_inbox/);
    expect(plan("SELECT id FROM conversations WHERE status = 'open' ORDER BY last_message_at DESC LIMIT 50")).toMatch(/conversations_status/);
  });

  it('a conversation timeline reads by (conversation_id, created_at)', () => {
    expect(plan("SELECT * FROM messages WHERE conversation_id = 'v' ORDER BY created_at")).toMatch(/USING INDEX messages_conversation_time/);
    expect(plan("SELECT * FROM notes WHERE conversation_id = 'v' ORDER BY created_at")).toMatch(/USING INDEX notes_conversation_time/);
  });

  it('device readings and the outbox are read by their indexes', () => {
    expect(plan("SELECT * FROM device_readings WHERE contact_id = 'c' AND measured_at > 0")).toMatch(/USING INDEX device_readings_contact_time/);
    expect(plan("SELECT * FROM outbox WHERE state = 'pending' ORDER BY created_at LIMIT 100")).toMatch(/USING INDEX outbox_state_time/);
  });
});

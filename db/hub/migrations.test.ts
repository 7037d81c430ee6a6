import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../migrate';
import { readMigrationsFolder, renderEmbeddedModule } from '../migrations-embed';
import { migrations } from './migrations';

describe('hub migrations', () => {
  it('the embedded module matches the SQL files (run drizzle-kit generate + tsx db/hub/embed-migrations.ts)', () => {
    const dir = fileURLToPath(new URL('./migrations', import.meta.url));
    expect(readFileSync(`${dir}/index.ts`, 'utf8')).toBe(renderEmbeddedModule(readMigrationsFolder(dir)));
  });

  it('migrate a fresh database to the newest version; append-only guards are in place', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    expect(schemaVersion(db)).toBe(migrations.length);
    const triggers = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(triggers).toEqual(['audit_log_no_delete', 'audit_log_no_update', 'change_log_no_delete', 'messages_no_delete', 'notes_no_delete', 'notes_no_update']);
    db.prepare("INSERT INTO audit_log (at, action, object_type, outcome, prev_hash, hash) VALUES (1, 'a', 'b', 'ok', 'x', 'y')").run();
    expect(() => db.prepare("UPDATE audit_log SET action = 'z'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });
});

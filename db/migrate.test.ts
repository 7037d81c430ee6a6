import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate, schemaVersion, MigrationError } from './migrate';
import { migrations } from './replica/migrations';
import { readMigrationsFolder, renderEmbeddedModule } from './migrations-embed';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

describe('migration runner', () => {
  it('runs all pending migrations once and is a no-op after', () => {
    const db = new Database(':memory:');
    expect(migrate(db, migrations)).toEqual({ from: 0, to: migrations.length });
    expect(migrate(db, migrations)).toEqual({ from: migrations.length, to: migrations.length });
    expect(schemaVersion(db)).toBe(migrations.length);
  });

  it('refuses a database from the future and changes nothing', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db, migrations)).toThrow(MigrationError);
    expect(schemaVersion(db)).toBe(99);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type='table'").get()).toEqual({ n: 0 });
  });

  it('runs pending migrations in one transaction: a failing one rolls back all of them and the version', () => {
    const db = new Database(':memory:');
    const broken = [
      { tag: '0000_a', sql: 'CREATE TABLE a (x);' },
      { tag: '0001_b', sql: 'CREATE TABLE b (x);--> statement-breakpoint\nINSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => migrate(db, broken)).toThrow(expect.objectContaining({ code: 'failed' }));
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all()).toEqual([]);
  });

  it('the embedded module matches the SQL files drizzle-kit wrote (run `npm run db:generate`)', () => {
    const dir = fileURLToPath(new URL('./replica/migrations', import.meta.url));
    expect(readFileSync(`${dir}/index.ts`, 'utf8')).toBe(renderEmbeddedModule(readMigrationsFolder(dir)));
  });
});

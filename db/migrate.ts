import type Database from 'better-sqlite3';
import type { EmbeddedMigration } from './migrations-embed';

export class MigrationError extends Error {
  constructor(
    readonly code: 'from_future' | 'failed',
    message: string,
    readonly schemaVersion: number,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The schema version is the count of applied migrations, kept in the file header (`user_version`). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings a database to the newest schema.
 *
 * - A database from a newer app (user_version beyond what we know) is refused and
 *   left untouched: migrating it down or running old code on it could lose data.
 * - All pending migrations and the version bump run in ONE transaction: either the
 *   file is fully upgraded or it is exactly as before (user_version lives in page 1,
 *   so it is rolled back with everything else).
 */
export function migrate(db: Database.Database, migrations: readonly EmbeddedMigration[]): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new MigrationError('from_future', `Database schema version ${from} is newer than this app knows (${migrations.length})`, from);
  }
  if (from === migrations.length) return { from, to: from };
  const apply = db.transaction(() => {
    for (const m of migrations.slice(from)) {
      for (const statement of m.sql.split('--> statement-breakpoint')) {
        if (statement.trim()) db.exec(statement);
      }
    }
    db.pragma(`user_version = ${migrations.length}`);
  });
  try {
    apply.immediate();
  } catch (e) {
    throw new MigrationError('failed', `Migration from ${from} failed: ${(e as Error).message}`, from);
  }
  return { from, to: migrations.length };
}

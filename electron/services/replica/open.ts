import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { existsSync, openSync, readSync, closeSync, statSync, readFileSync } from 'node:fs';
import { LanternError } from '../../../shared/contract/result';
import { migrate, MigrationError, schemaVersion } from '../../../db/migrate';
import { migrations } from '../../../db/replica/migrations';
import * as schema from '../../../db/replica/schema';
import { writeFileAtomic } from '../fs/atomic';
import { startCheckpointer, SAFETY_NET_AUTOCHECKPOINT, INLINE_AUTOCHECKPOINT, type BackgroundCheckpointer, type CheckpointStats } from './checkpointer';
import { CIPHER, cipherPragmas, keyFingerprint, rawKeyPragma, SQLITE_PLAINTEXT_HEADER, verifyPageHmacs } from './cipher';

export type ReplicaDb = BetterSQLite3Database<typeof schema>;

export interface Replica {
  readonly path: string;
  /** The raw connection, for prepared statements on hot paths and PRAGMAs. */
  readonly sqlite: Database.Database;
  /** Typed queries over the replica schema. */
  readonly db: ReplicaDb;
  readonly schemaVersion: number;
  integrityCheck(): { integrity: string[]; cipherIntegrity: string[]; ok: boolean };
  rekey(newKey: Buffer): void;
  /**
   * Runs `write` (a transaction) without waiting for the disk: for data the hub can
   * give again, and only when the same transaction also moves the sync cursor (see
   * OPERATING_PRAGMAS). Never for anything a user was told is saved.
   */
  refetchable<T>(write: () => T): T;
  /** The background checkpointer's record (null when SQLite checkpoints inline). */
  checkpointStats(): CheckpointStats | null;
  /** Runs a background checkpoint now and waits for it (null when there is none). */
  flushCheckpoint(): Promise<CheckpointStats | null>;
  close(): void;
}

export interface OpenReplicaOptions {
  path: string;
  key: Buffer;
  /** Create the file when it does not exist. Only on first run (when the key was just made). */
  create: boolean;
  /** Path to a better_sqlite3.node built for this runtime (Electron's ABI in `npm start`). */
  nativeBinding?: string;
  /**
   * WAL checkpoints on a worker thread instead of inside whichever commit crosses the
   * threshold (checkpointer.ts). The workstation turns it on; tests of the file format
   * leave it off.
   */
  backgroundCheckpoint?: boolean;
}

/** Sidecar file holding fingerprints of the keys that may open the replica. */
export function keyCheckPath(path: string): string {
  return `${path}.keycheck`;
}

interface KeyCheckFile {
  v: 1;
  accept: string[];
}

function readKeyCheck(path: string): KeyCheckFile | null {
  const p = keyCheckPath(path);
  if (!existsSync(p)) return null;
  try {
    const parsed = JSON.parse(readFileSync(p, 'utf8')) as KeyCheckFile;
    return Array.isArray(parsed.accept) ? parsed : null;
  } catch {
    return null;
  }
}

function writeKeyCheck(path: string, keys: Buffer[]): void {
  writeFileAtomic(keyCheckPath(path), JSON.stringify({ v: 1, accept: keys.map(keyFingerprint) } satisfies KeyCheckFile), 0o600);
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(16);
    const n = readSync(fd, b, 0, 16, 0);
    return b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * PRAGMAs after the key is proven right.
 * - WAL: readers (the UI) never wait for the sync writer.
 * - synchronous=FULL: in WAL mode NORMAL can lose the last transactions on power
 *   loss. A queued reply is "acknowledged" to the nurse the moment it is written,
 *   so we pay one extra fsync per commit to make that promise true.
 *   The one exception is `refetchable`: a page pulled from the hub commits together
 *   with the cursor that says it was applied, so if power loss takes the page it also
 *   takes the cursor back and the page is simply pulled again. Those commits skip the
 *   fsync (synchronous=NORMAL for that transaction only). The WAL stays ordered: the
 *   next FULL commit makes everything before it durable, and a lost tail never holds
 *   a FULL commit. This is what lets a live replica follow a busy hub.
 * - secure_delete=ON: recalled messages are overwritten, not left in free pages.
 * - foreign_keys=ON, busy_timeout so a second connection waits instead of failing.
 * - cache_size 64 MiB (better-sqlite3's default is 16 MB): every page read from the
 *   file is decrypted and its HMAC checked, so a miss costs ~30 µs here against ~2 µs
 *   for a plain file. With the default, random reads in a 500k-message replica ran at
 *   ~0.3-0.4 of a plain file's speed; with 64 MiB, 0.7-1.0 (bench/results/replica.json,
 *   large_replica_reads). The cache grows only as pages are read.
 */
/** How often a replica with a background checkpointer asks it to run (if anything was written). */
export const CHECKPOINT_EVERY_MS = 1_000;

const OPERATING_PRAGMAS = ['journal_mode=WAL', 'synchronous=FULL', 'secure_delete=ON', 'foreign_keys=ON', 'busy_timeout=5000', 'temp_store=MEMORY', 'cache_size=-65536'];

/**
 * Opens (or on first run creates) the encrypted replica. Never overwrites or deletes
 * a file it could not open: every failure is a distinct LanternError
 * (`replica.missing`, `replica.not_encrypted`, `replica.wrong_key`,
 * `replica.corrupt`, `replica.from_future`, `replica.migration_failed`).
 */
export function openReplica(opts: OpenReplicaOptions): Replica {
  const { path, key } = opts;
  const exists = existsSync(path);
  if (!exists && !opts.create) throw new LanternError('replica.missing', `Replica file not found at ${path}`);

  const check = readKeyCheck(path);
  if (exists) {
    const size = statSync(path).size;
    const header = readHeader(path);
    if (header.equals(SQLITE_PLAINTEXT_HEADER)) throw new LanternError('replica.not_encrypted', 'The replica file is a plain SQLite database');
    if (size === 0 || size % CIPHER.pageSize !== 0) throw new LanternError('replica.corrupt', `The replica file has an impossible size (${size} bytes)`);
    if (check && !check.accept.includes(keyFingerprint(key))) throw new LanternError('replica.wrong_key', 'The key does not match this replica');
  }

  const sqlite = new Database(path, { fileMustExist: exists, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
  try {
    for (const p of cipherPragmas()) sqlite.pragma(p);
    sqlite.pragma(rawKeyPragma(key));
    try {
      // The first read decrypts page 1: a wrong key or a damaged page 1 fails here,
      // before anything could be written.
      sqlite.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        // With a matching key check the key is right, so the file is damaged.
        if (check) throw new LanternError('replica.corrupt', 'The replica file is damaged (page 1 could not be decrypted with the right key)');
        throw new LanternError('replica.wrong_key', 'The replica could not be decrypted: wrong key or damaged file');
      }
      throw e;
    }
    for (const p of OPERATING_PRAGMAS) sqlite.pragma(p);
    try {
      migrate(sqlite, migrations);
    } catch (e) {
      if (e instanceof MigrationError) {
        throw new LanternError(e.code === 'from_future' ? 'replica.from_future' : 'replica.migration_failed', e.message, { schemaVersion: e.schemaVersion });
      }
      if ((e as { code?: string }).code === 'SQLITE_CORRUPT') throw new LanternError('replica.corrupt', `The replica file is damaged: ${(e as Error).message}`);
      throw e;
    }
    // A stale sidecar from a deleted replica must not lock out the new one.
    if (!check || !exists) writeKeyCheck(path, [key]);
  } catch (e) {
    sqlite.close();
    throw e;
  }

  const db = drizzle(sqlite, { schema });
  let currentKey = Buffer.from(key);
  let checkpointer: BackgroundCheckpointer | null = null;
  let ticker: NodeJS.Timeout | null = null;
  const startBackground = () => {
    sqlite.pragma(`wal_autocheckpoint=${SAFETY_NET_AUTOCHECKPOINT}`);
    checkpointer = startCheckpointer({
      path,
      pragmas: [...cipherPragmas(), rawKeyPragma(currentKey), 'busy_timeout=5000'],
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
      // The worker cannot serve this file: SQLite checkpoints inline again, as by default.
      onFailure: () => {
        if (sqlite.open) sqlite.pragma(`wal_autocheckpoint=${INLINE_AUTOCHECKPOINT}`);
      },
    });
  };
  if (opts.backgroundCheckpoint) {
    startBackground();
    // Once a second, if anything was written: total_changes() is this connection's own count.
    const changes = sqlite.prepare('SELECT total_changes() AS n');
    let seen = 0;
    ticker = setInterval(() => {
      const n = (changes.get() as { n: number }).n;
      if (n === seen) return;
      seen = n;
      checkpointer?.request();
    }, CHECKPOINT_EVERY_MS);
    ticker.unref();
  }
  return {
    path,
    sqlite,
    db,
    get schemaVersion() {
      return schemaVersion(sqlite);
    },
    integrityCheck() {
      let integrity: string[];
      try {
        integrity = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
      } catch (e) {
        integrity = [`${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}`];
      }
      // Page HMACs are checked on the main file, so move WAL frames into it first.
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      const cipherIntegrity = verifyPageHmacs(path, currentKey);
      return { integrity, cipherIntegrity, ok: integrity.length === 1 && integrity[0] === 'ok' && cipherIntegrity.length === 0 };
    },
    refetchable<T>(write: () => T): T {
      // exec, not a prepared statement: SQLite applies this PRAGMA when it compiles it.
      sqlite.exec('PRAGMA synchronous=NORMAL');
      try {
        return write();
      } finally {
        sqlite.exec('PRAGMA synchronous=FULL');
      }
    },
    rekey(newKey: Buffer) {
      // SQLite3MultipleCiphers cannot rekey in WAL mode: leave WAL (after a full
      // checkpoint), rekey in one journaled transaction, return to WAL. The key check
      // accepts both keys until the rekey has committed, so a crash in between still
      // opens with whichever key the file really has.
      writeKeyCheck(path, [currentKey, newKey]);
      // Leaving WAL needs the only connection to the file: the checkpointer lets go first.
      const background = checkpointer !== null;
      checkpointer?.close();
      checkpointer = null;
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.pragma('journal_mode=DELETE');
      try {
        sqlite.pragma(rawKeyPragma(newKey, 'rekey'));
      } finally {
        sqlite.pragma('journal_mode=WAL');
      }
      currentKey = Buffer.from(newKey);
      writeKeyCheck(path, [newKey]);
      if (background) startBackground();
    },
    checkpointStats() {
      return checkpointer?.stats ?? null;
    },
    async flushCheckpoint() {
      return checkpointer ? checkpointer.flush() : null;
    },
    close() {
      if (ticker) clearInterval(ticker);
      checkpointer?.close();
      checkpointer = null;
      sqlite.close();
    },
  };
}

/**
 * npm run bench -- replica
 *
 * Encrypted replica (SQLCipher 4 via better-sqlite3-multiple-ciphers, raw key) against
 * the same library with no key, same schema (the replica's own migrations), same
 * pragmas, same run. Figures are medians of several rounds.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrate } from '../db/migrate';
import { migrations } from '../db/replica/migrations';
import { cipherPragmas, rawKeyPragma } from '../electron/services/replica/cipher';
import { SAFETY_NET_AUTOCHECKPOINT, startCheckpointer, type BackgroundCheckpointer } from '../electron/services/replica/checkpointer';
import { CHECKPOINT_EVERY_MS } from '../electron/services/replica/open';
import { median, round, writeResult } from './lib';

const ROWS = 20_000;
/**
 * Rows per round for the headline figure: long enough (about a second) that the
 * worker's once-a-second checkpoint runs while the writer writes, as it does in the app.
 */
const PROD_ROWS = 100_000;
const TXN = 100;
const READS = 20_000;
const ROUNDS = 5;

type Kind = { encrypted: boolean; passphrase?: string; extra?: string[]; cipherExtra?: string[] };
type Twin = { db: Database.Database; path: string; stop: () => void; checkpoints: () => number };

const BASE_PRAGMAS = ['journal_mode=WAL', 'synchronous=FULL', 'secure_delete=ON', 'foreign_keys=ON', 'temp_store=MEMORY', 'cache_size=-65536'];

function open(path: string, key: Buffer, kind: Kind): Database.Database {
  const db = new Database(path);
  if (kind.encrypted) {
    for (const p of [...cipherPragmas(), ...(kind.cipherExtra ?? [])]) db.pragma(p);
    db.pragma(kind.passphrase ? `key='${kind.passphrase}'` : rawKeyPragma(key));
  }
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  for (const p of [...BASE_PRAGMAS, ...(kind.extra ?? [])]) db.pragma(p);
  return db;
}

function setup(dir: string, name: string, key: Buffer, kind: Kind, background = false): Twin {
  const path = join(dir, `${name}.db`);
  const db = open(path, key, kind);
  migrate(db, migrations);
  db.exec("INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES ('c', '王秀英', 1, 1)");
  db.exec("INSERT INTO conversations (id, contact_id, channel, last_message_at, created_at, updated_at) VALUES ('v', 'c', 'wechat', 1, 1, 1)");
  if (!background) return { db, path, stop: () => undefined, checkpoints: () => 0 };
  // As the workstation opens its replica (replica/open.ts): WAL checkpoints on the
  // checkpoint worker once a second when something was written, the writer's own
  // autocheckpoint only as a safety net. Same for the plain twin, without a key.
  db.pragma(`wal_autocheckpoint=${SAFETY_NET_AUTOCHECKPOINT}`);
  const pragmas = kind.encrypted ? [...cipherPragmas(), ...(kind.cipherExtra ?? []), rawKeyPragma(key)] : [];
  const checkpointer: BackgroundCheckpointer = startCheckpointer({
    path,
    pragmas: [...pragmas, 'busy_timeout=5000'],
    onFailure: (why) => {
      throw new Error(why);
    },
  });
  const changes = db.prepare('SELECT total_changes() AS n');
  let seen = 0;
  const ticker = setInterval(() => {
    const n = (changes.get() as { n: number }).n;
    if (n === seen) return;
    seen = n;
    checkpointer.request();
  }, CHECKPOINT_EVERY_MS);
  return {
    db,
    path,
    stop: () => {
      clearInterval(ticker);
      checkpointer.close();
    },
    checkpoints: () => checkpointer.stats.runs,
  };
}

const BODY = '您好，我这两天血压一直在160/95左右，头有点晕，氨氯地平要不要加量？请问下午几点可以来复诊？';

/**
 * `yieldEvery`: the headline run gives the event loop a turn after each transaction, as
 * the app does between pages and user actions, so the checkpoint ticker can run.
 */
async function insertRate(db: Database.Database, offset: number, rows: number, yieldEvery: boolean): Promise<number> {
  const ins = db.prepare("INSERT INTO messages (id, conversation_id, direction, body, delivery_status, created_at) VALUES (?, 'v', 'inbound', ?, 'received', ?)");
  const txn = db.transaction((from: number) => {
    for (let i = from; i < from + TXN; i++) ins.run(`m${offset + i}`, BODY, offset + i);
  });
  const t0 = performance.now();
  for (let i = 0; i < rows; i += TXN) {
    txn(i);
    if (yieldEvery) await new Promise((r) => setImmediate(r));
  }
  return rows / ((performance.now() - t0) / 1000);
}

function readRate(db: Database.Database, maxId: number): number {
  const get = db.prepare('SELECT id, body, created_at FROM messages WHERE id = ?');
  const ids = Array.from({ length: READS }, (_, i) => `m${(i * 7919) % maxId}`);
  const t0 = performance.now();
  for (const id of ids) get.get(id);
  return READS / ((performance.now() - t0) / 1000);
}

function unlockMs(path: string, key: Buffer, kind: Kind, rounds: number): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const db = open(path, key, kind);
    db.prepare('SELECT count(*) FROM conversations').get();
    times.push(performance.now() - t0);
    db.close();
  }
  return median(times);
}

async function compare(dir: string, label: string, extra: string[], plainOnly: string[] = [], cipherExtra: string[] = [], background = false) {
  const key = randomBytes(32);
  const rows = background ? PROD_ROWS : ROWS;
  const plain = setup(dir, `plain-${label}`, key, { encrypted: false, extra: [...plainOnly, ...extra] }, background);
  const enc = setup(dir, `enc-${label}`, key, { encrypted: true, extra, cipherExtra }, background);
  const ins: { p: number[]; e: number[] } = { p: [], e: [] };
  const rd: { p: number[]; e: number[] } = { p: [], e: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so neither side always runs on a warmer machine.
    const order = r % 2 ? [enc, plain] : [plain, enc];
    for (const s of order) (s === plain ? ins.p : ins.e).push(await insertRate(s.db, r * rows, rows, background));
    for (const s of order) (s === plain ? rd.p : rd.e).push(readRate(s.db, (r + 1) * rows));
  }
  const result = {
    plain_insert_rows_per_s: round(median(ins.p), 0),
    encrypted_insert_rows_per_s: round(median(ins.e), 0),
    insert_ratio: round(median(ins.e) / median(ins.p)),
    plain_read_per_s: round(median(rd.p), 0),
    encrypted_read_per_s: round(median(rd.e), 0),
    read_ratio: round(median(rd.e) / median(rd.p)),
  };
  const checkpoints = { plain: plain.checkpoints(), encrypted: enc.checkpoints() };
  for (const t of [plain, enc]) {
    t.stop();
    t.db.close();
  }
  return { result, key, encPath: enc.path, checkpoints };
}

export async function runReplicaBench() {
  const dir = mkdtempSync(join(tmpdir(), 'lantern-bench-'));
  try {
    // Inserts: as the workstation writes (checkpoints on the worker). Reads: on the inline
    // pair below (100k rows, as every earlier run of this benchmark); the production pair
    // ends at 500k rows, where reads are a different question (large_replica_reads).
    const main = await compare(dir, 'prod', [], [], [], true);
    const defaultCache = await compare(dir, 'prod-16mb', ['cache_size=-16000'], [], [], true);
    const unlock_ms = round(unlockMs(main.encPath, main.key, { encrypted: true }, 30));
    const passDb = setup(dir, 'pass', main.key, { encrypted: true, passphrase: 'correct horse battery staple' });
    passDb.db.close();
    const unlock_pbkdf2_ms = round(unlockMs(passDb.path, main.key, { encrypted: true, passphrase: 'correct horse battery staple' }, 5));
    const unlock_plain_ms = round(unlockMs(join(dir, 'plain-prod.db'), main.key, { encrypted: false }, 30));

    // Tuning: each variant is measured against its own plain twin with the same pragma.
    const variants = [
      { pragma: 'WAL checkpoints inline (SQLite\'s default; the workstation before 2026-12-03)', extra: [] },
      { pragma: 'cache_size=-16000 (better-sqlite3\'s default, 16 MB; the replica before 2026-12-03)', extra: ['cache_size=-16000'] },
      { pragma: 'mmap_size=268435456', extra: ['mmap_size=268435456'] },
      { pragma: 'synchronous=NORMAL (not used: can lose the last commits on power loss)', extra: ['synchronous=NORMAL'] },
      { pragma: 'wal_autocheckpoint=10000 inline (no checkpoint at all within a 20k-row round)', extra: ['wal_autocheckpoint=10000'] },
      { pragma: 'page size 8192 (legacy_page_size; plain twin page_size=8192)', extra: [], plainOnly: ['page_size=8192'], cipherExtra: ['legacy_page_size=8192'] },
      { pragma: 'page size 16384', extra: [], plainOnly: ['page_size=16384'], cipherExtra: ['legacy_page_size=16384'] },
      { pragma: 'HMAC-SHA256 instead of SHA512 (hmac_algorithm=1)', extra: [], cipherExtra: ['hmac_algorithm=1'] },
    ];
    const tuning: Record<string, unknown>[] = [];
    for (const [i, v] of variants.entries()) tuning.push({ pragma: v.pragma, ...(await compare(dir, `t${i}`, v.extra, v.plainOnly ?? [], v.cipherExtra ?? [])).result });

    const reads = tuning[0]! as Record<'plain_read_per_s' | 'encrypted_read_per_s' | 'read_ratio', number>;

    const probe = new Database(join(dir, 'probe.db'));
    for (const p of cipherPragmas()) probe.pragma(p);
    probe.pragma(rawKeyPragma(main.key));
    const cipherMemorySecurity = probe.pragma('cipher_memory_security');
    probe.close();

    return writeResult('replica', {
      figures: {
        plain_insert_rows_per_s: main.result.plain_insert_rows_per_s,
        encrypted_insert_rows_per_s: main.result.encrypted_insert_rows_per_s,
        insert_ratio: main.result.insert_ratio,
        plain_read_per_s: reads.plain_read_per_s,
        encrypted_read_per_s: reads.encrypted_read_per_s,
        read_ratio: reads.read_ratio,
        unlock_ms,
        unlock_pbkdf2_ms,
        unlock_plain_ms,
      },
      targets: { insert_ratio: '>= 0.80', read_ratio: '>= 0.85', unlock_ms: '<= 50' },
      notes: {
        method: `Headline: both twins opened as the workstation opens its replica — WAL checkpoints on the checkpoint worker once a second (replica/checkpointer.ts), the writer giving the event loop a turn after each transaction — ${PROD_ROWS} rows per round in ${TXN}-row transactions (checkpoints run while the writer writes: checkpoints_during_run); tuning rows: ${ROWS} rows per round with SQLite's inline checkpoints plus the pragma named; read figures from the first tuning row (${ROUNDS * ROWS} rows). ${READS} indexed point reads; median of ${ROUNDS} alternating rounds; unlock = open + cipher pragmas + key + first query (median of 30; passphrase: 5). Production pragmas: ${BASE_PRAGMAS.join(', ')}.`,
        checkpoints_during_run: main.checkpoints,
        large_replica_reads: {
          rows: ROUNDS * PROD_ROWS,
          cache_64_mib: { plain_read_per_s: main.result.plain_read_per_s, encrypted_read_per_s: main.result.encrypted_read_per_s, read_ratio: main.result.read_ratio },
          cache_16_mb_default: { ...defaultCache.result },
          reading: 'Random point reads over the whole file. Once the file is many times the page cache nearly every read misses it, and an encrypted miss decrypts and verifies a 4 KiB page (~30 µs) where the plain file copies it from the OS cache: with better-sqlite3\'s default 16 MB cache the replica read at ~0.3-0.4 of plain at 500k rows. The replica now keeps a 64 MiB cache (replica/open.ts; it grows only as pages are read).',
        },
        tuning,
        cipher_memory_security: `SQLite3MultipleCiphers answers ${JSON.stringify(cipherMemorySecurity)}: it has no such pragma (SQLCipher-only), so memory wiping is not tunable here.`,
        page_size: 'Kept at 4096, the SQLCipher 4 default: larger pages encrypt and MAC more bytes per small commit and measured slower (see tuning), and the official CLI opens 4096-byte replicas without extra pragmas.',
        conclusion: 'The insert_ratio target (0.80) is not met on this machine: not with the replica opened as the workstation opens it (WAL checkpoints on a worker thread; 0.58-0.72 over eight runs on 2026-12-03), and not with any pragma tried that keeps durability (synchronous=FULL), integrity (per-page HMAC) and the SQLCipher 4 file format the official CLI reads. Where the time goes (perf record, 2026-12-03, 200,000 encrypted inserts in 100-row transactions): SHA-512 for the page HMACs 19% of all samples, AES-256-CBC page encryption 9%, decryption of WAL frames during checkpoints 1% — about 29% of the encrypted run is cipher work the plain file does not do, which alone caps the ratio near 0.7 even with free fsyncs. Checkpoints on the worker take their re-encryption off the writer, but the writer still encrypts and MACs every page it commits. AES already runs on AES-NI: the SQLITE3MC_OMIT_AES_HARDWARE_SUPPORT define in the shipped amalgamation applies to WASM builds only (a rebuild without it measured the same ratio); SHA-512 is SQLite3MultipleCiphers\' portable C (the CPU\'s SHA extensions cover SHA-1/SHA-256 only, and HMAC-SHA256 measured no better, see tuning). Earlier runs saw 0.805 and 0.818 with wal_autocheckpoint=10000 and a 64 MiB cache: that is a 20k-row round without a single checkpoint, which no writer can keep up for long. Absolute encrypted throughput (85-110k rows/s in 100-row transactions) is far above any contact-centre load; reads meet their target, and with the 64 MiB cache also in a 500k-row replica (large_replica_reads).',
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

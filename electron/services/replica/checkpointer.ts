import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the thread that applies live pages and answers the UI.
 *
 * A checkpoint copies the WAL back into the database file and fsyncs both; left to
 * SQLite it runs inside whichever commit crosses `wal_autocheckpoint`, on the caller's
 * thread — for the workstation, the Electron main process — and with other programs
 * writing to the same disk that fsync stalls it for tens of milliseconds every second
 * or so of incoming messages (bench/sync.ts: with 50 replicas on one disk, the delivery
 * p99 went from ~70 ms to ~170 ms with inline checkpoints). Here a second connection
 * in a worker thread runs `wal_checkpoint(PASSIVE)` on request: PASSIVE never waits
 * for the writer, and the writer's next transaction restarts the WAL once everything
 * has been copied. The writer keeps a high `wal_autocheckpoint` as a safety net, so
 * the WAL stays bounded even if this thread falls behind.
 *
 * One worker per thread, shared by every replica that thread opens (one in the app;
 * many in the benchmark). Its connection holds the key in memory like the main one;
 * nothing is written to disk but what SQLite writes. `close()` waits until the worker
 * has closed its connection, so a closed replica is not held open by anyone (Windows
 * cannot delete or replace a file that is still open).
 */

/** The worker's program (CommonJS, evaluated): one connection per registered replica. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const dbs = new Map();
const signal = (state, value) => { Atomics.store(state, 0, value); Atomics.notify(state, 0); };
parentPort.on('message', (m) => {
  if (m.type === 'open') {
    try {
      const Database = require(m.module);
      const db = new Database(m.path, { fileMustExist: true, ...(m.nativeBinding ? { nativeBinding: m.nativeBinding } : {}) });
      try {
        for (const p of m.pragmas) db.pragma(p);
        db.prepare('SELECT count(*) FROM sqlite_master').get();
      } catch (e) {
        db.close();
        throw e;
      }
      dbs.set(m.id, db);
      m.reply.postMessage({ ok: true });
    } catch (e) {
      m.reply.postMessage({ ok: false, message: String((e && e.message) || e) });
    }
    m.reply.close();
    signal(m.state, 1);
  } else if (m.type === 'checkpoint') {
    const db = dbs.get(m.id);
    if (!db) return;
    try {
      const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
      parentPort.postMessage({ type: 'checkpointed', id: m.id, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
    } catch (e) {
      parentPort.postMessage({ type: 'failed', id: m.id, message: String((e && e.message) || e) });
    }
  } else if (m.type === 'close') {
    const db = dbs.get(m.id);
    dbs.delete(m.id);
    try {
      if (db) db.close();
    } finally {
      signal(m.state, 2);
    }
  }
});
`;

type WorkerReply =
  | { type: 'checkpointed'; id: number; busy: number; log: number; checkpointed: number }
  | { type: 'failed'; id: number; message: string };

/** Pages in the WAL after which the writer checkpoints by itself (the checkpointer has fallen behind). */
export const SAFETY_NET_AUTOCHECKPOINT = 10_000;
/** SQLite's default, for a replica whose checkpointer could not start. */
export const INLINE_AUTOCHECKPOINT = 1_000;
/** How long close() and pause() wait for the worker to let go of the file. */
const RELEASE_TIMEOUT_MS = 10_000;

export interface CheckpointStats {
  /** Checkpoints the worker has run for this replica. */
  runs: number;
  /** The last one: WAL frames, and how many of them are now in the database file. */
  last: { busy: number; log: number; checkpointed: number } | null;
  /** Why the worker could not serve this replica (it checkpoints inline then). */
  failure: string | null;
}

export interface BackgroundCheckpointer {
  readonly stats: CheckpointStats;
  /** Ask for a checkpoint (requests made while one is queued are merged). */
  request(): void;
  /** Waits for a checkpoint requested now to finish (tests, diagnostics). */
  flush(): Promise<CheckpointStats>;
  /** Releases the file and stops serving; synchronous (see above). Idempotent. */
  close(): void;
}

interface Entry {
  stats: CheckpointStats;
  queued: boolean;
  waiters: ((s: CheckpointStats) => void)[];
  onFailure: (message: string) => void;
}

let worker: Worker | null = null;
let nextId = 1;
const entries = new Map<number, Entry>();
/** flush() calls waiting: while any does, the worker keeps the process alive. */
let flushing = 0;

function settle(e: Entry): void {
  const waiters = e.waiters.splice(0);
  for (const resolve of waiters) resolve({ ...e.stats });
  flushing -= waiters.length;
  if (flushing === 0) worker?.unref();
}

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (m: WorkerReply) => {
    const e = entries.get(m.id);
    if (!e) return;
    if (m.type === 'checkpointed') {
      e.queued = false;
      e.stats.runs++;
      e.stats.last = { busy: m.busy, log: m.log, checkpointed: m.checkpointed };
    } else {
      e.queued = false;
      e.stats.failure = m.message;
      e.onFailure(m.message);
    }
    settle(e);
  });
  const lost = (why: string) => {
    worker = null;
    for (const e of entries.values()) {
      e.stats.failure = why;
      e.onFailure(why);
      settle(e);
    }
  };
  w.on('error', (err) => lost(`checkpoint worker failed: ${err.message}`));
  w.on('exit', (code) => lost(`checkpoint worker exited (${code})`));
  // Idle replicas must not keep a process alive; a queued checkpoint is not worth waiting for.
  // (After the listeners: adding a 'message' listener refs the worker again.)
  w.unref();
  worker = w;
  return w;
}

const betterSqlite3Module = (): string => createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Starts serving one replica file. `pragmas` are what a connection needs before its
 * first read (cipher settings and key). `onFailure` is told when the worker cannot
 * serve it (the caller turns inline checkpoints back on). Opening is synchronous, so
 * a replica that could not be served is known at once.
 */
export function startCheckpointer(opts: { path: string; pragmas: string[]; nativeBinding?: string; onFailure: (message: string) => void; module?: string }): BackgroundCheckpointer {
  const id = nextId++;
  const entry: Entry = { stats: { runs: 0, last: null, failure: null }, queued: false, waiters: [], onFailure: opts.onFailure };
  entries.set(id, entry);
  let closed = false;
  const w = theWorker();
  const opened = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  w.postMessage({ type: 'open', id, path: opts.path, pragmas: opts.pragmas, module: opts.module ?? betterSqlite3Module(), nativeBinding: opts.nativeBinding ?? null, state: opened, reply: port2 }, [port2]);
  Atomics.wait(opened, 0, 0, RELEASE_TIMEOUT_MS);
  // The answer is read synchronously: this thread's event loop is not running meanwhile.
  const answer = receiveMessageOnPort(port1)?.message as { ok: boolean; message?: string } | undefined;
  port1.close();
  if (!answer?.ok) {
    // No answer in time (a worker still starting on a starved machine): should it open the
    // file after all, it closes it right away — this replica checkpoints inline.
    if (!answer) w.postMessage({ type: 'close', id, state: new Int32Array(new SharedArrayBuffer(4)) });
    const why = `checkpoint worker could not open the replica: ${answer?.message ?? `no answer within ${RELEASE_TIMEOUT_MS} ms`}`;
    entry.stats.failure = why;
    entries.delete(id);
    opts.onFailure(why);
    return { stats: entry.stats, request: () => undefined, flush: async () => ({ ...entry.stats }), close: () => undefined };
  }
  return {
    get stats() {
      return { ...entry.stats };
    },
    request() {
      if (closed || entry.queued || entry.stats.failure || !worker) return;
      entry.queued = true;
      worker.postMessage({ type: 'checkpoint', id });
    },
    flush() {
      if (closed || entry.stats.failure || !worker) return Promise.resolve({ ...entry.stats });
      return new Promise((resolve) => {
        entry.waiters.push(resolve);
        if (flushing++ === 0) worker!.ref();
        entry.queued = true;
        worker!.postMessage({ type: 'checkpoint', id });
      });
    },
    close() {
      if (closed) return;
      closed = true;
      const w = worker;
      if (w && !entry.stats.failure) {
        const released = new Int32Array(new SharedArrayBuffer(4));
        w.postMessage({ type: 'close', id, state: released });
        Atomics.wait(released, 0, 0, RELEASE_TIMEOUT_MS);
      }
      entries.delete(id);
      settle(entry);
    },
  };
}

import { existsSync, statSync } from 'node:fs';
import { CIPHER } from '../replica/cipher';
import { readState, STATE } from '../sync/state';
import type { ConsoleDeps } from './types';

/** Facts (never contents) shared by `status`, `db size`, `sync status` and the export. */

const COUNTED_TABLES = ['contacts', 'conversations', 'messages', 'notes', 'device_readings', 'knowledge_items', 'outbox', 'audit'] as const;

const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);

export function dbFacts(deps: ConsoleDeps) {
  const { sqlite, path } = deps.ctx.replica;
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) counts[table] = (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    path,
    sizeBytes: size(path),
    walBytes: size(`${path}-wal`),
    shmBytes: size(`${path}-shm`),
    schemaVersion: deps.ctx.replica.schemaVersion,
    cipher: `${CIPHER.name} (legacy=${CIPHER.legacy})`,
    journalMode: String(sqlite.pragma('journal_mode', { simple: true })),
    pageSize: Number(sqlite.pragma('page_size', { simple: true })),
    pageCount: Number(sqlite.pragma('page_count', { simple: true })),
    freelistCount: Number(sqlite.pragma('freelist_count', { simple: true })),
    checkpoints: checkpointFacts(deps.ctx.replica.checkpointStats()),
    counts,
  };
}

/** Where WAL checkpoints run: on the background thread, or inline (and why the thread could not serve). */
function checkpointFacts(s: ReturnType<ConsoleDeps['ctx']['replica']['checkpointStats']>) {
  if (!s) return { mode: 'inline' as const, runs: 0, failure: null };
  return { mode: s.failure ? ('inline' as const) : ('background' as const), runs: s.runs, failure: s.failure };
}

export function syncFacts(deps: ConsoleDeps) {
  if (!deps.sync) return { status: 'demo' as const, workstationId: null, queued: 0, rejected: 0, lastSyncAt: null, error: null, initial: null, indexing: null, cursor: null };
  const { touched: _touched, version: _version, ...snap } = deps.sync.snapshot();
  return { ...snap, workstationId: readState(deps.ctx.replica, STATE.workstationId), cursor: readState(deps.ctx.replica, STATE.cursor) };
}

export function updateFacts(deps: ConsoleDeps) {
  return deps.updates ? deps.updates() : null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

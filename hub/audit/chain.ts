import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical';
import type { AuditOutcome, AuditRow } from '../store/types';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  at: number;
  userId: string | null;
  workstationId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  outcome: AuditOutcome;
  detail?: unknown;
}

/** SHA-256 (hex) of the canonical JSON of every field except `hash` itself. */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const { id, at, userId, workstationId, action, objectType, objectId, outcome, detail, prevHash } = row;
  return createHash('sha256')
    .update(canonicalJson({ id, at, userId, workstationId, action, objectType, objectId, outcome, detail: detail ?? null, prevHash }))
    .digest('hex');
}

/** The record that follows `head` (null = the first record). */
export function nextAuditRow(head: Pick<AuditRow, 'id' | 'hash'> | null, e: AuditEntry): AuditRow {
  const base = {
    id: (head?.id ?? 0) + 1,
    at: e.at,
    userId: e.userId,
    workstationId: e.workstationId,
    action: e.action,
    objectType: e.objectType,
    objectId: e.objectId,
    outcome: e.outcome,
    detail: e.detail ?? null,
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  return { ...base, hash: auditHash(base) };
}

export type AuditVerdict =
  | { ok: true; count: number; headId: number; headHash: string }
  | {
      ok: false;
      count: number;
      /** The first record that does not fit (its id as stored, or the expected id for a missing tail). */
      brokenAt: number;
      /** 1-based position of that record in id order. */
      position: number;
      reason: 'hash_mismatch' | 'prev_mismatch' | 'id_gap' | 'tail_missing' | 'head_mismatch';
      message: string;
    };

/**
 * Walks the chain in id order. Detects a changed record (its hash no longer
 * matches), a deleted one (id gap and the next record's prev_hash mismatch), a
 * reordering (prev_hash mismatch at the first moved record), and — when
 * `expectedHead` (kept apart in `meta`) is given — a truncated tail or a
 * re-hashed last record. Records appended after the head (another writer that
 * did not update it) are not an error as long as they chain.
 */
export async function verifyChain(
  pages: (afterId: number) => Promise<AuditRow[]>,
  expectedHead?: { id: number; hash: string } | null,
): Promise<AuditVerdict> {
  let prev: AuditRow | null = null;
  let count = 0;
  for (;;) {
    const page = await pages(prev?.id ?? 0);
    if (page.length === 0) break;
    for (const row of page) {
      count++;
      const expectedId = (prev?.id ?? 0) + 1;
      const expectedPrev = prev?.hash ?? GENESIS_HASH;
      if (row.id !== expectedId) {
        return { ok: false, count, brokenAt: row.id, position: count, reason: 'id_gap', message: `Record ${expectedId} is missing before record ${row.id}` };
      }
      if (row.prevHash !== expectedPrev) {
        return { ok: false, count, brokenAt: row.id, position: count, reason: 'prev_mismatch', message: `Record ${row.id} does not follow record ${prev?.id ?? '(start)'}: a record before it was changed, removed or moved` };
      }
      if (auditHash(row) !== row.hash) {
        return { ok: false, count, brokenAt: row.id, position: count, reason: 'hash_mismatch', message: `Record ${row.id} was changed after it was written` };
      }
      prev = row;
    }
  }
  if (expectedHead && prev?.id === expectedHead.id && prev.hash !== expectedHead.hash) {
    return { ok: false, count, brokenAt: prev.id, position: count, reason: 'head_mismatch', message: `The last record ${prev.id} is not the one the hub last wrote: it was changed (and re-hashed)` };
  }
  if (expectedHead && (prev?.id ?? 0) < expectedHead.id) {
    const lastId = prev?.id ?? 0;
    return {
      ok: false,
      count,
      brokenAt: lastId + 1,
      position: count + 1,
      reason: 'tail_missing',
      message: `The chain ends at record ${lastId} but the hub last wrote record ${expectedHead.id}: records were removed from the end`,
    };
  }
  return { ok: true, count, headId: prev?.id ?? 0, headHash: prev?.hash ?? GENESIS_HASH };
}

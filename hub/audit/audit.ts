import type { HubStore, StoreReader, StoreTx } from '../store/store';
import { nextAuditRow, verifyChain, type AuditEntry, type AuditVerdict } from './chain';

const HEAD_KEY = 'audit_head';

/**
 * Appends one audit record inside the caller's write transaction, so a write and
 * its audit record commit together or not at all. Reading the head and inserting
 * the next record in the same (serialized) transaction is what keeps the chain
 * linear even with the admin CLI writing from another process.
 */
export async function appendAudit(tx: StoreTx, entry: AuditEntry): Promise<void> {
  const row = nextAuditRow(await tx.auditHead(), entry);
  await tx.insertAudit(row);
  // The head is also kept apart from the chain so a removed tail is detectable.
  await tx.setMeta(HEAD_KEY, JSON.stringify({ id: row.id, hash: row.hash }));
}

/** Audits in its own transaction (reads of patient data, denied logins). */
export function auditNow(store: HubStore, entry: AuditEntry): Promise<void> {
  return store.write((tx) => appendAudit(tx, entry));
}

export async function verifyAuditChain(store: HubStore | StoreReader): Promise<AuditVerdict> {
  const run = async (r: StoreReader) => {
    const headText = await r.getMeta(HEAD_KEY);
    const head = headText ? (JSON.parse(headText) as { id: number; hash: string }) : null;
    return verifyChain((afterId) => r.auditPage(afterId, 1000), head);
  };
  return 'read' in store ? store.read(run) : run(store);
}

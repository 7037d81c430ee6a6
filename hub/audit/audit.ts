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
  await appendAudits(tx, [entry]);
}

/** Appends records in order: one head read and one head write for the lot. */
export async function appendAudits(tx: StoreTx, entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  let head = await tx.auditHead();
  for (const entry of entries) {
    head = nextAuditRow(head, entry);
    await tx.insertAudit(head);
  }
  // The head is also kept apart from the chain so a removed tail is detectable.
  await tx.setMeta(HEAD_KEY, JSON.stringify({ id: head!.id, hash: head!.hash }));
}

interface Waiting {
  entry: AuditEntry;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const waiting = new WeakMap<HubStore, Waiting[]>();

/**
 * Audits outside any data write (reads of patient data, denied logins), with group
 * commit: records that arrive while the store's writer is busy are appended together
 * in the next write transaction, in arrival order. Each caller's promise settles when
 * ITS record has committed (or failed), so "audited before answered" holds; 500
 * workstations pulling the same new message cost one commit, not 500.
 */
export function auditNow(store: HubStore, entry: AuditEntry): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const queue = waiting.get(store);
    if (queue) {
      queue.push({ entry, resolve, reject });
      return;
    }
    const fresh: Waiting[] = [{ entry, resolve, reject }];
    waiting.set(store, fresh);
    let commit: Promise<void>;
    try {
      commit = store.write(async (tx) => {
        // Taken when the writer is ours: everything queued until now joins this commit.
        waiting.delete(store);
        await appendAudits(tx, fresh.map((w) => w.entry));
      });
    } catch (e) {
      commit = Promise.reject(e); // e.g. the store is closed
    }
    commit.then(
      () => fresh.forEach((w) => w.resolve()),
      (e: unknown) => {
        if (waiting.get(store) === fresh) waiting.delete(store);
        fresh.forEach((w) => w.reject(e));
      },
    );
  });
}

export async function verifyAuditChain(store: HubStore | StoreReader): Promise<AuditVerdict> {
  const run = async (r: StoreReader) => {
    const headText = await r.getMeta(HEAD_KEY);
    const head = headText ? (JSON.parse(headText) as { id: number; hash: string }) : null;
    return verifyChain((afterId) => r.auditPage(afterId, 1000), head);
  };
  return 'read' in store ? store.read(run) : run(store);
}

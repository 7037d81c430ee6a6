import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/store';
import type { HubStore } from '../store/store';
import { auditNow, verifyAuditChain } from './audit';

const entry = (i: number) => ({ at: 1_000 + i, userId: `u${i % 5}`, workstationId: `ws-${i % 7}`, action: 'sync.pull', objectType: 'changes', objectId: `0..${i}`, outcome: 'ok' as const, detail: { i } });

/** The real store, with its write transactions counted. */
function counted(store: HubStore): { store: HubStore; writes: () => number } {
  let n = 0;
  const write = store.write.bind(store);
  return {
    store: Object.assign(Object.create(store) as HubStore, {
      write: ((fn) => {
        n++;
        return write(fn);
      }) as HubStore['write'],
    }),
    writes: () => n,
  };
}

describe('auditNow group commit', () => {
  it('commits records that arrive while the writer is busy together, in arrival order, each caller settling after its commit', async () => {
    const real = openSqliteStore({ path: ':memory:' });
    const { store, writes } = counted(real);
    // Keep the writer busy so 200 reads' audit records queue up behind it.
    let release!: () => void;
    const busy = store.write(() => new Promise<void>((r) => (release = r)));
    const settled: number[] = [];
    const all = Array.from({ length: 200 }, (_, i) => auditNow(store, entry(i)).then(() => settled.push(i)));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toEqual([]); // not answered before it is written
    release();
    await busy;
    await Promise.all(all);
    expect(settled).toHaveLength(200);
    expect(writes()).toBe(2); // the blocker + ONE audit commit for 200 records
    const rows = real.sqlite.prepare('SELECT object_id FROM audit_log ORDER BY id').all() as { object_id: string }[];
    expect(rows.map((r) => r.object_id)).toEqual(Array.from({ length: 200 }, (_, i) => `0..${i}`));
    expect(await verifyAuditChain(real)).toMatchObject({ ok: true, count: 200 });
    // Later records start a new group and extend the same chain.
    await Promise.all([auditNow(store, entry(200)), auditNow(store, entry(201))]);
    expect(await verifyAuditChain(real)).toMatchObject({ ok: true, count: 202 });
    await real.close();
  });

  it('a failed commit rejects every record of its group and leaves none behind; the next group still commits', async () => {
    const real = openSqliteStore({ path: ':memory:' });
    // A record that cannot be serialized makes the group's transaction roll back.
    const bad = auditNow(real, { ...entry(1), detail: { x: Number.NaN } });
    const good = auditNow(real, entry(2));
    await expect(bad).rejects.toThrow();
    await expect(good).rejects.toThrow();
    expect((real.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n).toBe(0);
    await auditNow(real, entry(3));
    expect(await verifyAuditChain(real)).toMatchObject({ ok: true, count: 1 });
    await real.close();
    // A closed store refuses at once and does not leave later callers hanging.
    await expect(auditNow(real, entry(4))).rejects.toThrow(/closed/);
    await expect(auditNow(real, entry(5))).rejects.toThrow(/closed/);
  });
});

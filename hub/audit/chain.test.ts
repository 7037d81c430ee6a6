import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openSqliteStore } from '../store/sqlite/store';
import { appendAudit, verifyAuditChain } from './audit';
import { canonicalJson } from './canonical';

describe('canonical JSON', () => {
  it('does not depend on key order; drops undefined; refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true } })).toBe('{"a":{"c":true,"d":[1,"x",null]},"b":1}');
    expect(canonicalJson({ a: undefined, b: '中文' })).toBe('{"b":"中文"}');
    expect(() => canonicalJson({ a: NaN })).toThrow();
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });
});

async function storeWith(n: number) {
  const store = openSqliteStore({ path: ':memory:' });
  await store.write(async (tx) => {
    for (let i = 1; i <= n; i++) {
      await appendAudit(tx, { at: 1_000 + i, userId: `u${i % 3}`, workstationId: 'ws-1', action: i % 2 ? 'sync.pull' : 'message.send', objectType: 'conversation', objectId: `v-${i}`, outcome: 'ok', detail: { i, list: ['a', i] } });
    }
  });
  // An attacker with the file can drop the append-only triggers; the chain must still tell.
  store.sqlite.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  return store;
}

type Tamper = (db: Database.Database, k: number) => void;
const TAMPER: Record<string, { apply: Tamper; expected: (k: number, n: number) => { brokenAt: number; reason: string } }> = {
  'change a field': {
    apply: (db, k) => db.prepare("UPDATE audit_log SET outcome = 'denied' WHERE id = ?").run(k),
    expected: (k) => ({ brokenAt: k, reason: 'hash_mismatch' }),
  },
  'change the detail': {
    apply: (db, k) => db.prepare("UPDATE audit_log SET detail = json_set(detail, '$.i', 999) WHERE id = ?").run(k),
    expected: (k) => ({ brokenAt: k, reason: 'hash_mismatch' }),
  },
  'change a field and recompute its hash': {
    apply: (db, k) => {
      db.prepare("UPDATE audit_log SET action = 'nothing.happened' WHERE id = ?").run(k);
      // recompute with the real algorithm: only the NEXT link can tell
      const row = db.prepare('SELECT * FROM audit_log WHERE id = ?').get(k) as Record<string, unknown>;
      const h = rehash(row);
      db.prepare('UPDATE audit_log SET hash = ? WHERE id = ?').run(h, k);
    },
    expected: (k, n) => (k === n ? { brokenAt: n, reason: 'head_mismatch' } : { brokenAt: k + 1, reason: 'prev_mismatch' }),
  },
  'delete a record': {
    apply: (db, k) => db.prepare('DELETE FROM audit_log WHERE id = ?').run(k),
    expected: (k, n) => (k === n ? { brokenAt: n, reason: 'tail_missing' } : { brokenAt: k + 1, reason: 'id_gap' }),
  },
  'swap two records (reorder)': {
    apply: (db, k) => {
      db.prepare('UPDATE audit_log SET id = -1 WHERE id = ?').run(k);
      db.prepare('UPDATE audit_log SET id = ? WHERE id = ?').run(k, k + 1);
      db.prepare('UPDATE audit_log SET id = ? WHERE id = -1').run(k + 1);
    },
    expected: (k) => ({ brokenAt: k, reason: 'prev_mismatch' }),
  },
};

import { auditHash } from './chain';
function rehash(row: Record<string, unknown>): string {
  return auditHash({
    id: row.id as number,
    at: row.at as number,
    userId: row.user_id as string | null,
    workstationId: row.workstation_id as string | null,
    action: row.action as string,
    objectType: row.object_type as string,
    objectId: row.object_id as string | null,
    outcome: row.outcome as 'ok',
    detail: row.detail === null ? null : JSON.parse(row.detail as string),
    prevHash: row.prev_hash as string,
  });
}

describe('audit hash chain', () => {
  it('verifies an untouched chain', async () => {
    const store = await storeWith(20);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, count: 20, headId: 20 });
    await store.close();
  });

  for (const [name, t] of Object.entries(TAMPER)) {
    it(`detects: ${name}, at the right place, wherever it happens`, async () => {
      const n = 12;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: name.startsWith('swap') ? n - 1 : n }), async (k) => {
          const store = await storeWith(n);
          try {
            t.apply(store.sqlite, k);
            const v = await verifyAuditChain(store);
            expect(v.ok).toBe(false);
            expect(v).toMatchObject(t.expected(k, n));
          } finally {
            await store.close();
          }
        }),
        { numRuns: 12 },
      );
    });
  }

  it('detects a removed tail through the recorded head', async () => {
    const store = await storeWith(5);
    store.sqlite.prepare('DELETE FROM audit_log WHERE id >= 4').run();
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, reason: 'tail_missing', brokenAt: 4 });
    await store.close();
  });
});

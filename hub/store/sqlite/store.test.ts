import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from './store';

describe('SQLite hub store', () => {
  it('runs WAL + synchronous=FULL + secure_delete + foreign keys, and keeps its hubId across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantern-hub-store-'));
    try {
      const store = openSqliteStore({ path: join(dir, 'hub.db') });
      expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      expect(store.sqlite.pragma('secure_delete', { simple: true })).toBe(1);
      expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      const id = store.hubId;
      await store.close();
      const again = openSqliteStore({ path: join(dir, 'hub.db') });
      expect(again.hubId).toBe(id);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a write that throws leaves nothing; reads see only committed data', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await expect(
      store.write(async (tx) => {
        await tx.insertTeam({ id: 't1', name: 'x', createdAt: 0 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.read((r) => r.getTeam('t1'))).toBeNull();
    // A read queued while a write is open runs after it (one connection, one queue).
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = store.write(async (tx) => {
      await tx.insertTeam({ id: 't2', name: 'x', createdAt: 0 });
      await gate;
    });
    const r = store.read((x) => x.getTeam('t2'));
    release();
    await w;
    expect(await r).toMatchObject({ id: 't2' });
    await store.close();
    await expect(async () => store.read((x) => x.headSeq())).rejects.toThrow(/closed/);
  });

  it('close() waits for queued writes (in-flight work is not lost)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantern-hub-store-'));
    try {
      const store = openSqliteStore({ path: join(dir, 'hub.db') });
      const writes = Array.from({ length: 20 }, (_, i) => store.write((tx) => tx.insertTeam({ id: `t${i}`, name: 'x', createdAt: 0 })));
      await store.close();
      await Promise.all(writes);
      const db = new Database(join(dir, 'hub.db'), { readonly: true });
      expect((db.prepare('SELECT count(*) AS n FROM teams').get() as { n: number }).n).toBe(20);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

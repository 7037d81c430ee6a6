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

  it('the prepared hot-path writes store JSON as JSON, null as SQL NULL, and nested savepoints roll back only their own part', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.write(async (tx) => {
      await tx.appendChange({ at: 1, entity: 'note', entityId: 'n1', op: 'put', data: { body: '备注' }, prev: null });
      await tx.appendChange({ at: 2, entity: 'conversation', entityId: 'v1', op: 'put', data: { status: 'open' }, prev: { status: 'pending' } });
      await tx.putMutation({ id: 'm1', userId: 'u', workstationId: 'w', type: 'note.add', argsHash: 'h', status: 'rejected', result: null, code: 'x', message: null, clientTime: 1, receivedAt: 2 });
      await tx.savepoint(async () => {
        await tx.setMeta('k', 'outer');
        await expect(
          tx.savepoint(async () => {
            await tx.setMeta('k', 'inner');
            throw new Error('undo inner');
          }),
        ).rejects.toThrow('undo inner');
        expect(await tx.getMeta('k')).toBe('outer');
      });
    });
    const rows = store.sqlite.prepare('SELECT prev, prev IS NULL AS noPrev, data FROM change_log ORDER BY seq').all() as { prev: string | null; noPrev: number; data: string }[];
    expect(rows).toEqual([
      { prev: null, noPrev: 1, data: '{"body":"备注"}' },
      { prev: '{"status":"pending"}', noPrev: 0, data: '{"status":"open"}' },
    ]);
    expect(store.sqlite.prepare("SELECT result IS NULL AS noResult, message IS NULL AS noMessage FROM mutations WHERE id = 'm1'").get()).toEqual({ noResult: 1, noMessage: 1 });
    expect(await store.read((r) => r.getMutation('m1'))).toMatchObject({ result: null, code: 'x' });
    expect(await store.read((r) => r.getMeta('k'))).toBe('outer');
    await store.close();
  });
});

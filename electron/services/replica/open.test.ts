import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { openReplica, keyCheckPath } from './open';
import { migrations } from '../../../db/replica/migrations';
import { messages, conversations, contacts } from '../../../db/replica/schema';
import { tempDir } from '../../../tests/support/tmp';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function seedOne(path: string, key: Buffer) {
  const r = openReplica({ path, key, create: true });
  r.db.insert(contacts).values({ id: 'c1', displayName: '王秀英', createdAt: 1, updatedAt: 1 }).run();
  r.db.insert(conversations).values({ id: 'v1', contactId: 'c1', channel: 'wechat', lastMessageAt: 1, createdAt: 1, updatedAt: 1 }).run();
  r.db.insert(messages).values({ id: 'm1', conversationId: 'v1', direction: 'inbound', body: '血糖有点高怎么办', deliveryStatus: 'received', createdAt: 1 }).run();
  r.close();
}

describe('encrypted replica', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());
  const setup = () => {
    const t = tempDir();
    cleanup = t.cleanup;
    return { dir: t.dir, path: join(t.dir, 'replica.db'), key: randomBytes(32) };
  };

  it('creates an encrypted file with operating pragmas and the newest schema', () => {
    const { path, key } = setup();
    const r = openReplica({ path, key, create: true });
    expect(r.schemaVersion).toBe(migrations.length);
    expect(r.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(r.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(r.sqlite.pragma('secure_delete', { simple: true })).toBe(1);
    expect(r.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    // 64 MiB page cache: a miss decrypts and verifies a page (bench/results/replica.json, large_replica_reads).
    expect(r.sqlite.pragma('cache_size', { simple: true })).toBe(-65536);
    expect(r.sqlite.pragma('cipher', { simple: true })).toBe('sqlcipher');
    r.close();
    const head = readFileSync(path).subarray(0, 16).toString('latin1');
    expect(head).not.toBe('SQLite format 3\0');
    expect(readFileSync(path).includes(Buffer.from('CREATE TABLE'))).toBe(false);
  });

  it('refetchable writes skip the fsync for that transaction only, and FULL comes back even when the write throws', () => {
    const { path, key } = setup();
    const r = openReplica({ path, key, create: true });
    const sync = () => r.sqlite.pragma('synchronous', { simple: true });
    expect(r.refetchable(() => sync())).toBe(1); // NORMAL inside
    expect(sync()).toBe(2);
    expect(() =>
      r.refetchable(() => {
        throw new Error('page rejected');
      }),
    ).toThrow('page rejected');
    expect(sync()).toBe(2); // FULL again for everything the user is told is saved
    r.close();
  });

  it('reopens with the key and reads rows back; text is not in the file', () => {
    const { path, key } = setup();
    seedOne(path, key);
    expect(readFileSync(path).includes(Buffer.from('血糖有点高'))).toBe(false);
    const r = openReplica({ path, key, create: false });
    expect(r.db.select().from(messages).all().map((m) => m.body)).toEqual(['血糖有点高怎么办']);
    r.close();
  });

  it('missing file with create=false → replica.missing, nothing created', () => {
    const { path, key } = setup();
    expect(() => openReplica({ path, key, create: false })).toThrow(expect.objectContaining({ code: 'replica.missing' }));
    expect(existsSync(path)).toBe(false);
  });

  it('wrong key → replica.wrong_key and the file is byte-for-byte unchanged', () => {
    const { path, key } = setup();
    seedOne(path, key);
    const before = sha(path);
    expect(() => openReplica({ path, key: randomBytes(32), create: false })).toThrow(expect.objectContaining({ code: 'replica.wrong_key' }));
    // Even without the key-check sidecar (e.g. copied elsewhere), SQLCipher's own check refuses.
    rmSync(keyCheckPath(path));
    expect(() => openReplica({ path, key: randomBytes(32), create: true })).toThrow(expect.objectContaining({ code: 'replica.wrong_key' }));
    expect(sha(path)).toBe(before);
    expect(openReplica({ path, key, create: false }).db.select().from(messages).all()).toHaveLength(1);
  });

  it('damaged page 1 with the right key → replica.corrupt, file untouched', () => {
    const { path, key } = setup();
    seedOne(path, key);
    const buf = readFileSync(path);
    buf[200] = buf[200]! ^ 0xff;
    writeFileSync(path, buf);
    const before = sha(path);
    expect(() => openReplica({ path, key, create: true })).toThrow(expect.objectContaining({ code: 'replica.corrupt' }));
    expect(sha(path)).toBe(before);
  });

  it('truncated file → replica.corrupt, file untouched', () => {
    const { path, key } = setup();
    seedOne(path, key);
    writeFileSync(path, readFileSync(path).subarray(0, 5000));
    const before = sha(path);
    expect(() => openReplica({ path, key, create: true })).toThrow(expect.objectContaining({ code: 'replica.corrupt' }));
    expect(sha(path)).toBe(before);
  });

  it('a plain SQLite file → replica.not_encrypted, untouched', () => {
    const { path, key } = setup();
    const plain = new Database(path);
    plain.exec('CREATE TABLE x(a); INSERT INTO x VALUES (1)');
    plain.close();
    const before = sha(path);
    expect(() => openReplica({ path, key, create: true })).toThrow(expect.objectContaining({ code: 'replica.not_encrypted' }));
    expect(sha(path)).toBe(before);
  });

  it('a replica from a newer app → replica.from_future, untouched', () => {
    const { path, key } = setup();
    const r = openReplica({ path, key, create: true });
    r.sqlite.pragma(`user_version = ${migrations.length + 5}`);
    r.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    r.close();
    const before = sha(path);
    expect(() => openReplica({ path, key, create: false })).toThrow(expect.objectContaining({ code: 'replica.from_future' }));
    expect(sha(path)).toBe(before);
  });

  it('rekey: the new key opens it with data intact, the old one no longer does', () => {
    const { dir, path, key } = setup();
    seedOne(path, key);
    const r = openReplica({ path, key, create: false });
    const next = randomBytes(32);
    r.rekey(next);
    expect(r.db.select().from(messages).all()).toHaveLength(1);
    expect(r.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    r.close();
    expect(() => openReplica({ path, key, create: false })).toThrow(expect.objectContaining({ code: 'replica.wrong_key' }));
    // A copy without the sidecar proves SQLCipher itself rejects the old key.
    const copy = join(dir, 'copy.db');
    copyFileSync(path, copy);
    expect(() => openReplica({ path: copy, key, create: false })).toThrow(expect.objectContaining({ code: 'replica.wrong_key' }));
    const again = openReplica({ path, key: next, create: false });
    expect(again.db.select().from(messages).all()[0]!.body).toBe('血糖有点高怎么办');
    expect(again.integrityCheck().ok).toBe(true);
    again.close();
  });

  it('integrity checks: clean on a good file, a damaged inner page is named', () => {
    const { path, key } = setup();
    const r = openReplica({ path, key, create: true });
    r.db.insert(contacts).values({ id: 'c1', displayName: 'x', createdAt: 1, updatedAt: 1 }).run();
    r.db.insert(conversations).values({ id: 'v1', contactId: 'c1', channel: 'sms', lastMessageAt: 1, createdAt: 1, updatedAt: 1 }).run();
    const ins = r.sqlite.prepare("INSERT INTO messages (id, conversation_id, direction, body, delivery_status, created_at) VALUES (?, 'v1', 'inbound', ?, 'received', 1)");
    r.sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) ins.run(`m${i}`, `消息 ${i} `.repeat(10));
    })();
    const good = r.integrityCheck();
    expect(good).toEqual({ integrity: ['ok'], cipherIntegrity: [], ok: true });
    r.close();
    const buf = readFileSync(path);
    const page = 40;
    buf[(page - 1) * 4096 + 100] = buf[(page - 1) * 4096 + 100]! ^ 0x01;
    writeFileSync(path, buf);
    const bad = openReplica({ path, key, create: false });
    const report = bad.integrityCheck();
    expect(report.ok).toBe(false);
    expect(report.cipherIntegrity).toEqual([`HMAC verification failed for page ${page}`]);
    bad.close();
  });
});

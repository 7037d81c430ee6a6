import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createWrappedKeyStore, createStaticKeyStore } from './keystore';
import { tempDir, testKeyWrapper } from '../../../tests/support/tmp';

describe('wrapped key store', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('creates a random 32-byte key once and keeps it only wrapped on disk', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'replica.key');
    const store = createWrappedKeyStore(file, testKeyWrapper());
    const first = await store.getOrCreateKey();
    expect(first.created).toBe(true);
    expect(first.key).toHaveLength(32);
    const onDisk = readFileSync(file);
    expect(onDisk.includes(first.key)).toBe(false);
    expect(onDisk.toString('latin1')).not.toContain(first.key.toString('hex'));
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o077).toBe(0);
    const again = await store.getOrCreateKey();
    expect(again.created).toBe(false);
    expect(again.key.equals(first.key)).toBe(true);
  });

  it('two stores make different keys', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const a = await createWrappedKeyStore(join(t.dir, 'a.key'), testKeyWrapper()).getOrCreateKey();
    const b = await createWrappedKeyStore(join(t.dir, 'b.key'), testKeyWrapper()).getOrCreateKey();
    expect(a.key.equals(b.key)).toBe(false);
  });

  it('refuses when OS protection is unavailable and writes nothing', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'replica.key');
    await expect(createWrappedKeyStore(file, testKeyWrapper(false)).getOrCreateKey()).rejects.toMatchObject({ code: 'keystore.unavailable' });
    expect(existsSync(file)).toBe(false);
  });

  it('reports an unreadable wrapped key (another OS account) without touching the file', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'replica.key');
    await createWrappedKeyStore(file, testKeyWrapper()).getOrCreateKey();
    const before = readFileSync(file);
    await expect(createWrappedKeyStore(file, testKeyWrapper()).getOrCreateKey()).rejects.toMatchObject({ code: 'keystore.unreadable' });
    writeFileSync(join(t.dir, 'junk.key'), 'not wrapped');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('static store (tests only) hands out copies of its key', async () => {
    const key = Buffer.alloc(32, 7);
    const store = createStaticKeyStore(key, true);
    const a = await store.getOrCreateKey();
    a.key.fill(0);
    const b = await store.getOrCreateKey();
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.key.equals(key)).toBe(true);
    expect(() => createStaticKeyStore(Buffer.alloc(16))).toThrow();
  });
});

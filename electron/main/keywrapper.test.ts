import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertKeyProtection, createSafeStorageKeyWrapper } from './keywrapper';
import { createWrappedKeyStore } from '../services/replica/keystore';
import { tempDir } from '../../tests/support/tmp';

type Backend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/** A stand-in for Electron's safeStorage: reversible, but visibly not the plain text. */
function fakeSafeStorage(opts: { available?: boolean; backend?: Backend } = {}) {
  return {
    isEncryptionAvailable: vi.fn(() => opts.available ?? true),
    getSelectedStorageBackend: vi.fn((): Backend => opts.backend ?? 'gnome_libsecret'),
    encryptString: vi.fn((plain: string) => Buffer.from(`wrapped:${Buffer.from(plain).toString('base64')}`)),
    decryptString: vi.fn((data: Buffer) => Buffer.from(data.toString().replace(/^wrapped:/, ''), 'base64').toString()),
  };
}

describe('safeStorage key wrapper', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('wraps and unwraps through safeStorage when a real backend is present', () => {
    for (const [platform, backend] of [['linux', 'gnome_libsecret'], ['linux', 'kwallet6'], ['win32', 'unknown'], ['darwin', 'unknown']] as const) {
      const ss = fakeSafeStorage({ backend });
      const w = createSafeStorageKeyWrapper(ss, platform);
      expect(w.isAvailable(), `${platform}/${backend}`).toBe(true);
      expect(w.unavailableReason()).toBeNull();
      const wrapped = w.encrypt('ab'.repeat(32));
      expect(ss.encryptString).toHaveBeenCalledWith('ab'.repeat(32));
      expect(w.decrypt(wrapped)).toBe('ab'.repeat(32));
    }
  });

  it('is unavailable when safeStorage says encryption is unavailable', () => {
    const ss = fakeSafeStorage({ available: false });
    const w = createSafeStorageKeyWrapper(ss, 'win32');
    expect(w.isAvailable()).toBe(false);
    expect(() => w.encrypt('secret')).toThrow(expect.objectContaining({ code: 'keystore.unavailable' }));
    expect(() => w.decrypt(Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'keystore.unavailable' }));
    expect(ss.encryptString).not.toHaveBeenCalled();
  });

  it("treats Linux 'basic_text' (hard-coded password) and an unknown backend as unavailable", () => {
    for (const backend of ['basic_text', 'unknown'] as const) {
      const ss = fakeSafeStorage({ backend });
      const w = createSafeStorageKeyWrapper(ss, 'linux');
      expect(w.isAvailable(), backend).toBe(false);
      expect(w.unavailableReason()).toContain(backend);
      expect(() => w.encrypt('secret')).toThrow(expect.objectContaining({ code: 'keystore.unavailable' }));
      expect(ss.encryptString).not.toHaveBeenCalled();
    }
  });

  it('counts a throwing safeStorage as unavailable', () => {
    const ss = fakeSafeStorage();
    ss.isEncryptionAvailable.mockImplementation(() => {
      throw new Error('not ready');
    });
    expect(createSafeStorageKeyWrapper(ss, 'linux').isAvailable()).toBe(false);
  });

  it('assertKeyProtection names the cause in a keystore.unavailable error', () => {
    expect(() => assertKeyProtection(createSafeStorageKeyWrapper(fakeSafeStorage({ backend: 'basic_text' }), 'linux'))).toThrow(
      expect.objectContaining({ name: 'LanternError', code: 'keystore.unavailable', message: expect.stringMatching(/keyring/) }),
    );
    expect(() => assertKeyProtection(createSafeStorageKeyWrapper(fakeSafeStorage(), 'linux'))).not.toThrow();
  });

  it('with basic_text the key store refuses and writes no key file', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'replica.key');
    const store = createWrappedKeyStore(file, createSafeStorageKeyWrapper(fakeSafeStorage({ backend: 'basic_text' }), 'linux'));
    await expect(store.getOrCreateKey()).rejects.toMatchObject({ code: 'keystore.unavailable' });
    expect(existsSync(file)).toBe(false);
  });

  it('with a keyring the key store keeps the key only wrapped on disk', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const ss = fakeSafeStorage();
    const file = join(t.dir, 'replica.key');
    const first = await createWrappedKeyStore(file, createSafeStorageKeyWrapper(ss, 'linux')).getOrCreateKey();
    expect(ss.encryptString).toHaveBeenCalledWith(first.key.toString('hex'));
    const again = await createWrappedKeyStore(file, createSafeStorageKeyWrapper(ss, 'linux')).getOrCreateKey();
    expect(again).toMatchObject({ created: false });
    expect(again.key.equals(first.key)).toBe(true);
  });
});

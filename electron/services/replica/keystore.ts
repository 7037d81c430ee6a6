import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { LanternError } from '../../../shared/contract/result';
import { writeFileAtomic } from '../fs/atomic';

/**
 * Wraps and unwraps the replica key with an OS facility. In the app this is
 * Electron's safeStorage (DPAPI on Windows, Keychain on macOS, libsecret on Linux).
 */
export interface KeyWrapper {
  isAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface KeyStore {
  /** The raw 32-byte replica key; `created` when this call made a new one (first run). */
  getOrCreateKey(): Promise<{ key: Buffer; created: boolean }>;
}

const KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-f]{64}$/;

/**
 * The app's key store: a random 32-byte key, kept on disk ONLY wrapped by the OS
 * (the unwrapped key never touches disk). Losing the wrapped file means the replica
 * cannot be opened — the hub still has everything acknowledged, but queued replies
 * would be lost, so the file is written atomically and never rewritten.
 */
export function createWrappedKeyStore(filePath: string, wrapper: KeyWrapper): KeyStore {
  return {
    async getOrCreateKey() {
      if (!wrapper.isAvailable()) throw new LanternError('keystore.unavailable', 'OS key protection (safeStorage) is not available');
      if (existsSync(filePath)) {
        let hex: string;
        try {
          hex = wrapper.decrypt(readFileSync(filePath)).trim();
        } catch (e) {
          throw new LanternError('keystore.unreadable', `Could not unwrap the replica key: ${(e as Error).message}`);
        }
        if (!HEX_KEY.test(hex)) throw new LanternError('keystore.unreadable', 'The unwrapped replica key is malformed');
        return { key: Buffer.from(hex, 'hex'), created: false };
      }
      const key = randomBytes(KEY_BYTES);
      writeFileAtomic(filePath, wrapper.encrypt(key.toString('hex')), 0o600);
      return { key, created: true };
    },
  };
}

/**
 * For tests, benchmarks and the fault harness only: a key given explicitly.
 * Never wired into the app.
 */
export function createStaticKeyStore(key: Buffer, created = false): KeyStore {
  if (key.length !== KEY_BYTES) throw new Error('A replica key is 32 bytes');
  let first = created;
  return {
    async getOrCreateKey() {
      const c = first;
      first = false;
      return { key: Buffer.from(key), created: c };
    },
  };
}

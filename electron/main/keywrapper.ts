import type { SafeStorage } from 'electron';
import { LanternError } from '../../shared/contract/result';
import type { KeyWrapper } from '../services/replica/keystore';

type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: SafeStorage['getSelectedStorageBackend'];
};

/** Linux backends that actually protect the key with the user's login keyring. */
const PROTECTED_LINUX_BACKENDS: ReadonlySet<string> = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

export type SafeStorageKeyWrapper = KeyWrapper & {
  /** Why OS key protection is unusable (English, for logs and the startup dialog), or null. */
  unavailableReason(): string | null;
};

/**
 * The replica key is wrapped by the OS (DPAPI, Keychain, libsecret/KWallet) via
 * Electron's safeStorage. On Linux without a keyring Electron silently falls back
 * to 'basic_text' — a hard-coded password, i.e. obfuscation, not protection — so
 * that backend (and an undetermined one) counts as unavailable: the app refuses to
 * start (keystore.unavailable) instead of storing the key effectively in clear.
 * Must be created/used after app 'ready' (safeStorage is not usable before).
 */
export function createSafeStorageKeyWrapper(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): SafeStorageKeyWrapper {
  const unavailableReason = (): string | null => {
    let available = false;
    try {
      available = safeStorage.isEncryptionAvailable();
    } catch {
      available = false;
    }
    if (!available) return 'OS key protection (safeStorage) is not available on this machine';
    if (platform === 'linux') {
      let backend = 'unknown';
      try {
        backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      } catch {
        backend = 'unknown';
      }
      if (!PROTECTED_LINUX_BACKENDS.has(backend)) {
        return `No Linux keyring is available (safeStorage backend "${backend}"): install and unlock GNOME Keyring (libsecret) or KWallet`;
      }
    }
    return null;
  };
  const assertAvailable = () => {
    const reason = unavailableReason();
    if (reason !== null) throw new LanternError('keystore.unavailable', reason);
  };
  return {
    unavailableReason,
    isAvailable: () => unavailableReason() === null,
    encrypt(plain) {
      assertAvailable();
      return safeStorage.encryptString(plain);
    },
    decrypt(data) {
      assertAvailable();
      return safeStorage.decryptString(data);
    },
  };
}

/**
 * Called before the key store is touched, so the startup dialog names the actual
 * cause (e.g. "no Linux keyring") rather than only the generic keystore message.
 */
export function assertKeyProtection(wrapper: SafeStorageKeyWrapper): void {
  const reason = wrapper.unavailableReason();
  if (reason !== null) throw new LanternError('keystore.unavailable', reason);
}

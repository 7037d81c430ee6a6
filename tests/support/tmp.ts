import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, createCipheriv, createDecipheriv } from 'node:crypto';
import type { KeyWrapper } from '../../electron/services/replica/keystore';

/** A fresh folder per test; removed by the returned function. */
export function tempDir(prefix = 'lantern-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The explicit test key provider: wraps with AES-256-GCM under a key held in
 * memory, standing in for the OS facility (safeStorage) that tests cannot reach.
 */
export function testKeyWrapper(available = true): KeyWrapper & { wrappingKey: Buffer } {
  const wrappingKey = randomBytes(32);
  return {
    wrappingKey,
    isAvailable: () => available,
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', wrappingKey, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(data) {
      const d = createDecipheriv('aes-256-gcm', wrappingKey, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

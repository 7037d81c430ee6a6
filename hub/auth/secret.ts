import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The HMAC key for access tokens, `<data>/secret.key` (32 random bytes, mode 0600).
 * Created exclusively ('wx') so two processes starting on a new data dir cannot
 * end up with different keys; replacing the file signs everyone out.
 */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const path = join(dataDir, 'secret.key');
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = readFileSync(path);
  if (key.length < 32) throw new Error(`${path} is shorter than 32 bytes; delete it to make a new one (this signs everyone out)`);
  return key;
}

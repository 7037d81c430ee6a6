import { randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type { Replica } from '../replica/open';
import { readState, writeState } from '../sync/state';

const VERIFIER_KEY = 'unlock_verifier';

/**
 * A local password verifier (scrypt) so the screen can be unlocked when the hub is
 * unreachable — a nurse on a flaky clinic network must not be locked out of her own
 * drafts. Written at each successful sign-in; lives in the encrypted replica.
 */
/** scrypt on libuv's thread pool: ~50 ms of key stretching must not hold the main process (the UI's IPC, live pages). */
const scryptAsync = (password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

export async function setUnlockPassword(replica: Replica, password: string): Promise<void> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, 32, { N: 16384, r: 8, p: 1 });
  writeState(replica, VERIFIER_KEY, `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`);
}

export async function checkUnlockPassword(replica: Replica, password: string): Promise<boolean> {
  const stored = readState(replica, VERIFIER_KEY);
  if (!stored) return false;
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(saltHex, 'hex'), expected.length, { N: 16384, r: 8, p: 1 });
  return timingSafeEqual(actual, expected);
}

export function hasUnlockPassword(replica: Replica): boolean {
  return readState(replica, VERIFIER_KEY) !== null;
}

import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Replica } from '../replica/open';
import { readState, writeState } from '../sync/state';

const VERIFIER_KEY = 'unlock_verifier';

/**
 * A local password verifier (scrypt) so the screen can be unlocked when the hub is
 * unreachable — a nurse on a flaky clinic network must not be locked out of her own
 * drafts. Written at each successful sign-in; lives in the encrypted replica.
 */
export function setUnlockPassword(replica: Replica, password: string): void {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFKC'), salt, 32, { N: 16384, r: 8, p: 1 });
  writeState(replica, VERIFIER_KEY, `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`);
}

export function checkUnlockPassword(replica: Replica, password: string): boolean {
  const stored = readState(replica, VERIFIER_KEY);
  if (!stored) return false;
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(password.normalize('NFKC'), Buffer.from(saltHex, 'hex'), expected.length, { N: 16384, r: 8, p: 1 });
  return timingSafeEqual(actual, expected);
}

export function hasUnlockPassword(replica: Replica): boolean {
  return readState(replica, VERIFIER_KEY) !== null;
}

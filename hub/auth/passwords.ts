import { hash, verify, type Options } from '@node-rs/argon2';
import { randomBytes, randomInt } from 'node:crypto';

/**
 * argon2id with the OWASP baseline (19 MiB, 2 passes, 1 lane): slow enough to
 * make offline guessing expensive, fast enough (~30 ms) for a login.
 */
// `Algorithm` is an ambient const enum (not importable under isolatedModules): 2 = Argon2id.
const ARGON2ID = 2 as NonNullable<Options['algorithm']>;
const PARAMS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Verifies against a throwaway hash so an unknown username costs as much time as a wrong password. */
export async function burnVerify(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummy, password);
}

/** A readable random password for `user add` / `user reset` when none is given. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

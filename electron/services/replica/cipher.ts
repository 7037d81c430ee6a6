import { createHmac, pbkdf2Sync, createHash } from 'node:crypto';
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';

/**
 * SQLCipher 4 settings (`cipher='sqlcipher'`, `legacy=4`): AES-256-CBC, 4096-byte
 * pages, HMAC-SHA512 per page, PBKDF2-HMAC-SHA512. These are the defaults of the
 * official SQLCipher 4 tools, so a hospital's DBA can open a replica with them.
 */
export const CIPHER = { name: 'sqlcipher', legacy: 4, pageSize: 4096, hmacBytes: 64, ivBytes: 16, saltBytes: 16, hmacSaltMask: 0x3a, fastKdfIter: 2 } as const;

/** PRAGMAs that select the cipher; they must run before `key`. */
export function cipherPragmas(): string[] {
  return [`cipher='${CIPHER.name}'`, `legacy=${CIPHER.legacy}`];
}

/**
 * A raw key: `x'<64 hex>'` makes SQLCipher use the bytes as the AES key directly,
 * with no PBKDF2 run on open (256,000 rounds would cost ~100 ms at every unlock).
 */
export function rawKeyPragma(key: Buffer, pragma: 'key' | 'rekey' = 'key'): string {
  if (key.length !== 32) throw new Error('A replica key is 32 bytes');
  return `${pragma}="x'${key.toString('hex')}'"`;
}

/** A value that proves a key is the right one without revealing it (kept beside the file). */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('lantern-replica-key-check-v1').digest('hex');
}

export const SQLITE_PLAINTEXT_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Our own `cipher_integrity_check`. SQLite3MultipleCiphers does not implement that
 * SQLCipher pragma (it answers nothing), so we verify every page's HMAC the way
 * SQLCipher 4 does: HMAC-SHA512 over ciphertext‖IV‖page-number (little-endian),
 * keyed by PBKDF2(key, salt XOR 0x3a, 2 rounds). The main file must be checkpointed
 * first (WAL frames are not in it). Returns one line per bad page.
 */
export function verifyPageHmacs(path: string, key: Buffer): string[] {
  const { pageSize, hmacBytes, ivBytes, saltBytes } = CIPHER;
  const reserve = ivBytes + hmacBytes;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return [];
    if (size % pageSize !== 0) return [`file size ${size} is not a multiple of the page size ${pageSize}`];
    const page = Buffer.alloc(pageSize);
    readSync(fd, page, 0, pageSize, 0);
    const salt = Buffer.from(page.subarray(0, saltBytes));
    const hmacSalt = Buffer.from(salt.map((b) => b ^ CIPHER.hmacSaltMask));
    const hmacKey = pbkdf2Sync(key, hmacSalt, CIPHER.fastKdfIter, 32, 'sha512');
    const pgno = Buffer.alloc(4);
    const problems: string[] = [];
    const pages = size / pageSize;
    for (let i = 0; i < pages; i++) {
      if (i > 0) readSync(fd, page, 0, pageSize, i * pageSize);
      const start = i === 0 ? saltBytes : 0;
      const macAt = pageSize - reserve + ivBytes;
      pgno.writeUInt32LE(i + 1);
      const mac = createHmac('sha512', hmacKey).update(page.subarray(start, macAt)).update(pgno).digest();
      if (!mac.equals(page.subarray(macAt, macAt + hmacBytes))) problems.push(`HMAC verification failed for page ${i + 1}`);
    }
    return problems;
  } finally {
    closeSync(fd);
  }
}

export function sha256File(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

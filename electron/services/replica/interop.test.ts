import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openReplica } from './open';
import { contacts, conversations, messages } from '../../../db/replica/schema';
import { tempDir } from '../../../tests/support/tmp';
import { findSqlcipherCli, runSqlcipher } from '../../../tests/support/sqlcipher-cli';

/**
 * Proof of encryption with a real peer: the official SQLCipher 4 shell (not our
 * library) opens the replica with the raw key and reads our rows, and cannot
 * without it.
 */
describe('replica ↔ official sqlcipher CLI', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('is readable by the official sqlcipher CLI with the key, and only with it', () => {
    const cli = findSqlcipherCli();
    if ('missing' in cli) throw new Error(cli.missing);
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'replica.db');
    const key = randomBytes(32);
    const r = openReplica({ path, key, create: true });
    r.db.insert(contacts).values({ id: 'c1', displayName: '李建国', createdAt: 1, updatedAt: 1 }).run();
    r.db.insert(conversations).values({ id: 'v1', contactId: 'c1', channel: 'phone', lastMessageAt: 1, createdAt: 1, updatedAt: 1 }).run();
    r.db.insert(messages).values({ id: 'm1', conversationId: 'v1', direction: 'inbound', body: '胸口疼，喘不上气', deliveryStatus: 'received', createdAt: 1 }).run();
    r.close();

    expect(readFileSync(path).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');

    const withKey = runSqlcipher(cli.path, path, `PRAGMA key = "x'${key.toString('hex')}'";\nSELECT id || '|' || body FROM messages;\nPRAGMA cipher_integrity_check;\nPRAGMA integrity_check;\n`);
    expect(withKey.stderr).toBe('');
    // 'ok' from PRAGMA key, the row, nothing from cipher_integrity_check (no bad pages), 'ok' from integrity_check.
    expect(withKey.stdout.trim().split('\n')).toEqual(['ok', 'm1|胸口疼，喘不上气', 'ok']);

    const noKey = runSqlcipher(cli.path, path, 'SELECT count(*) FROM messages;\n');
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr).toMatch(/file is not a database/);

    const wrongKey = runSqlcipher(cli.path, path, `PRAGMA key = "x'${randomBytes(32).toString('hex')}'";\nSELECT count(*) FROM messages;\n`);
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.stderr).toMatch(/file is not a database/);
  });
});

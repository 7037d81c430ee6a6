import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub } from '../../app/create-hub';
import { ChannelUnavailableError, createImapSource } from './imap';

describe('optional IMAP polling', () => {
  it('fails with a clear "not installed" error, and the hub refuses to start with it configured', async () => {
    await expect(createImapSource({ host: 'imap.example', port: 993, user: 'u', mailbox: 'INBOX' })).rejects.toThrow(ChannelUnavailableError);
    await expect(createImapSource({ host: 'imap.example', port: 993, user: 'u', mailbox: 'INBOX' })).rejects.toThrow(/"imapflow" is not installed/);
    const dir = mkdtempSync(join(tmpdir(), 'lantern-imap-'));
    try {
      await expect(
        createHub({ dataDir: dir, port: 0, logger: false, env: {}, config: { channels: { email: { enabled: true, listen: { port: 0, host: '127.0.0.1' }, imap: { host: 'imap.example', user: 'u', pass: 'p' } } } } }),
      ).rejects.toThrow(/imapflow/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Optional IMAP polling for mailboxes the hub cannot receive by SMTP. It needs
 * the `imapflow` package, which Lantern does not install by default; configuring
 * `channels.email.imap` without it stops the hub with this error instead of
 * silently never reading mail.
 */
export interface ImapSource {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class ChannelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelUnavailableError';
  }
}

export async function createImapSource(cfg: { host: string; port: number; user: string; mailbox: string }): Promise<ImapSource> {
  const pkg = 'imapflow';
  try {
    await import(pkg);
  } catch {
    throw new ChannelUnavailableError(
      `channels.email.imap is configured (${cfg.user}@${cfg.host}:${cfg.port}) but the optional package "imapflow" is not installed. ` +
        'Install it (npm install imapflow) or remove channels.email.imap and deliver mail to the built-in SMTP listener (channels.email.listen).',
    );
  }
  throw new ChannelUnavailableError('IMAP polling is not implemented in this version; deliver mail to the SMTP listener (channels.email.listen).');
}

import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { ChannelsConfig } from '../config';
import { ChannelError } from '../errors';
import { safeFilename } from '../attachments';
import { humanSize } from '../inbound';
import { normalizeEmail } from '../identity';
import type { AttachmentInput, ChannelAdapter, ChannelRuntime, InboundEnvelope, OutboundJob, SendOutcome } from '../types';
import { createImapSource, type ImapSource } from './imap';
import { replyPart } from '../../qa/survey-wording';

type EmailConfig = ChannelsConfig['email'];

/** An SMTP reply to the sending server: 5xx permanent, 4xx try again later. */
class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** `<a@b>` → `a@b` (Message-IDs are compared without brackets, case kept). */
export function bareId(id: string): string {
  return id.trim().replace(/^<|>$/g, '');
}

export function refsOf(parsed: Pick<ParsedMail, 'inReplyTo' | 'references'>): string[] {
  const refs = typeof parsed.references === 'string' ? parsed.references.split(/\s+/) : (parsed.references ?? []);
  const list = [parsed.inReplyTo ?? '', ...[...refs].reverse()].map(bareId).filter(Boolean);
  return [...new Set(list)];
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): { address: string; name: string } | null {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  for (const o of list) for (const v of o.value) if (v.address) return { address: v.address, name: v.name ?? '' };
  return null;
}

/**
 * E-mail. Inbound: a built-in SMTP listener (smtp-server) on `listen.port`; each
 * message is parsed (mailparser), threaded into a conversation by Message-ID /
 * In-Reply-To / References, its attachments stored within the size limits, and
 * only then answered 250 (a 4xx makes the sending server retry; nothing is lost).
 * Outbound: nodemailer over SMTP with In-Reply-To/References and a Message-ID
 * derived from the message id (a retried send carries the same id).
 */
export class EmailAdapter implements ChannelAdapter {
  readonly channel = 'email' as const;
  private server: SMTPServer | null = null;
  private transport: Transporter | null = null;
  private imap: ImapSource | null = null;
  port = 0;

  constructor(
    private readonly rt: ChannelRuntime,
    private readonly cfg: EmailConfig,
  ) {}

  private accepts(address: string): boolean {
    const a = address.toLowerCase();
    if (this.cfg.inboundAddresses.length > 0) return this.cfg.inboundAddresses.map((x) => x.toLowerCase()).includes(a);
    return a.endsWith(`@${this.cfg.domain.toLowerCase()}`);
  }

  async start(): Promise<void> {
    if (this.cfg.imap) this.imap = await createImapSource(this.cfg.imap);
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: this.cfg.maxMessageBytes,
      banner: 'Lantern hub',
      logger: false,
      // On shutdown idle sessions are dropped after this; a message being stored finishes first.
      closeTimeout: 5000,
      onRcptTo: (address: SMTPServerAddress, _s: SMTPServerSession, cb: (err?: Error | null) => void) => {
        if (this.accepts(address.address)) return cb();
        this.rt.log.warn({ channel: 'email', code: 'channel.unknown_recipient' }, 'smtp recipient refused');
        return cb(new SmtpReply(550, 'No such mailbox here'));
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null) => void) => {
        this.onData(stream, session).then(
          () => cb(),
          (e: unknown) => cb(e instanceof Error ? e : new SmtpReply(451, 'Temporary failure')),
        );
      },
    });
    server.on('error', (e) => this.rt.log.warn({ err: e, channel: 'email' }, 'smtp server error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.cfg.listen.port, this.cfg.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : this.cfg.listen.port;
    this.server = server;
    this.rt.log.info({ port: this.port, host: this.cfg.listen.host }, 'smtp listener ready');
  }

  private async readAll(stream: Readable & { sizeExceeded?: boolean }): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of stream) {
      const b = c as Buffer;
      n += b.length;
      if (n <= this.cfg.maxMessageBytes) chunks.push(b);
    }
    if (stream.sizeExceeded || n > this.cfg.maxMessageBytes) throw new SmtpReply(552, `Message larger than ${this.cfg.maxMessageBytes} bytes`);
    return Buffer.concat(chunks);
  }

  /** Parses one received message into an inbound envelope (throws SmtpReply 5xx for mail we must refuse). */
  async envelopeOf(raw: Buffer): Promise<InboundEnvelope> {
    let parsed: ParsedMail;
    try {
      parsed = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
    } catch (e) {
      throw new SmtpReply(554, `Malformed MIME: ${(e as Error).message.slice(0, 80)}`);
    }
    const from = firstAddress(parsed.from);
    const address = from ? normalizeEmail(from.address) : null;
    if (!address) throw new SmtpReply(550, 'No usable From address');
    const messageId = parsed.messageId ? bareId(parsed.messageId) : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    const files: AttachmentInput[] = [];
    const notes: string[] = [];
    for (const a of parsed.attachments ?? []) {
      const name = safeFilename(a.filename, 'attachment.bin');
      if (a.size > this.cfg.maxAttachmentBytes) notes.push(`[附件过大未保存] ${name} (${humanSize(a.size)}，上限 ${humanSize(this.cfg.maxAttachmentBytes)})`);
      else if (files.length >= this.cfg.maxAttachments) notes.push(`[附件过多未保存] ${name}`);
      else files.push({ filename: name, mime: (a.contentType || 'application/octet-stream').toLowerCase().slice(0, 100), data: a.content });
    }
    const text = (parsed.text ?? '').trim() || (typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : '');
    const headers = parsed.headerLines.map((h) => h.line).join('\n');
    const subject = parsed.subject?.trim() || null;
    return {
      channel: 'email',
      dedupeKey: `mid:${messageId}`,
      raw: `${headers}\n\n${text}`,
      at: parsed.date && Number.isFinite(parsed.date.getTime()) ? Math.min(parsed.date.getTime(), this.rt.ctx.now()) : this.rt.ctx.now(),
      // A From header can be forged: e-mail addresses are never auto-linked to other channels.
      from: { externalId: address, verified: false, displayName: from?.name || null },
      threadRefs: refsOf(parsed),
      ownRefs: [messageId],
      newThread: true,
      subject,
      message: { body: [subject ? `【${subject}】` : '', text, ...notes].filter(Boolean).join('\n'), contentType: 'email', authorName: from?.name || null },
      attachments: files,
      // A reply to a survey e-mail: the score is the patient's own line, above the quoted survey.
      answerText: replyPart(text),
    };
  }

  private async onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const raw = await this.readAll(stream);
    try {
      const env = await this.envelopeOf(raw);
      const r = await this.rt.accept(env);
      this.rt.log.info({ channel: 'email', conversationId: r.conversationId, duplicate: r.duplicate, remote: session.remoteAddress }, 'mail accepted');
    } catch (e) {
      if (e instanceof SmtpReply) {
        this.rt.log.warn({ channel: 'email', code: e.responseCode, reason: e.message, remote: session.remoteAddress }, 'mail refused');
        throw e;
      }
      if (e instanceof ChannelError && e.status < 500) {
        this.rt.log.warn({ channel: 'email', code: e.code, reason: e.message }, 'mail refused');
        throw new SmtpReply(554, e.message);
      }
      this.rt.log.error({ err: e, channel: 'email' }, 'mail not stored; sender will retry');
      throw new SmtpReply(451, 'Temporary failure, try again later');
    }
  }

  private transporter(): Transporter | null {
    const o = this.cfg.outbound;
    if (!o) return null;
    this.transport ??= nodemailer.createTransport({
      host: o.host,
      port: o.port,
      secure: o.secure,
      requireTLS: o.requireTLS,
      ignoreTLS: o.ignoreTLS,
      ...(o.auth ? { auth: { user: o.auth.user, pass: o.auth.pass } } : {}),
      connectionTimeout: o.timeoutMs,
      greetingTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
    });
    return this.transport;
  }

  async send(job: OutboundJob): Promise<SendOutcome> {
    const t = this.transporter();
    if (!t || !this.cfg.outbound) return { status: 'failed', reason: 'channel.not_configured' };
    const to = job.identity?.externalId;
    if (!to) return { status: 'failed', reason: 'channel.no_route' };
    const refs = await this.rt.ctx.store.read((r) => r.refsOfConversation(job.conversation.id));
    const inbound = refs.filter((r) => r.messageId !== null && !r.ref.endsWith(`@${this.cfg.domain}`));
    const inReplyTo = inbound.at(-1)?.ref;
    const references = refs.map((r) => `<${r.ref}>`).slice(-20);
    const base = job.thread?.subject ?? job.conversation.subject ?? '您的咨询';
    const subject = /^(re|回复|答复)\s*[:：]/i.test(base) ? base : `Re: ${base}`;
    const messageId = `${job.message.id}@${this.cfg.domain}`;
    // Files on the reply go as MIME parts (the bytes from the hub's store).
    const files = await this.rt.ctx.store.read(async (r) => {
      const out: { filename: string; content: Buffer; contentType: string }[] = [];
      for (const meta of await r.attachmentsOfMessage(job.message.id)) {
        const a = await r.getAttachment(meta.id);
        if (a) out.push({ filename: a.filename, content: a.data, contentType: a.mime });
      }
      return out;
    });
    try {
      const info = (await t.sendMail({
        from: this.cfg.outbound.from,
        to,
        subject,
        text: job.message.body,
        messageId: `<${messageId}>`,
        ...(inReplyTo ? { inReplyTo: `<${inReplyTo}>` } : {}),
        ...(references.length ? { references } : {}),
        ...(files.length ? { attachments: files } : {}),
        headers: { 'X-Lantern-Message-Id': job.message.id },
      })) as { messageId?: string };
      // The patient's reply will name this Message-ID: it threads back into this conversation.
      await this.rt.ctx.store.write((tx) => tx.putChannelRef({ channel: 'email', ref: messageId, conversationId: job.conversation.id, messageId: job.message.id, createdAt: this.rt.ctx.now() }));
      return { status: 'sent', providerId: info.messageId ? bareId(info.messageId) : messageId };
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode;
      if (typeof code === 'number' && code >= 500) return { status: 'failed', reason: `channel.email_rejected:${code}` };
      return { status: 'retry', reason: typeof code === 'number' ? `channel.email_${code}` : 'channel.email_unreachable' };
    }
  }

  async stop(): Promise<void> {
    await this.imap?.stop();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    this.transport?.close();
    this.transport = null;
  }
}

import { createHash } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { attachments } from '../../../db/replica/schema';
import { LanternError } from '../../../shared/contract/result';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, type AttachmentMeta } from '../../../shared/contract/attachments';
import { channelCarriesFiles, safeFilename, sniffFileType, withExtension } from '../../../shared/domain/files';
import type { Channel } from '../../../shared/domain/types';
import type { MessageAttachment } from '../../../shared/sync/entities';
import { newId } from '../ids';
import type { Replica } from '../replica/open';

type Row = typeof attachments.$inferSelect;

const meta = (r: Pick<Row, 'id' | 'filename' | 'mime' | 'size' | 'state'> & { local: number | boolean }): AttachmentMeta => ({
  id: r.id,
  filename: r.filename,
  mime: r.mime,
  size: r.size,
  state: r.state,
  local: Boolean(r.local),
});

const META_SQL = 'SELECT id, message_id AS messageId, filename, mime, size, state, data IS NOT NULL AS local FROM attachments';

/**
 * Stages a file for the reply being written: checked by content (images and PDF
 * only), size-limited, kept encrypted in the replica until the reply is sent.
 */
export function stageAttachment(replica: Replica, input: { conversationId: string; filename: string; data: Buffer; now: number }): AttachmentMeta {
  const { data } = input;
  if (data.length === 0) throw new LanternError('attachments.empty', 'The file is empty');
  if (data.length > MAX_ATTACHMENT_BYTES) throw new LanternError('attachments.too_large', `Files may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`);
  const mime = sniffFileType(data);
  if (!mime) throw new LanternError('attachments.type_not_allowed', 'Only PNG, JPEG or WebP images and PDF files can be attached (checked by content)');
  const id = newId();
  const filename = withExtension(safeFilename(input.filename, `file-${id.slice(-6)}`), mime);
  replica.sqlite
    .transaction(() => {
      const conv = replica.sqlite.prepare('SELECT channel FROM conversations WHERE id = ?').get(input.conversationId) as { channel: Channel } | undefined;
      if (!conv) throw new LanternError('replica.not_found', `Conversation ${input.conversationId} not found`);
      if (!channelCarriesFiles(conv.channel)) throw new LanternError('attachments.channel_unsupported', `${conv.channel} replies cannot carry files`);
      const staged = replica.db.select({ id: attachments.id }).from(attachments).where(and(eq(attachments.conversationId, input.conversationId), eq(attachments.state, 'staged'))).all();
      if (staged.length >= MAX_ATTACHMENTS_PER_MESSAGE) throw new LanternError('attachments.too_many', `At most ${MAX_ATTACHMENTS_PER_MESSAGE} files per reply`);
      replica.db
        .insert(attachments)
        .values({ id, conversationId: input.conversationId, messageId: null, filename, mime, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), data, state: 'staged', createdAt: input.now })
        .run();
    })
    .immediate();
  return { id, filename, mime, size: data.length, state: 'staged', local: true };
}

export function unstageAttachment(replica: Replica, id: string): void {
  const res = replica.db.delete(attachments).where(and(eq(attachments.id, id), eq(attachments.state, 'staged'))).run();
  if (res.changes === 0) throw new LanternError('replica.not_found', `No file ${id} waiting to be sent`);
}

export function stagedAttachments(replica: Replica, conversationId: string): AttachmentMeta[] {
  return (
    replica.sqlite
      .prepare(`${META_SQL} WHERE conversation_id = ? AND state = 'staged' ORDER BY created_at, id`)
      .all(conversationId) as (Row & { local: number })[]
  ).map(meta);
}

/** Files of these messages, in the order they were attached. */
export function attachmentsOfMessages(replica: Replica, messageIds: string[]): Map<string, AttachmentMeta[]> {
  const out = new Map<string, AttachmentMeta[]>();
  if (!messageIds.length) return out;
  for (let i = 0; i < messageIds.length; i += 500) {
    const chunk = messageIds.slice(i, i + 500);
    const rows = replica.sqlite
      .prepare(`${META_SQL} WHERE message_id IN (${chunk.map(() => '?').join(',')}) ORDER BY created_at, id`)
      .all(...chunk) as (Row & { local: number; messageId: string })[];
    for (const r of rows) {
      const list = out.get(r.messageId) ?? [];
      list.push(meta(r));
      out.set(r.messageId, list);
    }
  }
  return out;
}

/**
 * Binds staged files to a reply being queued (inside the caller's transaction):
 * they become `queued` and travel with the message.send mutation as metadata; the
 * bytes go to the hub just before the mutation does.
 */
export function bindStagedToMessage(replica: Replica, conversationId: string, messageId: string, ids: string[]): MessageAttachment[] {
  if (!ids.length) return [];
  const rows = replica.db.select().from(attachments).where(inArray(attachments.id, ids)).all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: MessageAttachment[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r || r.state !== 'staged' || r.conversationId !== conversationId) throw new LanternError('attachments.not_staged', `File ${id} is not attached to this conversation's reply`);
    out.push({ id: r.id, filename: r.filename, mime: r.mime, size: r.size, sha256: r.sha256 ?? '' });
  }
  replica.db.update(attachments).set({ state: 'queued', messageId }).where(inArray(attachments.id, ids)).run();
  return out;
}

/** Queued files whose bytes the hub does not have yet, for these messages. */
export function queuedUploads(replica: Replica, messageIds: string[]): Row[] {
  if (!messageIds.length) return [];
  return replica.db
    .select()
    .from(attachments)
    .where(and(inArray(attachments.messageId, messageIds), eq(attachments.state, 'queued')))
    .orderBy(asc(attachments.createdAt))
    .all();
}

export function markStored(replica: Replica, id: string): void {
  replica.db.update(attachments).set({ state: 'stored' }).where(eq(attachments.id, id)).run();
}

/** Metadata of files on a message that came from the hub (the bytes are fetched when first opened). */
export function recordRemoteAttachments(replica: Replica, conversationId: string, messageId: string, list: MessageAttachment[], now: number): void {
  const ins = replica.sqlite.prepare(
    `INSERT INTO attachments (id, conversation_id, message_id, filename, mime, size, sha256, data, state, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 'stored', ?)
     ON CONFLICT(id) DO UPDATE SET message_id = excluded.message_id, conversation_id = excluded.conversation_id, state = 'stored'`,
  );
  list.forEach((a, i) => ins.run(a.id, conversationId, messageId, a.filename, a.mime, a.size, a.sha256 || null, now + i));
}

export function readAttachment(replica: Replica, id: string): Row | null {
  return replica.db.select().from(attachments).where(eq(attachments.id, id)).get() ?? null;
}

/** Keeps fetched bytes (checked against the hub's hash) so the file opens offline next time. */
export function cacheAttachment(replica: Replica, id: string, data: Buffer): void {
  replica.db.update(attachments).set({ data }).where(eq(attachments.id, id)).run();
}

/** A recalled or cancelled message takes its files with it. */
export function dropAttachmentsOf(replica: Replica, messageId: string): void {
  replica.db.delete(attachments).where(eq(attachments.messageId, messageId)).run();
}

import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { newId as ulid } from '../ids';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import { RECALL_WINDOW_MS } from '../../../shared/contract/messages';
import { conversationEvents, conversations, messages, outbox } from '../../../db/replica/schema';
import { indexDoc, removeDoc } from '../replica/search';
import { enqueueMutation } from '../outbox/enqueue';
import { attachmentsOfMessages, bindStagedToMessage, dropAttachmentsOf } from '../attachments/store';
import { channelCarriesFiles, replyPreview } from '../../../shared/domain/files';
import type { ServiceContext } from './context';

const messageColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  direction: messages.direction,
  authorName: messages.authorName,
  body: messages.body,
  deliveryStatus: messages.deliveryStatus,
  failureReason: messages.failureReason,
  createdAt: messages.createdAt,
};

export function messagesHandlers(ctx: ServiceContext): Handlers<Contract>['messages'] {
  const { db, sqlite } = ctx.replica;

  /** Recalled text must not linger in the WAL either: fold it into the (secure-deleted) main file. */
  /** The inbox line goes back to the newest message still there (a cancelled reply must not linger in it). */
  function restorePreview(conversationId: string) {
    const latest = db
      .select({ id: messages.id, body: messages.body, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), isNull(messages.recalledAt)))
      .orderBy(desc(messages.createdAt))
      .limit(1)
      .get();
    if (!latest) return;
    const files = attachmentsOfMessages(ctx.replica, [latest.id]).get(latest.id) ?? [];
    db.update(conversations)
      .set({ lastMessageAt: latest.createdAt, lastMessagePreview: replyPreview(latest.body, files.map((f) => f.filename)).slice(0, 120) })
      .where(eq(conversations.id, conversationId))
      .run();
  }

  function shredWal() {
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  }

  return {
    list: ({ conversationId, limit }) => {
      const rows = db.select(messageColumns).from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.createdAt), asc(messages.id)).limit(limit).all();
      const files = attachmentsOfMessages(ctx.replica, rows.map((r) => r.id));
      return { items: rows.map((r) => ({ ...r, attachments: files.get(r.id) ?? [] })) };
    },
    queueReply: ({ conversationId, body, attachmentIds }) => {
      const id = ulid();
      const now = ctx.now();
      const user = ctx.session.user;
      // The optimistic message and its outbox entry commit together: after a crash
      // there is never a visible "queued" reply that will not be sent, nor a send
      // the agent cannot see.
      sqlite
        .transaction(() => {
          const conv = db.select({ id: conversations.id, channel: conversations.channel }).from(conversations).where(eq(conversations.id, conversationId)).get();
          if (!conv) throw new LanternError('replica.not_found', `Conversation ${conversationId} not found`);
          if (attachmentIds.length && !channelCarriesFiles(conv.channel)) throw new LanternError('attachments.channel_unsupported', `${conv.channel} replies cannot carry files`);
          db.insert(messages).values({ id, conversationId, direction: 'outbound', authorId: user.id, authorName: user.name, body, deliveryStatus: 'queued', createdAt: now }).run();
          // Staged files join the reply in the same transaction: they leave with it or not at all.
          const files = bindStagedToMessage(ctx.replica, conversationId, id, attachmentIds);
          const preview = replyPreview(body, files.map((f) => f.filename));
          db.update(conversations).set({ lastMessageAt: now, lastMessagePreview: preview.slice(0, 120), updatedAt: now }).where(eq(conversations.id, conversationId)).run();
          if (body) indexDoc(sqlite, 'message', id, conversationId, body);
          enqueueMutation(db, { id, type: 'message.send', args: { messageId: id, conversationId, body, ...(files.length ? { attachments: files } : {}) }, at: now });
        })
        .immediate();
      const row = db.select(messageColumns).from(messages).where(eq(messages.id, id)).get()!;
      return { ...row, attachments: attachmentsOfMessages(ctx.replica, [id]).get(id) ?? [] };
    },
    recall: ({ id }) => {
      const now = ctx.now();
      sqlite
        .transaction(() => {
          const m = db.select().from(messages).where(eq(messages.id, id)).get();
          if (!m) throw new LanternError('replica.not_found', `Message ${id} not found`);
          if (m.direction !== 'outbound' || m.authorId !== ctx.session.user.id) throw new LanternError('messages.recall_not_allowed', 'Only your own replies can be recalled');
          if (m.recalledAt) throw new LanternError('messages.already_recalled', 'Already recalled');
          if (now - m.createdAt > RECALL_WINDOW_MS) throw new LanternError('messages.recall_expired', 'Replies can only be recalled within 5 seconds');
          db.update(messages).set({ body: '', recalledAt: now }).where(eq(messages.id, id)).run();
          removeDoc(sqlite, 'message', id);
          dropAttachmentsOf(ctx.replica, id);
          db.insert(conversationEvents).values({ id: ulid(), conversationId: m.conversationId, kind: 'recall', actorId: ctx.session.user.id, actorName: ctx.session.user.name, detail: { messageId: id }, createdAt: now }).run();
          const pending = db.select().from(outbox).where(and(eq(outbox.id, id), eq(outbox.state, 'pending'))).get();
          if (pending) {
            // It never left this computer: drop the send, nothing to recall elsewhere.
            db.delete(outbox).where(eq(outbox.id, id)).run();
          } else {
            enqueueMutation(db, { id: ulid(), type: 'message.recall', args: { messageId: id }, at: now });
          }
        })
        .immediate();
      shredWal();
      return { id, recalledAt: now };
    },
    cancelQueued: ({ id }) => {
      sqlite
        .transaction(() => {
          const entry = db.select().from(outbox).where(eq(outbox.id, id)).get();
          if (!entry || entry.kind !== 'message.send') throw new LanternError('replica.not_found', `No queued reply ${id}`);
          // 'sending' may already be at the hub: only a reply that has not left can be cancelled.
          if (entry.state !== 'pending') throw new LanternError('messages.already_sending', 'This reply is already on its way and cannot be cancelled; recall it instead');
          const conversationId = db.select({ c: messages.conversationId }).from(messages).where(eq(messages.id, id)).get()?.c;
          db.delete(outbox).where(eq(outbox.id, id)).run();
          removeDoc(sqlite, 'message', id);
          dropAttachmentsOf(ctx.replica, id);
          db.delete(messages).where(eq(messages.id, id)).run();
          if (conversationId) restorePreview(conversationId);
        })
        .immediate();
      shredWal();
      return { id, cancelled: true as const };
    },
  };
}

import { asc, eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import { conversations, messages, outbox } from '../../../db/replica/schema';
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
  return {
    list: ({ conversationId, limit }) => {
      const items = db.select(messageColumns).from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.createdAt), asc(messages.id)).limit(limit).all();
      return { items };
    },
    queueReply: ({ conversationId, body }) => {
      const id = ulid();
      const now = ctx.now();
      // The optimistic message and its outbox entry commit together: after a crash
      // there is never a visible "queued" reply that will not be sent, nor a send
      // the agent cannot see.
      sqlite.transaction(() => {
        const conv = db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversationId)).get();
        if (!conv) throw new LanternError('replica.not_found', `Conversation ${conversationId} not found`);
        db.insert(messages).values({ id, conversationId, direction: 'outbound', authorId: ctx.user.id, authorName: ctx.user.name, body, deliveryStatus: 'queued', createdAt: now }).run();
        db.update(conversations).set({ lastMessageAt: now, lastMessagePreview: body.slice(0, 120), updatedAt: now }).where(eq(conversations.id, conversationId)).run();
        db.insert(outbox).values({ id, kind: 'message.send', payload: { messageId: id, conversationId, body }, createdAt: now }).run();
      }).immediate();
      return db.select(messageColumns).from(messages).where(eq(messages.id, id)).get()!;
    },
  };
}

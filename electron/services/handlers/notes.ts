import { newId as ulid } from '../ids';
import { eq } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import { conversations, notes } from '../../../db/replica/schema';
import { indexDoc } from '../replica/search';
import { enqueueMutation } from '../outbox/enqueue';
import type { ServiceContext } from './context';

export function notesHandlers(ctx: ServiceContext): Handlers<Contract>['notes'] {
  const { db, sqlite } = ctx.replica;
  return {
    add: ({ conversationId, body }) => {
      const id = ulid();
      const now = ctx.now();
      const user = ctx.session.user;
      // Note, search entry and outbox entry commit together (see messages.queueReply).
      sqlite
        .transaction(() => {
          if (!db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversationId)).get()) {
            throw new LanternError('replica.not_found', `Conversation ${conversationId} not found`);
          }
          db.insert(notes).values({ id, conversationId, authorId: user.id, authorName: user.name, body, createdAt: now }).run();
          indexDoc(sqlite, 'note', id, conversationId, body);
          enqueueMutation(db, { id, type: 'note.add', args: { noteId: id, conversationId, body }, at: now });
        })
        .immediate();
      return { id, conversationId, authorName: user.name, body, createdAt: now };
    },
  };
}

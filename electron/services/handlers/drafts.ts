import { and, eq } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { drafts } from '../../../db/replica/schema';
import type { ServiceContext } from './context';

export function draftsHandlers(ctx: ServiceContext): Handlers<Contract>['drafts'] {
  const { db } = ctx.replica;
  return {
    get: ({ conversationId, mode }) => {
      const row = db.select().from(drafts).where(and(eq(drafts.conversationId, conversationId), eq(drafts.mode, mode))).get();
      return { body: row?.body ?? '', updatedAt: row?.updatedAt ?? null };
    },
    save: ({ conversationId, mode, body }) => {
      if (!body.trim()) {
        db.delete(drafts).where(and(eq(drafts.conversationId, conversationId), eq(drafts.mode, mode))).run();
        return { saved: false };
      }
      const now = ctx.now();
      db.insert(drafts)
        .values({ conversationId, mode, body, updatedAt: now })
        .onConflictDoUpdate({ target: [drafts.conversationId, drafts.mode], set: { body, updatedAt: now } })
        .run();
      return { saved: true };
    },
  };
}

import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import { contacts, conversations } from '../../../db/replica/schema';
import type { ServiceContext } from './context';

const summaryColumns = {
  id: conversations.id,
  contactId: conversations.contactId,
  contactName: contacts.displayName,
  channel: conversations.channel,
  status: conversations.status,
  priority: conversations.priority,
  assigneeId: conversations.assigneeId,
  teamId: conversations.teamId,
  tags: conversations.tags,
  unreadCount: conversations.unreadCount,
  lastMessageAt: conversations.lastMessageAt,
  lastMessagePreview: conversations.lastMessagePreview,
};

/** Urgent first: a patient in danger must never be below the fold. */
const priorityRank = sql`CASE ${conversations.priority} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`;

export function conversationsHandlers(ctx: ServiceContext): Handlers<Contract>['conversations'] {
  const { db } = ctx.replica;
  return {
    list: ({ filter, limit, offset }) => {
      const where: SQL[] = [];
      if (filter.status) where.push(eq(conversations.status, filter.status));
      if (filter.channel) where.push(eq(conversations.channel, filter.channel));
      if (filter.priority) where.push(eq(conversations.priority, filter.priority));
      const cond = where.length ? and(...where) : undefined;
      const items = db
        .select(summaryColumns)
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(cond)
        .orderBy(priorityRank, desc(conversations.lastMessageAt))
        .limit(limit)
        .offset(offset)
        .all();
      const total = db.select({ n: sql<number>`count(*)` }).from(conversations).where(cond).get()?.n ?? 0;
      return { items, total };
    },
    get: ({ id }) => {
      const row = db
        .select({ ...summaryColumns, subject: conversations.subject, createdAt: conversations.createdAt })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(eq(conversations.id, id))
        .get();
      if (!row) throw new LanternError('replica.not_found', `Conversation ${id} not found`);
      return row;
    },
    markRead: ({ id }) => {
      const res = db.update(conversations).set({ unreadCount: 0 }).where(eq(conversations.id, id)).run();
      if (res.changes === 0) throw new LanternError('replica.not_found', `Conversation ${id} not found`);
      return { id, unreadCount: 0 as const };
    },
  };
}

import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { newId as ulid } from '../ids';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import type { TimelineItem } from '../../../shared/contract/conversations';
import { RECALL_WINDOW_MS } from '../../../shared/contract/messages';
import { contacts, conversationEvents, conversations, deviceReadings, messages, notes, users } from '../../../db/replica/schema';
import { searchConversationIds } from '../replica/search';
import { enqueueMutation } from '../outbox/enqueue';
import type { ServiceContext } from './context';
import { attachmentsOfMessages } from '../attachments/store';

const summaryColumns = {
  id: conversations.id,
  contactId: conversations.contactId,
  contactName: contacts.displayName,
  channel: conversations.channel,
  status: conversations.status,
  priority: conversations.priority,
  assigneeId: conversations.assigneeId,
  assigneeName: users.displayName,
  teamId: conversations.teamId,
  tags: conversations.tags,
  unreadCount: conversations.unreadCount,
  lastMessageAt: conversations.lastMessageAt,
  lastMessagePreview: conversations.lastMessagePreview,
  slaDueAt: conversations.slaDueAt,
  snoozedUntil: conversations.snoozedUntil,
};

/** Urgent first: a patient in danger must never be below the fold. */
const priorityRank = sql`CASE ${conversations.priority} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`;

export function conversationsHandlers(ctx: ServiceContext): Handlers<Contract>['conversations'] {
  const { db, sqlite } = ctx.replica;

  function requireConversation(id: string) {
    const row = db.select().from(conversations).where(eq(conversations.id, id)).get();
    if (!row) throw new LanternError('replica.not_found', `Conversation ${id} not found`);
    return row;
  }

  /**
   * A conversation change: the local row, a timeline event and the outbox entry in
   * one transaction. The hub re-applies it by its own rules and its answer wins.
   */
  function change(id: string, type: string, args: Record<string, unknown>, set: Partial<typeof conversations.$inferInsert>, event: { kind: string; detail: Record<string, unknown> }) {
    const mutationId = ulid();
    const now = ctx.now();
    sqlite
      .transaction(() => {
        requireConversation(id);
        db.update(conversations).set({ ...set, updatedAt: now }).where(eq(conversations.id, id)).run();
        db.insert(conversationEvents).values({ id: mutationId, conversationId: id, kind: event.kind, actorId: ctx.session.user.id, actorName: ctx.session.user.name, detail: event.detail, createdAt: now }).run();
        enqueueMutation(db, { id: mutationId, type, args: { conversationId: id, ...args }, at: now });
      })
      .immediate();
    return { id, queued: true };
  }

  return {
    list: ({ filter, limit, offset }) => {
      const where: SQL[] = [];
      if (filter.status) where.push(eq(conversations.status, filter.status));
      if (filter.channel) where.push(eq(conversations.channel, filter.channel));
      if (filter.priority) where.push(eq(conversations.priority, filter.priority));
      const me = ctx.session.user;
      if (filter.assignee === 'me') where.push(eq(conversations.assigneeId, me.id));
      if (filter.assignee === 'unassigned') where.push(isNull(conversations.assigneeId));
      if (filter.assignee === 'team') where.push(me.teamIds.length ? inArray(conversations.teamId, me.teamIds) : sql`0`);
      if (filter.tag) where.push(sql`EXISTS (SELECT 1 FROM json_each(${conversations.tags}) WHERE value = ${filter.tag})`);
      if (filter.query && filter.query.trim()) {
        const ids = searchConversationIds(sqlite, filter.query);
        where.push(ids.length ? inArray(conversations.id, ids) : sql`0`);
      }
      const cond = where.length ? and(...where) : undefined;
      const items = db
        .select(summaryColumns)
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .leftJoin(users, eq(users.id, conversations.assigneeId))
        .where(cond)
        .orderBy(priorityRank, desc(conversations.lastMessageAt))
        .limit(limit)
        .offset(offset)
        .all();
      const total = db.select({ n: sql<number>`count(*)` }).from(conversations).where(cond).get()?.n ?? 0;
      const tags = (sqlite.prepare('SELECT DISTINCT j.value AS tag FROM conversations c, json_each(c.tags) j ORDER BY 1').all() as { tag: string }[]).map((r) => r.tag);
      return { items, total, tags };
    },
    get: ({ id }) => {
      const row = db
        .select({ ...summaryColumns, subject: conversations.subject, createdAt: conversations.createdAt })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .leftJoin(users, eq(users.id, conversations.assigneeId))
        .where(eq(conversations.id, id))
        .get();
      if (!row) throw new LanternError('replica.not_found', `Conversation ${id} not found`);
      return row;
    },
    markRead: ({ id }) => {
      // Read here → read at the hub too (else the next pull brings the unread count back,
      // and colleagues keep seeing it unread). Nothing is queued when nothing was unread.
      sqlite
        .transaction(() => {
          const conv = requireConversation(id);
          if (conv.unreadCount === 0) return;
          db.update(conversations).set({ unreadCount: 0 }).where(eq(conversations.id, id)).run();
          // A background record: the demo clinic (no hub) never syncs, its outbox would only grow.
          if (ctx.hubUrl) enqueueMutation(db, { id: ulid(), type: 'conversation.markRead', args: { conversationId: id }, at: ctx.now() });
        })
        .immediate();
      return { id, unreadCount: 0 as const };
    },
    timeline: ({ id, limit }) => {
      const conv = requireConversation(id);
      const now = ctx.now();
      const items: TimelineItem[] = [];
      const msgs = db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(desc(messages.createdAt)).limit(limit).all();
      const files = attachmentsOfMessages(ctx.replica, msgs.map((m) => m.id));
      for (const m of msgs) {
        const recallable = m.direction === 'outbound' && !m.recalledAt && m.authorId === ctx.session.user.id && now - m.createdAt < RECALL_WINDOW_MS;
        items.push({
          type: 'message',
          id: m.id,
          at: m.createdAt,
          direction: m.direction,
          authorName: m.authorName,
          body: m.body,
          contentType: m.contentType,
          deliveryStatus: m.deliveryStatus,
          failureReason: m.failureReason,
          recalledAt: m.recalledAt,
          recallableUntil: recallable ? m.createdAt + RECALL_WINDOW_MS : null,
          attachments: files.get(m.id) ?? [],
        });
      }
      for (const n of db.select().from(notes).where(eq(notes.conversationId, id)).orderBy(desc(notes.createdAt)).limit(limit).all()) {
        items.push({ type: 'note', id: n.id, at: n.createdAt, authorName: n.authorName, body: n.body });
      }
      for (const e of db.select().from(conversationEvents).where(eq(conversationEvents.conversationId, id)).orderBy(desc(conversationEvents.createdAt)).limit(limit).all()) {
        items.push({ type: 'event', id: e.id, at: e.createdAt, kind: e.kind, actorName: e.actorName, detail: e.detail });
      }
      // Device readings of this patient during the conversation (and the day before it).
      const from = conv.createdAt - 24 * 3600_000;
      for (const r of db
        .select()
        .from(deviceReadings)
        .where(and(eq(deviceReadings.contactId, conv.contactId), sql`${deviceReadings.measuredAt} >= ${from}`))
        .orderBy(asc(deviceReadings.measuredAt))
        .limit(limit)
        .all()) {
        items.push({ type: 'reading', id: r.id, at: r.measuredAt, kind: r.kind, value: r.value, value2: r.value2, unit: r.unit });
      }
      items.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
      return { items: items.slice(-limit) };
    },
    setStatus: ({ id, status, snoozeUntil }) => {
      if (status === 'snoozed' && !snoozeUntil) throw new LanternError('contract.bad_input', 'snoozeUntil is required to snooze');
      return change(id, 'conversation.setStatus', { status, ...(snoozeUntil ? { snoozeUntil } : {}) }, { status, snoozedUntil: status === 'snoozed' ? (snoozeUntil ?? null) : null }, { kind: 'status', detail: { status, ...(snoozeUntil ? { snoozeUntil } : {}) } });
    },
    assign: ({ id, assigneeId, teamId }) => {
      const before = requireConversation(id);
      const kind = before.assigneeId && assigneeId && before.assigneeId !== assigneeId ? 'transfer' : 'assign';
      return change(
        id,
        'conversation.assign',
        { assigneeId, ...(teamId ? { teamId } : {}) },
        { assigneeId, ...(teamId ? { teamId } : {}) },
        { kind, detail: { from: before.assigneeId, to: assigneeId, ...(teamId ? { teamId } : {}) } },
      );
    },
    setPriority: ({ id, priority }) => change(id, 'conversation.setPriority', { priority }, { priority }, { kind: 'priority', detail: { priority } }),
    setTags: ({ id, tags }) => {
      const unique = [...new Set(tags)];
      return change(id, 'conversation.setTags', { tags: unique }, { tags: unique }, { kind: 'tags', detail: { tags: unique } });
    },
  };
}

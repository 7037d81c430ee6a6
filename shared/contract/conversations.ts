import { z } from 'zod';
import { attachmentMetaSchema } from './attachments';
import { domain, method } from './define';
import { channelSchema, conversationStatusSchema, idSchema, prioritySchema } from '../domain/types';

export const conversationSummarySchema = z.object({
  id: idSchema,
  contactId: idSchema,
  contactName: z.string(),
  channel: channelSchema,
  status: conversationStatusSchema,
  priority: prioritySchema,
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  teamId: z.string().nullable(),
  tags: z.array(z.string()),
  unreadCount: z.number().int().nonnegative(),
  lastMessageAt: z.number().int(),
  lastMessagePreview: z.string(),
  slaDueAt: z.number().int().nullable(),
  snoozedUntil: z.number().int().nullable(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const assigneeFilters = ['me', 'unassigned', 'team'] as const;

export const conversationFilterSchema = z
  .object({
    status: conversationStatusSchema.optional(),
    channel: channelSchema.optional(),
    priority: prioritySchema.optional(),
    assignee: z.enum(assigneeFilters).optional(),
    tag: z.string().min(1).max(40).optional(),
    /** Offline full-text search over messages, notes and names (Chinese 1–2 characters too). */
    query: z.string().max(100).optional(),
  })
  .strict();
export type ConversationFilter = z.infer<typeof conversationFilterSchema>;

export const timelineItemSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    id: idSchema,
    at: z.number().int(),
    direction: z.enum(['inbound', 'outbound']),
    authorName: z.string().nullable(),
    body: z.string(),
    contentType: z.string(),
    deliveryStatus: z.string(),
    failureReason: z.string().nullable(),
    recalledAt: z.number().int().nullable(),
    /** Outbound messages the agent may still recall (within 5 s of sending). */
    recallableUntil: z.number().int().nullable(),
    attachments: z.array(attachmentMetaSchema),
  }),
  z.object({ type: z.literal('note'), id: idSchema, at: z.number().int(), authorName: z.string().nullable(), body: z.string() }),
  z.object({ type: z.literal('event'), id: idSchema, at: z.number().int(), kind: z.string(), actorName: z.string().nullable(), detail: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('reading'), id: idSchema, at: z.number().int(), kind: z.string(), value: z.number(), value2: z.number().nullable(), unit: z.string() }),
]);
export type TimelineItem = z.infer<typeof timelineItemSchema>;

const ack = z.object({ id: idSchema, queued: z.boolean() });

export const conversationsDomain = domain('conversations', {
  list: method(
    'Conversations in the replica, urgent ones on top, then newest activity.',
    z
      .object({
        filter: conversationFilterSchema.default({}),
        limit: z.number().int().min(1).max(20_000).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    z.object({ items: z.array(conversationSummarySchema), total: z.number().int().nonnegative(), tags: z.array(z.string()) }),
  ),
  get: method(
    'One conversation with its contact.',
    z.object({ id: idSchema }).strict(),
    conversationSummarySchema.extend({ subject: z.string().nullable(), createdAt: z.number().int() }),
  ),
  markRead: method('Clear the unread count of a conversation.', z.object({ id: idSchema }).strict(), z.object({ id: idSchema, unreadCount: z.literal(0) })),
  timeline: method(
    'Messages, internal notes, system events and the contact’s device readings of one conversation, oldest first.',
    z.object({ id: idSchema, limit: z.number().int().min(1).max(2000).default(500) }).strict(),
    z.object({ items: z.array(timelineItemSchema) }),
  ),
  setStatus: method(
    'Resolve, reopen, mark pending or snooze (with a time). Applied locally and queued for the hub.',
    z.object({ id: idSchema, status: conversationStatusSchema, snoozeUntil: z.number().int().positive().optional() }).strict(),
    ack,
  ),
  assign: method(
    'Assign or transfer to a user (null = back to the team queue), optionally to another team.',
    z.object({ id: idSchema, assigneeId: idSchema.nullable(), teamId: idSchema.optional() }).strict(),
    ack,
  ),
  setPriority: method('Change the priority.', z.object({ id: idSchema, priority: prioritySchema }).strict(), ack),
  setTags: method('Replace the tags.', z.object({ id: idSchema, tags: z.array(z.string().trim().min(1).max(32)).max(20) }).strict(), ack),
});

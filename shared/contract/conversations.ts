import { z } from 'zod';
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
  teamId: z.string().nullable(),
  tags: z.array(z.string()),
  unreadCount: z.number().int().nonnegative(),
  lastMessageAt: z.number().int(),
  lastMessagePreview: z.string(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const conversationFilterSchema = z
  .object({
    status: conversationStatusSchema.optional(),
    channel: channelSchema.optional(),
    priority: prioritySchema.optional(),
  })
  .strict();

export const conversationsDomain = domain('conversations', {
  list: method(
    'Conversations in the replica, newest activity first, urgent ones on top.',
    z
      .object({
        filter: conversationFilterSchema.default({}),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    z.object({ items: z.array(conversationSummarySchema), total: z.number().int().nonnegative() }),
  ),
  get: method(
    'One conversation with its contact.',
    z.object({ id: idSchema }).strict(),
    conversationSummarySchema.extend({ subject: z.string().nullable(), createdAt: z.number().int() }),
  ),
  markRead: method('Clear the unread count of a conversation.', z.object({ id: idSchema }).strict(), z.object({ id: idSchema, unreadCount: z.literal(0) })),
});

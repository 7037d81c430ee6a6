import { z } from 'zod';
import { domain, method } from './define';
import { deliveryStatusSchema, idSchema } from '../domain/types';
import { attachmentMetaSchema } from './attachments';
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_CHARS } from './limits';
// Zod-free, so the renderer can import it without the schemas.
export { MAX_MESSAGE_CHARS } from './limits';

export const messageSchema = z.object({
  id: idSchema,
  conversationId: idSchema,
  direction: z.enum(['inbound', 'outbound']),
  authorName: z.string().nullable(),
  body: z.string(),
  deliveryStatus: deliveryStatusSchema,
  failureReason: z.string().nullable(),
  createdAt: z.number().int(),
  attachments: z.array(attachmentMetaSchema),
});
export type Message = z.infer<typeof messageSchema>;

export const messagesDomain = domain('messages', {
  list: method(
    'Messages of one conversation, oldest first.',
    z
      .object({
        conversationId: idSchema,
        limit: z.number().int().min(1).max(500).default(200),
      })
      .strict(),
    z.object({ items: z.array(messageSchema) }),
  ),
  queueReply: method(
    'Write a reply to the replica and queue it in the outbox in one transaction; it leaves when the hub is reachable.',
    z
      .object({
        conversationId: idSchema,
        body: z.string().trim().max(MAX_MESSAGE_CHARS),
        /** Files staged with attachments.stage for this conversation. */
        attachmentIds: z.array(idSchema).max(MAX_ATTACHMENTS_PER_MESSAGE).default([]),
      })
      .strict()
      .refine((v) => v.body.length > 0 || v.attachmentIds.length > 0, { message: 'empty', path: ['body'] }),
    messageSchema,
  ),
  recall: method(
    'Recall an outbound message within 5 seconds of sending: shredded here and, once the hub has it, at the hub and every replica.',
    z.object({ id: idSchema }).strict(),
    z.object({ id: idSchema, recalledAt: z.number().int() }),
  ),
  cancelQueued: method(
    'Cancel a reply that is still queued on this computer (it has not left): removed with its outbox entry.',
    z.object({ id: idSchema }).strict(),
    z.object({ id: idSchema, cancelled: z.literal(true) }),
  ),
});

/** How long after sending a message may be recalled. */
export const RECALL_WINDOW_MS = 5_000;

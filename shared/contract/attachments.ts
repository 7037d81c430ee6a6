import { z } from 'zod';
import { domain, method } from './define';
import { idSchema } from '../domain/types';
import { MAX_ATTACHMENT_BYTES } from './limits';

// The plain limits live in a zod-free module (the renderer imports them without the schemas).
export { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, ATTACHMENT_MIMES, type AttachmentMime } from './limits';

export const attachmentMetaSchema = z.object({
  id: idSchema,
  filename: z.string(),
  mime: z.string(),
  size: z.number().int().nonnegative(),
  /** staged: in the composer · queued: on a reply that has not left · stored: at the hub. */
  state: z.enum(['staged', 'queued', 'stored']),
  /** The bytes are on this computer (opens offline). */
  local: z.boolean(),
});
export type AttachmentMeta = z.infer<typeof attachmentMetaSchema>;

// base64 of MAX_ATTACHMENT_BYTES, plus slack for padding.
const base64 = z
  .string()
  .max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4 + 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');

export const attachmentsDomain = domain('attachments', {
  stage: method(
    'Attach a file to the reply being written (kept encrypted in the replica until it is sent). The type is read from the content.',
    z.object({ conversationId: idSchema, filename: z.string().trim().min(1).max(200), dataBase64: base64 }).strict(),
    attachmentMetaSchema,
  ),
  unstage: method('Remove a file from the reply being written.', z.object({ id: idSchema }).strict(), z.object({ id: idSchema, removed: z.literal(true) })),
  staged: method('Files attached to the reply being written in a conversation.', z.object({ conversationId: idSchema }).strict(), z.object({ items: z.array(attachmentMetaSchema) })),
  open: method(
    'The bytes of a file on a message (from the replica, or fetched from the hub once and kept).',
    z.object({ id: idSchema }).strict(),
    z.object({ id: idSchema, filename: z.string(), mime: z.string(), size: z.number().int(), dataBase64: z.string() }),
  ),
});

import { z } from 'zod';
import { domain, method } from './define';
import { idSchema } from '../domain/types';
import { MAX_MESSAGE_CHARS } from './messages';

export const notesDomain = domain('notes', {
  add: method(
    'Add an internal note (never sent to the patient); queued for the hub like a reply.',
    z.object({ conversationId: idSchema, body: z.string().trim().min(1, 'empty').max(MAX_MESSAGE_CHARS) }).strict(),
    z.object({ id: idSchema, conversationId: idSchema, authorName: z.string().nullable(), body: z.string(), createdAt: z.number().int() }),
  ),
});

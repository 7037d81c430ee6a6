import { z } from 'zod';
import { domain, method } from './define';
import { idSchema } from '../domain/types';

export const draftModeSchema = z.enum(['reply', 'note']);

export const draftsDomain = domain('drafts', {
  get: method(
    'The saved draft of a conversation (reply or note), kept in the replica across restarts and locks.',
    z.object({ conversationId: idSchema, mode: draftModeSchema }).strict(),
    z.object({ body: z.string(), updatedAt: z.number().int().nullable() }),
  ),
  save: method(
    'Save (or with an empty body, delete) a draft.',
    z.object({ conversationId: idSchema, mode: draftModeSchema, body: z.string().max(20_000) }).strict(),
    z.object({ saved: z.boolean() }),
  ),
});

import { z } from 'zod';
import { domain, method } from './define';
import { idSchema } from '../domain/types';

export const knowledgeDomain = domain('knowledge', {
  bundle: method(
    'Everything the local engine needs, for the renderer’s engine worker: validated knowledge items (seed + synced), the interaction table, and items retired by feedback.',
    z.object({}).strict(),
    z.object({
      /** Items as authored (validated again by the engine's schema in the worker). */
      items: z.array(z.unknown()),
      interactions: z.unknown(),
      retired: z.array(z.string()),
      /** Problems loading items (file:line: message), shown to admins, never fatal. */
      errors: z.array(z.string()),
    }),
  ),
  feedback: method(
    'Mark a card useful or useless (feeds the retirement rule and usage counts).',
    z.object({ itemId: z.string().min(1).max(200), useful: z.boolean(), conversationId: idSchema.optional() }).strict(),
    z.object({ recorded: z.literal(true) }),
  ),
});

import { z } from 'zod';
import { domain, method } from './define';
import { idSchema } from '../domain/types';

export const cannedDomain = domain('canned', {
  search: method(
    'Canned replies matching what follows `/` in the composer, with variables filled for this conversation.',
    z.object({ query: z.string().max(50), conversationId: idSchema.optional(), limit: z.number().int().min(1).max(50).default(8) }).strict(),
    z.object({ items: z.array(z.object({ id: idSchema, shortcut: z.string(), title: z.string(), body: z.string(), missing: z.array(z.string()) })) }),
  ),
});

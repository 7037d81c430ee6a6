import { z } from 'zod';
import { domain, method } from './define';
import { languageSchema } from '../domain/types';

export const sessionDomain = domain('session', {
  info: method(
    'What the workstation is connected to and how the replica is doing.',
    z.object({}).strict(),
    z.object({
      appVersion: z.string(),
      mode: z.enum(['demo', 'hub']),
      hubUrl: z.string().nullable(),
      replica: z.object({ schemaVersion: z.number().int(), encrypted: z.boolean() }),
      language: languageSchema,
    }),
  ),
  setLanguage: method(
    'Remember the UI language in the replica settings.',
    z.object({ language: languageSchema }).strict(),
    z.object({ language: languageSchema }),
  ),
});

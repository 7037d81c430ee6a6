import { z } from 'zod';
import { domain, method } from './define';
import { channelSchema, consentSchema, conversationStatusSchema, idSchema, readingKinds } from '../domain/types';

export { readingKinds } from '../domain/types';

export const contactProfileSchema = z.object({
  id: idSchema,
  displayName: z.string(),
  sex: z.enum(['female', 'male', 'unknown']),
  age: z.number().int().nullable(),
  preferredChannel: channelSchema.nullable(),
  conditions: z.array(z.string()),
  medicines: z.array(z.string()),
  allergies: z.array(z.string()),
  identities: z.array(
    z.object({
      id: idSchema,
      channel: channelSchema,
      /** Masked for display; the full value needs contacts.revealIdentifier (audited). */
      masked: z.string(),
      verified: z.boolean(),
      consent: consentSchema,
    }),
  ),
  readings: z.array(z.object({ id: idSchema, kind: z.enum(readingKinds), value: z.number(), value2: z.number().nullable(), unit: z.string(), measuredAt: z.number().int() })),
  /** The patient's own alert thresholds, drawn on the readings chart. */
  thresholds: z.record(z.string(), z.object({ low: z.number().nullable(), high: z.number().nullable(), unit: z.string() })),
  conversations: z.array(z.object({ id: idSchema, channel: channelSchema, status: conversationStatusSchema, subject: z.string().nullable(), lastMessageAt: z.number().int() })),
});
export type ContactProfile = z.infer<typeof contactProfileSchema>;

export const contactsDomain = domain('contacts', {
  get: method('The patient context: profile, consent per channel, recent readings, past conversations.', z.object({ id: idSchema }).strict(), contactProfileSchema),
  revealIdentifier: method(
    'Show one identifier in full; writes an audit record (who, when, which).',
    z.object({ identityId: idSchema, reason: z.string().max(200).optional() }).strict(),
    z.object({ identityId: idSchema, value: z.string() }),
  ),
});

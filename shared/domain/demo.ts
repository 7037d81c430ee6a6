import { z } from 'zod';
import { channelSchema, consentSchema, conversationStatusSchema, deliveryStatusSchema, prioritySchema } from './types';

/**
 * The demo clinic in resources/demo/demo.json: contacts and conversations, read by the
 * workstation's local demo mode and by the hub's demo seed (which also reads its own
 * `hub` key). Fictional data only.
 */
export const demoClinicSchema = z.object({
  version: z.literal(1),
  contacts: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      sex: z.enum(['female', 'male', 'unknown']),
      birthYear: z.number().int().nullable(),
      preferredChannel: channelSchema,
      conditions: z.array(z.string()),
      medicines: z.array(z.string()),
      allergies: z.array(z.string()),
      identities: z.array(z.object({ channel: channelSchema, externalId: z.string(), verified: z.boolean(), consent: consentSchema })),
    }),
  ),
  conversations: z.array(
    z.object({
      id: z.string(),
      contactId: z.string(),
      channel: channelSchema,
      subject: z.string().nullable(),
      status: conversationStatusSchema,
      priority: prioritySchema,
      tags: z.array(z.string()),
      unread: z.number().int().nonnegative(),
      messages: z
        .array(
          z.object({
            dir: z.enum(['inbound', 'outbound']),
            author: z.string(),
            body: z.string(),
            minutesAgo: z.number().nonnegative(),
            status: deliveryStatusSchema.optional(),
          }),
        )
        .min(1),
    }),
  ),
});

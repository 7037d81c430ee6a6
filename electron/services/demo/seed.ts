import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { channelSchema, consentSchema, conversationStatusSchema, deliveryStatusSchema, prioritySchema } from '../../../shared/domain/types';
import type { Replica } from '../replica/open';
import * as t from '../../../db/replica/schema';

const demoSchema = z.object({
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
export type DemoData = z.infer<typeof demoSchema>;

export function loadDemoData(path: string): DemoData {
  return demoSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * Fills a fresh replica with the demo clinic (only in demo mode, only on first run).
 * One transaction: a half-seeded replica would look like lost data.
 */
export function seedDemo(replica: Replica, data: DemoData, now = Date.now()): { conversations: number; messages: number } {
  const { db } = replica;
  let messageCount = 0;
  replica.sqlite.transaction(() => {
    for (const c of data.contacts) {
      db.insert(t.contacts)
        .values({ id: c.id, displayName: c.displayName, sex: c.sex, birthYear: c.birthYear, preferredChannel: c.preferredChannel, conditions: c.conditions, medicines: c.medicines, allergies: c.allergies, createdAt: now, updatedAt: now })
        .run();
      c.identities.forEach((i, n) => {
        db.insert(t.contactIdentities)
          .values({ id: `${c.id}-id${n}`, contactId: c.id, channel: i.channel, externalId: i.externalId, verified: i.verified, consent: i.consent, consentUpdatedAt: now })
          .run();
      });
    }
    for (const v of data.conversations) {
      const times = v.messages.map((m) => now - Math.round(m.minutesAgo * 60_000));
      const last = v.messages[v.messages.length - 1]!;
      db.insert(t.conversations)
        .values({
          id: v.id,
          contactId: v.contactId,
          channel: v.channel,
          subject: v.subject,
          status: v.status,
          priority: v.priority,
          tags: v.tags,
          unreadCount: v.unread,
          lastMessageAt: Math.max(...times),
          lastMessagePreview: last.body.slice(0, 120),
          createdAt: Math.min(...times),
          updatedAt: Math.max(...times),
        })
        .run();
      v.messages.forEach((m, n) => {
        db.insert(t.messages)
          .values({
            id: `${v.id}-m${n}`,
            conversationId: v.id,
            direction: m.dir,
            authorName: m.author,
            body: m.body,
            deliveryStatus: m.status ?? (m.dir === 'inbound' ? 'received' : 'sent'),
            createdAt: times[n]!,
          })
          .run();
        messageCount++;
      });
    }
  })();
  return { conversations: data.conversations.length, messages: messageCount };
}

import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { demoClinicSchema } from '../../../shared/domain/demo';
import type { Replica } from '../replica/open';
import * as t from '../../../db/replica/schema';

export type DemoData = z.infer<typeof demoClinicSchema>;

export function loadDemoData(path: string): DemoData {
  return demoClinicSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
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

import { appendAudit } from '../audit/audit';
import { hashPassword } from '../auth/passwords';
import type { HubStore } from '../store/store';
import type { ConversationRow, MessageRow } from '../store/types';
import { emitContactSnapshot, emitConversationSnapshot, emitTeam, emitUser, type ChangeMeta } from '../sync/changes';
import { PREVIEW_CHARS } from '../sync/mutations/message';
import { publishKnowledgeItem, publishRule } from '../sync/ingest';
import type { HubDemoData } from './data';

export type SeedOutcome = { seeded: true; users: number; conversations: number } | { seeded: false; reason: 'already_seeded' | 'not_empty' };

/**
 * Seeds the demo clinic into an EMPTY hub, once. One transaction: a half-seeded
 * hub would look like lost data to every workstation that synced from it. A hub
 * that already has users or patients is never touched (demo mode must not mix
 * demo accounts with a real clinic).
 */
export async function seedHubDemo(store: HubStore, data: HubDemoData, now: number): Promise<SeedOutcome> {
  const state = await store.read(async (r) => ({ seeded: (await r.getMeta('demo_seeded')) !== null, users: (await r.listUsers()).length, head: await r.headSeq() }));
  if (state.seeded) return { seeded: false, reason: 'already_seeded' };
  if (state.users > 0 || state.head > 0) return { seeded: false, reason: 'not_empty' };

  // Hash before the transaction: argon2 must not hold the single writer.
  const hashes = new Map(await Promise.all(data.hub.users.map(async (u) => [u.id, await hashPassword(u.password)] as const)));
  const meta: ChangeMeta = { at: now, actorId: null };
  await store.write(async (tx) => {
    for (const t of data.hub.teams) {
      await tx.insertTeam({ ...t, createdAt: now });
      await emitTeam(tx, t.id, meta);
    }
    for (const u of data.hub.users) {
      await tx.insertUser({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, passwordHash: hashes.get(u.id)!, disabled: false, failedAttempts: 0, lockedUntil: null, createdAt: now, updatedAt: now });
      await tx.setTeamMembers(u.id, u.teams);
      await emitUser(tx, u.id, meta);
    }
    for (const k of data.hub.knowledge) await publishKnowledgeItem(tx, { ...k, updatedAt: now }, meta);
    for (const r of data.hub.rules) await publishRule(tx, { ...r, updatedAt: now }, meta);

    for (const c of data.contacts) {
      const { identities, ...contact } = c;
      await tx.insertContact({ ...contact, createdAt: now, updatedAt: now });
      for (const [n, i] of identities.entries()) await tx.insertIdentity({ id: `${c.id}-id${n}`, contactId: c.id, ...i, consentUpdatedAt: now });
    }
    for (const r of data.hub.readings) {
      const { minutesAgo, ...reading } = r;
      await tx.insertReading({ ...reading, measuredAt: now - Math.round(minutesAgo * 60_000) });
    }
    const assignment = new Map(data.hub.assignments.map((a) => [a.conversationId, a]));
    const withConversation = new Set<string>();
    for (const v of data.conversations) {
      const times = v.messages.map((m) => now - Math.round(m.minutesAgo * 60_000));
      const last = v.messages[v.messages.length - 1]!;
      const a = assignment.get(v.id);
      const conv: ConversationRow = {
        id: v.id,
        contactId: v.contactId,
        channel: v.channel,
        subject: v.subject,
        status: v.status,
        priority: v.priority,
        assigneeId: a?.assignee ?? null,
        teamId: a?.teamId ?? null,
        tags: v.tags,
        unreadCount: v.unread,
        lastMessageAt: Math.max(...times),
        lastMessagePreview: last.body.slice(0, PREVIEW_CHARS),
        createdAt: Math.min(...times),
        updatedAt: Math.max(...times),
      };
      await tx.insertConversation(conv);
      for (const [n, m] of v.messages.entries()) {
        const row: MessageRow = {
          id: `${v.id}-m${n}`,
          conversationId: v.id,
          direction: m.dir,
          authorId: null,
          authorName: m.author,
          body: m.body,
          contentType: 'text',
          deliveryStatus: m.status ?? (m.dir === 'inbound' ? 'received' : 'sent'),
          failureReason: null,
          createdAt: times[n]!,
          acceptedAt: times[n]!,
          mutationId: null,
          recalledAt: null,
        };
        await tx.insertMessage(row);
      }
      await emitConversationSnapshot(tx, v.id, meta);
      withConversation.add(v.contactId);
    }
    for (const c of data.contacts) if (!withConversation.has(c.id)) await emitContactSnapshot(tx, c.id, meta);
    await tx.setMeta('demo_seeded', String(now));
    await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'demo.seed', objectType: 'hub', objectId: store.hubId, outcome: 'ok', detail: { users: data.hub.users.length, conversations: data.conversations.length } });
  });
  return { seeded: true, users: data.hub.users.length, conversations: data.conversations.length };
}

import { eq, ne, sql } from 'drizzle-orm';
import { entityDataSchemas, type ConversationData } from '../../../shared/sync/entities';
import type { Change } from '../../../shared/sync/protocol';
import * as t from '../../../db/replica/schema';
import type { Replica } from '../replica/open';
import { indexDoc, removeDoc } from '../replica/search';

export class ProtocolError extends Error {}

const CONVERSATION_FIELDS = ['status', 'assigneeId', 'teamId', 'priority', 'tags'] as const;

/** Conversation fields a pending local mutation sets (its optimistic value), in outbox order. */
function pendingConversationPatches(replica: Replica, conversationIds: string[]): Map<string, Partial<ConversationData>[]> {
  const out = new Map<string, Partial<ConversationData>[]>();
  if (!conversationIds.length) return out;
  const rows = replica.sqlite
    .prepare(
      `SELECT kind, payload FROM outbox WHERE state IN ('pending','sending') AND kind LIKE 'conversation.%'
         AND json_extract(payload, '$.conversationId') IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
    )
    .all(JSON.stringify(conversationIds)) as { kind: string; payload: string }[];
  for (const r of rows) {
    const p = JSON.parse(r.payload) as Record<string, unknown>;
    const id = String(p.conversationId);
    const patch: Partial<ConversationData> = {};
    if (r.kind === 'conversation.setStatus') patch.status = p.status as ConversationData['status'];
    if (r.kind === 'conversation.assign') {
      patch.assigneeId = (p.assigneeId as string | null) ?? null;
      if (typeof p.teamId === 'string') patch.teamId = p.teamId;
    }
    if (r.kind === 'conversation.setPriority') patch.priority = p.priority as ConversationData['priority'];
    if (r.kind === 'conversation.setTags') patch.tags = p.tags as string[];
    out.set(id, [...(out.get(id) ?? []), patch]);
  }
  return out;
}

/**
 * Re-derives a conversation's visible fields: the hub's last version with every
 * still-pending local change applied on top, in the order the user made them.
 * Used after a pull (hub moved on) and after a rejection (roll the change back).
 */
export function rebaseConversation(replica: Replica, conversationId: string): void {
  const row = replica.db.select({ hubBase: t.conversations.hubBase }).from(t.conversations).where(eq(t.conversations.id, conversationId)).get();
  if (!row?.hubBase) return;
  const base = row.hubBase as Partial<ConversationData>;
  const view: Partial<ConversationData> = {};
  for (const f of CONVERSATION_FIELDS) (view as Record<string, unknown>)[f] = base[f];
  for (const patch of pendingConversationPatches(replica, [conversationId]).get(conversationId) ?? []) Object.assign(view, patch);
  replica.db
    .update(t.conversations)
    .set({ status: view.status!, assigneeId: view.assigneeId ?? null, teamId: view.teamId ?? null, priority: view.priority!, tags: view.tags ?? [] })
    .where(eq(t.conversations.id, conversationId))
    .run();
}

function deleteConversation(replica: Replica, conversationId: string): void {
  const { db, sqlite } = replica;
  for (const m of db.select({ id: t.messages.id }).from(t.messages).where(eq(t.messages.conversationId, conversationId)).all()) removeDoc(sqlite, 'message', m.id);
  for (const n of db.select({ id: t.notes.id }).from(t.notes).where(eq(t.notes.conversationId, conversationId)).all()) removeDoc(sqlite, 'note', n.id);
  // Local drafts and pending outbox entries stay: they are the user's unsent work
  // (the hub will reject them as out of scope, and the user sees why).
  db.delete(t.messages).where(eq(t.messages.conversationId, conversationId)).run();
  db.delete(t.notes).where(eq(t.notes.conversationId, conversationId)).run();
  db.delete(t.conversationEvents).where(eq(t.conversationEvents.conversationId, conversationId)).run();
  db.delete(t.conversations).where(eq(t.conversations.id, conversationId)).run();
}

function deleteContact(replica: Replica, contactId: string): void {
  const { db, sqlite } = replica;
  if (db.select({ id: t.conversations.id }).from(t.conversations).where(eq(t.conversations.contactId, contactId)).get()) return;
  removeDoc(sqlite, 'contact', contactId);
  db.delete(t.contactIdentities).where(eq(t.contactIdentities.contactId, contactId)).run();
  db.delete(t.deviceReadings).where(eq(t.deviceReadings.contactId, contactId)).run();
  db.delete(t.contacts).where(eq(t.contacts.id, contactId)).run();
}

export interface ApplyStats {
  applied: number;
  /** Conversations that newly arrived or changed hands — candidates for a desktop notification. */
  touchedConversations: string[];
}

/**
 * Applies one pull page to the replica. The caller runs this and the cursor update in
 * ONE transaction: if the app dies half-way, the next pull repeats the page from the
 * old cursor, and every `put` is an idempotent upsert, so nothing is lost or doubled.
 */
export function applyChanges(replica: Replica, changes: Change[]): ApplyStats {
  const { db, sqlite } = replica;
  const touched = new Set<string>();
  for (const c of changes) {
    if (c.op === 'revoke' || c.entity === 'scope') {
      const d = entityDataSchemas.scope.safeParse(c.data);
      if (!d.success) throw new ProtocolError(`Bad scope change at seq ${c.seq}`);
      deleteConversation(replica, d.data.conversationId);
      if (!d.data.keepContact) deleteContact(replica, d.data.contactId);
      continue;
    }
    const schema = entityDataSchemas[c.entity];
    const parsed = schema.safeParse(c.data);
    if (!parsed.success) throw new ProtocolError(`Bad ${c.entity} data at seq ${c.seq}`);
    const seq = c.seq;
    switch (c.entity) {
      case 'contact': {
        const d = entityDataSchemas.contact.parse(c.data);
        db.insert(t.contacts).values({ ...d, hubSeq: seq }).onConflictDoUpdate({ target: t.contacts.id, set: { ...d, hubSeq: seq } }).run();
        indexDoc(sqlite, 'contact', d.id, null, d.displayName);
        break;
      }
      case 'contact_identity': {
        const d = entityDataSchemas.contact_identity.parse(c.data);
        db.insert(t.contactIdentities).values(d).onConflictDoUpdate({ target: t.contactIdentities.id, set: d }).run();
        break;
      }
      case 'conversation': {
        const d = entityDataSchemas.conversation.parse(c.data);
        const existing = db.select({ id: t.conversations.id, assigneeId: t.conversations.assigneeId }).from(t.conversations).where(eq(t.conversations.id, d.id)).get();
        if (!existing || existing.assigneeId !== d.assigneeId) touched.add(d.id);
        // Hub events (someone else's assignment, status…) become timeline events.
        if (existing && c.prev) {
          const kinds: [string, Record<string, unknown>][] = [];
          if ('status' in c.prev) kinds.push(['status', { status: d.status }]);
          if ('assigneeId' in c.prev) kinds.push([c.prev.assigneeId && d.assigneeId ? 'transfer' : 'assign', { from: c.prev.assigneeId ?? null, to: d.assigneeId }]);
          if ('priority' in c.prev) kinds.push(['priority', { priority: d.priority }]);
          if ('tags' in c.prev) kinds.push(['tags', { tags: d.tags }]);
          kinds.forEach(([kind, detail], i) => {
            db.insert(t.conversationEvents).values({ id: `h${seq}-${i}`, conversationId: d.id, kind, actorId: null, actorName: null, detail, createdAt: d.updatedAt, hubSeq: seq }).onConflictDoNothing().run();
          });
        }
        db.insert(t.conversations)
          .values({ ...d, hubBase: d, hubSeq: seq })
          .onConflictDoUpdate({ target: t.conversations.id, set: { ...d, hubBase: d, hubSeq: seq } })
          .run();
        rebaseConversation(replica, d.id);
        break;
      }
      case 'message': {
        const d = entityDataSchemas.message.parse(c.data);
        db.insert(t.messages).values({ ...d, hubSeq: seq }).onConflictDoUpdate({ target: t.messages.id, set: { ...d, hubSeq: seq } }).run();
        if (d.recalledAt !== null) {
          // Recall: the body above is '' — our copy is overwritten (secure_delete shreds the old cell).
          removeDoc(sqlite, 'message', d.id);
        } else {
          indexDoc(sqlite, 'message', d.id, d.conversationId, d.body);
        }
        touched.add(d.conversationId);
        break;
      }
      case 'note': {
        const d = entityDataSchemas.note.parse(c.data);
        db.insert(t.notes).values({ ...d, hubSeq: seq }).onConflictDoUpdate({ target: t.notes.id, set: { ...d, hubSeq: seq } }).run();
        indexDoc(sqlite, 'note', d.id, d.conversationId, d.body);
        break;
      }
      case 'device_reading': {
        const d = entityDataSchemas.device_reading.parse(c.data);
        db.insert(t.deviceReadings).values({ ...d, hubSeq: seq }).onConflictDoUpdate({ target: t.deviceReadings.id, set: { ...d, hubSeq: seq } }).run();
        break;
      }
      case 'knowledge_item': {
        const d = entityDataSchemas.knowledge_item.parse(c.data);
        db.insert(t.knowledgeItems).values({ ...d, hubSeq: seq }).onConflictDoUpdate({ target: t.knowledgeItems.id, set: { ...d, hubSeq: seq } }).run();
        break;
      }
      case 'rule': {
        const d = entityDataSchemas.rule.parse(c.data);
        db.insert(t.settings).values({ key: `rule:${d.id}`, value: d }).onConflictDoUpdate({ target: t.settings.key, set: { value: d } }).run();
        break;
      }
      case 'user': {
        const d = entityDataSchemas.user.parse(c.data);
        if (d.disabled) {
          db.delete(t.users).where(eq(t.users.id, d.id)).run();
        } else {
          const row = { id: d.id, displayName: d.displayName, role: d.role, teamIds: d.teamIds, updatedAt: Date.now(), hubSeq: seq };
          db.insert(t.users).values(row).onConflictDoUpdate({ target: t.users.id, set: row }).run();
        }
        break;
      }
      case 'team': {
        const d = entityDataSchemas.team.parse(c.data);
        db.insert(t.teams).values({ ...d, hubSeq: seq }).onConflictDoUpdate({ target: t.teams.id, set: { ...d, hubSeq: seq } }).run();
        break;
      }
    }
  }
  return { applied: changes.length, touchedConversations: [...touched] };
}

/** Mutations still waiting for the hub (pending or in flight; rejected ones are counted apart). */
export function pendingOutboxCount(replica: Replica): number {
  return replica.db.select({ n: sql<number>`count(*)` }).from(t.outbox).where(ne(t.outbox.state, 'rejected')).get()?.n ?? 0;
}

export function rejectedOutbox(replica: Replica) {
  return replica.db.select().from(t.outbox).where(eq(t.outbox.state, 'rejected')).orderBy(t.outbox.createdAt).all();
}


/**
 * The hub no longer recognises our cursor (a replaced or restored hub): drop every
 * row that came from the hub and pull again from 0. The user's own unsent work —
 * outbox, drafts, settings, local audit — is kept and will be pushed again.
 */
export function resetHubData(replica: Replica): void {
  replica.sqlite
    .transaction(() => {
      replica.sqlite.prepare("INSERT INTO search_fts(search_fts) VALUES('delete-all')").run();
      for (const table of ['search_docs', 'conversation_events', 'messages', 'notes', 'device_readings', 'contact_identities', 'conversations', 'contacts', 'knowledge_items', 'users', 'teams']) {
        replica.sqlite.prepare(`DELETE FROM ${table}`).run();
      }
      replica.sqlite.prepare("DELETE FROM sync_state WHERE key IN ('cursor', 'hub_id', 'initial_done')").run();
      replica.sqlite.prepare("DELETE FROM settings WHERE key LIKE 'rule:%'").run();
    })
    .immediate();
}

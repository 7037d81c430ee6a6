import { eq } from 'drizzle-orm';
import { entityDataSchemas, type ContactData, type ContactIdentityData, type ConversationData, type DeviceReadingData, type MessageData, type NoteData } from '../../../shared/sync/entities';
import { stmt } from '../replica/statements';
import type { Change } from '../../../shared/sync/protocol';
import * as t from '../../../db/replica/schema';
import type { Replica } from '../replica/open';
import { indexDoc, removeDoc } from '../replica/search';
import { markSearchBehind, SEARCH_BACKFILL_KEY } from '../replica/search-backfill';
import { KNOWLEDGE_STATUS_PREFIX, setKnowledgeStatus } from './knowledge-status';
import { dropAttachmentsOf, recordRemoteAttachments } from '../attachments/store';

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
  db.delete(t.attachments).where(eq(t.attachments.conversationId, conversationId)).run();
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

const j = (v: unknown) => JSON.stringify(v);
const b = (v: boolean) => (v ? 1 : 0);

// Upserts keep the replica's local-only columns (thresholds, SLA, snooze) untouched.
const SQL = {
  contact: `INSERT INTO contacts (id, display_name, sex, birth_year, preferred_channel, conditions, medicines, allergies, created_at, updated_at, hub_seq)
    VALUES (@id, @displayName, @sex, @birthYear, @preferredChannel, @conditions, @medicines, @allergies, @createdAt, @updatedAt, @seq)
    ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, sex = excluded.sex, birth_year = excluded.birth_year,
      preferred_channel = excluded.preferred_channel, conditions = excluded.conditions, medicines = excluded.medicines,
      allergies = excluded.allergies, created_at = excluded.created_at, updated_at = excluded.updated_at, hub_seq = excluded.hub_seq`,
  identity: `INSERT INTO contact_identities (id, contact_id, channel, external_id, verified, consent, consent_updated_at)
    VALUES (@id, @contactId, @channel, @externalId, @verified, @consent, @consentUpdatedAt)
    ON CONFLICT(id) DO UPDATE SET contact_id = excluded.contact_id, channel = excluded.channel, external_id = excluded.external_id,
      verified = excluded.verified, consent = excluded.consent, consent_updated_at = excluded.consent_updated_at`,
  // snoozed_until: the hub's when it sends one (older hubs do not: the local value stays).
  conversation: `INSERT INTO conversations (id, contact_id, channel, subject, status, priority, assignee_id, team_id, tags, unread_count, last_message_at, last_message_preview, created_at, updated_at, hub_base, hub_seq, snoozed_until)
    VALUES (@id, @contactId, @channel, @subject, @status, @priority, @assigneeId, @teamId, @tags, @unreadCount, @lastMessageAt, @lastMessagePreview, @createdAt, @updatedAt, @hubBase, @seq, @snoozedUntil)
    ON CONFLICT(id) DO UPDATE SET contact_id = excluded.contact_id, channel = excluded.channel, subject = excluded.subject, status = excluded.status,
      priority = excluded.priority, assignee_id = excluded.assignee_id, team_id = excluded.team_id, tags = excluded.tags,
      unread_count = excluded.unread_count, last_message_at = excluded.last_message_at, last_message_preview = excluded.last_message_preview,
      created_at = excluded.created_at, updated_at = excluded.updated_at, hub_base = excluded.hub_base, hub_seq = excluded.hub_seq,
      snoozed_until = CASE WHEN @snoozeKnown = 1 THEN excluded.snoozed_until ELSE conversations.snoozed_until END`,
  // Positional parameters on the hot rows (100k in a first sync): binding by name costs ~3 µs a row.
  message: `INSERT INTO messages (id, conversation_id, direction, author_id, author_name, body, content_type, delivery_status, failure_reason, created_at, recalled_at, hub_seq)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET conversation_id = excluded.conversation_id, direction = excluded.direction, author_id = excluded.author_id,
      author_name = excluded.author_name, body = excluded.body, content_type = excluded.content_type, delivery_status = excluded.delivery_status,
      failure_reason = excluded.failure_reason, created_at = excluded.created_at, recalled_at = excluded.recalled_at, hub_seq = excluded.hub_seq`,
  note: `INSERT INTO notes (id, conversation_id, author_id, author_name, body, created_at, hub_seq) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET conversation_id = excluded.conversation_id, author_id = excluded.author_id, author_name = excluded.author_name,
      body = excluded.body, created_at = excluded.created_at, hub_seq = excluded.hub_seq`,
  reading: `INSERT INTO device_readings (id, contact_id, kind, value, value2, unit, device_id, measured_at, hub_seq) VALUES (@id, @contactId, @kind, @value, @value2, @unit, @deviceId, @measuredAt, @seq)
    ON CONFLICT(id) DO UPDATE SET contact_id = excluded.contact_id, kind = excluded.kind, value = excluded.value, value2 = excluded.value2,
      unit = excluded.unit, device_id = excluded.device_id, measured_at = excluded.measured_at, hub_seq = excluded.hub_seq`,
  messageBody: 'SELECT body FROM messages WHERE id = ?',
  noteBody: 'SELECT body FROM notes WHERE id = ?',
  event: `INSERT INTO conversation_events (id, conversation_id, kind, actor_id, actor_name, detail, created_at, hub_seq) VALUES (?, ?, ?, NULL, NULL, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
  existingConversation: 'SELECT assignee_id AS assigneeId FROM conversations WHERE id = ?',
  hasConversation: 'SELECT 1 AS x FROM conversations WHERE id = ?',
  hasContact: 'SELECT 1 AS x FROM contacts WHERE id = ?',
  pendingConversationIds: `SELECT DISTINCT json_extract(payload, '$.conversationId') AS id FROM outbox WHERE state IN ('pending','sending') AND kind LIKE 'conversation.%'`,
} as const;

/**
 * Applies one pull page to the replica. The caller runs this and the cursor update in
 * ONE transaction: if the app dies half-way, the next pull repeats the page from the
 * old cursor, and every `put` is an idempotent upsert, so nothing is lost or doubled.
 * Hot path (initial sync streams 100k rows): statements are prepared once per connection.
 */
export function applyChanges(replica: Replica, changes: Change[], opts: { deferSearch?: boolean } = {}): ApplyStats {
  const { db, sqlite } = replica;
  // Initial sync: messages and notes are indexed for search after the download (replica/search-backfill.ts).
  let deferred = false;
  const indexText = (kind: 'message' | 'note', id: string, conversationId: string, body: string) => {
    if (!opts.deferSearch) return indexDoc(sqlite, kind, id, conversationId, body);
    if (!deferred) markSearchBehind(sqlite);
    deferred = true;
  };
  const touched = new Set<string>();
  // Parents seen present in this call (a page of 1,000 messages has a few conversations):
  // looked up once, not once per child. A revoke in the page forgets them all (rare).
  const presentConversations = new Set<string>();
  const presentContacts = new Set<string>();
  const hasConversation = (id: string) => presentConversations.has(id) || (stmt(sqlite, SQL.hasConversation).get(id) !== undefined && !!presentConversations.add(id));
  const hasContact = (id: string) => presentContacts.has(id) || (stmt(sqlite, SQL.hasContact).get(id) !== undefined && !!presentContacts.add(id));
  // Only conversations with local changes still in flight need a rebase after a put.
  const pending = new Set((stmt(sqlite, SQL.pendingConversationIds).all() as { id: string }[]).map((r) => r.id));
  // A page often carries many versions of one conversation (each inbound message bumps it);
  // only the last version in the page is written — the earlier ones are superseded anyway.
  const lastConversationPut = new Map<string, number>();
  changes.forEach((c, i) => {
    if (c.entity === 'conversation' && c.op === 'put') lastConversationPut.set(c.id, i);
  });
  for (const [index, c] of changes.entries()) {
    if (c.op === 'revoke' || c.entity === 'scope') {
      const d = entityDataSchemas.scope.safeParse(c.data);
      if (!d.success) throw new ProtocolError(`Bad scope change at seq ${c.seq}`);
      deleteConversation(replica, d.data.conversationId);
      if (!d.data.keepContact) deleteContact(replica, d.data.contactId);
      presentConversations.clear();
      presentContacts.clear();
      continue;
    }
    const parsed = entityDataSchemas[c.entity].safeParse(c.data);
    if (!parsed.success) throw new ProtocolError(`Bad ${c.entity} data at seq ${c.seq}`);
    const seq = c.seq;
    switch (c.entity) {
      case 'contact': {
        const d = parsed.data as ContactData;
        stmt(sqlite, SQL.contact).run({ ...d, conditions: j(d.conditions), medicines: j(d.medicines), allergies: j(d.allergies), seq });
        indexDoc(sqlite, 'contact', d.id, null, d.displayName);
        break;
      }
      case 'contact_identity': {
        const d = parsed.data as ContactIdentityData;
        // Protocol rule: a row whose parent we do not have is skipped (a later copy brings both).
        if (!hasContact(d.contactId)) break;
        stmt(sqlite, SQL.identity).run({ ...d, verified: b(d.verified) });
        break;
      }
      case 'conversation': {
        const d = parsed.data as ConversationData;
        if (!hasContact(d.contactId)) break;
        const existing = stmt(sqlite, SQL.existingConversation).get(d.id) as { assigneeId: string | null } | undefined;
        if (!existing || existing.assigneeId !== d.assigneeId) touched.add(d.id);
        // Hub events (someone else's assignment, status…) become timeline events.
        if (existing && c.prev) {
          const kinds: [string, Record<string, unknown>][] = [];
          if ('status' in c.prev) kinds.push(['status', { status: d.status }]);
          if ('assigneeId' in c.prev) kinds.push([c.prev.assigneeId && d.assigneeId ? 'transfer' : 'assign', { from: c.prev.assigneeId ?? null, to: d.assigneeId }]);
          if ('priority' in c.prev) kinds.push(['priority', { priority: d.priority }]);
          if ('tags' in c.prev) kinds.push(['tags', { tags: d.tags }]);
          kinds.forEach(([kind, detail], i) => stmt(sqlite, SQL.event).run(`h${seq}-${i}`, d.id, kind, j(detail), d.updatedAt, seq));
        }
        // Skip a superseded version — but never the first one of a conversation we do not have yet:
        // the messages after it in this page need their parent row.
        if (existing && lastConversationPut.get(d.id) !== index) break;
        stmt(sqlite, SQL.conversation).run({ ...d, tags: j(d.tags), hubBase: j(d), seq, snoozedUntil: d.snoozedUntil ?? null, snoozeKnown: d.snoozedUntil === undefined ? 0 : 1 });
        if (pending.has(d.id)) rebaseConversation(replica, d.id);
        break;
      }
      case 'message': {
        const d = parsed.data as MessageData;
        if (!hasConversation(d.conversationId)) break;
        // (Not looked up on a first download: nothing is indexed during it.)
        const before = opts.deferSearch ? undefined : (stmt(sqlite, SQL.messageBody).get(d.id) as { body: string } | undefined);
        stmt(sqlite, SQL.message).run(d.id, d.conversationId, d.direction, d.authorId, d.authorName, d.body, d.contentType, d.deliveryStatus, d.failureReason, d.createdAt, d.recalledAt, seq);
        if (d.recalledAt !== null) {
          // Recall: the body above is '' — our copy is overwritten (secure_delete shreds the old cell), files too.
          removeDoc(sqlite, 'message', d.id);
          dropAttachmentsOf(replica, d.id);
        } else {
          if (d.attachments?.length) recordRemoteAttachments(replica, d.conversationId, d.id, d.attachments, d.createdAt);
          // Same text as the copy we hold (our own reply coming back, a delivery status
          // update): its index entry stands (or the first-sync backfill will write it).
          if (before?.body !== d.body) indexText('message', d.id, d.conversationId, d.body);
        }
        touched.add(d.conversationId);
        break;
      }
      case 'note': {
        const d = parsed.data as NoteData;
        if (!hasConversation(d.conversationId)) break;
        const before = opts.deferSearch ? undefined : (stmt(sqlite, SQL.noteBody).get(d.id) as { body: string } | undefined);
        stmt(sqlite, SQL.note).run(d.id, d.conversationId, d.authorId, d.authorName, d.body, d.createdAt, seq);
        if (before?.body !== d.body) indexText('note', d.id, d.conversationId, d.body);
        break;
      }
      case 'device_reading': {
        const d = parsed.data as DeviceReadingData;
        if (!hasContact(d.contactId)) break;
        stmt(sqlite, SQL.reading).run({ ...d, seq });
        break;
      }
      case 'knowledge_item': {
        const { status, ...d } = entityDataSchemas.knowledge_item.parse(c.data);
        db.insert(t.knowledgeItems).values({ ...d, hubSeq: seq }).onConflictDoUpdate({ target: t.knowledgeItems.id, set: { ...d, hubSeq: seq } }).run();
        // Retired / removed items keep their row (and hide a bundled copy too): handlers/knowledge.ts.
        setKnowledgeStatus(replica, d.id, status ?? 'active');
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
/**
 * Records that wait for the hub but are not the user's work: read markers, knowledge-card
 * feedback, audit copies of identifier reveals. They leave with the outbox like the rest,
 * but "3 queued" on the connection indicator counts only what the user wrote or changed.
 */
export const BACKGROUND_MUTATIONS: readonly string[] = ['conversation.markRead', 'knowledge.feedback', 'contact.revealIdentifier'];

/** Outbox entries still to push: the user's own work, and background records. */
const PENDING_COUNT_SQL = `SELECT kind IN (${BACKGROUND_MUTATIONS.map(() => '?').join(', ')}) AS bg, count(*) AS n FROM outbox WHERE state != 'rejected' GROUP BY 1`;

export function pendingOutboxCount(replica: Replica): { queued: number; background: number } {
  const rows = stmt(replica.sqlite, PENDING_COUNT_SQL).all(...BACKGROUND_MUTATIONS) as { bg: number; n: number }[];
  return { queued: rows.find((r) => !r.bg)?.n ?? 0, background: rows.find((r) => r.bg)?.n ?? 0 };
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
      // Files the hub has are fetched again when opened; staged and queued ones are unsent work and stay.
      replica.sqlite.prepare("DELETE FROM attachments WHERE state = 'stored'").run();
      // The index was emptied above: a backfill mark (and its row watermark) no longer applies.
      replica.sqlite.prepare("DELETE FROM sync_state WHERE key IN ('cursor', 'hub_id', 'initial_done', ?)").run(SEARCH_BACKFILL_KEY);
      replica.sqlite.prepare("DELETE FROM settings WHERE key LIKE 'rule:%'").run();
      replica.sqlite.prepare(`DELETE FROM settings WHERE substr(key, 1, ${KNOWLEDGE_STATUS_PREFIX.length}) = ?`).run(KNOWLEDGE_STATUS_PREFIX);
    })
    .immediate();
}

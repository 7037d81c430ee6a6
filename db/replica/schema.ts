import { channels, conversationStatuses, deliveryStatuses, priorities, consentStates, readingKinds, roles } from '../../shared/domain/types';
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey, blob } from 'drizzle-orm/sqlite-core';

/**
 * The workstation replica: what one user may see, kept in a SQLCipher file.
 * Times are epoch milliseconds (integers). `hub_seq` columns hold the position of
 * the row's last change in the hub's change log (null until the hub has it).
 */

export const contacts = sqliteTable('contacts', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  sex: text('sex', { enum: ['female', 'male', 'unknown'] }).notNull().default('unknown'),
  birthYear: integer('birth_year'),
  preferredChannel: text('preferred_channel', { enum: channels }),
  conditions: text('conditions', { mode: 'json' }).$type<string[]>().notNull().default([]),
  medicines: text('medicines', { mode: 'json' }).$type<string[]>().notNull().default([]),
  allergies: text('allergies', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** The patient's own alert thresholds by reading kind (set by clinicians); defaults apply otherwise. */
  thresholds: text('thresholds', { mode: 'json' }).$type<Record<string, { low: number | null; high: number | null }>>().notNull().default({}),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  hubSeq: integer('hub_seq'),
});

/** One row per door a contact uses (openid, phone, email, visitor id) with its consent. */
export const contactIdentities = sqliteTable(
  'contact_identities',
  {
    id: text('id').primaryKey(),
    contactId: text('contact_id').notNull().references(() => contacts.id),
    channel: text('channel', { enum: channels }).notNull(),
    externalId: text('external_id').notNull(),
    verified: integer('verified', { mode: 'boolean' }).notNull().default(false),
    consent: text('consent', { enum: consentStates }).notNull().default('unknown'),
    consentUpdatedAt: integer('consent_updated_at'),
  },
  (t) => [uniqueIndex('contact_identities_channel_external').on(t.channel, t.externalId), index('contact_identities_contact').on(t.contactId)],
);

export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    contactId: text('contact_id').notNull().references(() => contacts.id),
    channel: text('channel', { enum: channels }).notNull(),
    subject: text('subject'),
    status: text('status', { enum: conversationStatuses }).notNull().default('open'),
    priority: text('priority', { enum: priorities }).notNull().default('normal'),
    assigneeId: text('assignee_id'),
    teamId: text('team_id'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    unreadCount: integer('unread_count').notNull().default(0),
    lastMessageAt: integer('last_message_at').notNull(),
    lastMessagePreview: text('last_message_preview').notNull().default(''),
    /** When the next reply is due (SLA); null when nothing is owed. */
    slaDueAt: integer('sla_due_at'),
    snoozedUntil: integer('snoozed_until'),
    /**
     * The hub's last version of this row (JSON), kept so a rejected local change can
     * be rolled back to it and pending local changes re-applied on top (rebase).
     */
    hubBase: text('hub_base', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    hubSeq: integer('hub_seq'),
  },
  (t) => [index('conversations_inbox').on(t.lastMessageAt), index('conversations_status').on(t.status, t.lastMessageAt), index('conversations_contact').on(t.contactId)],
);

/** Append-only, like the hub's. Recall shreds `body` (secure_delete is on) and sets `recalled_at`. */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull().references(() => conversations.id),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    body: text('body').notNull(),
    contentType: text('content_type').notNull().default('text'),
    deliveryStatus: text('delivery_status', { enum: deliveryStatuses }).notNull(),
    failureReason: text('failure_reason'),
    createdAt: integer('created_at').notNull(),
    recalledAt: integer('recalled_at'),
    hubSeq: integer('hub_seq'),
  },
  (t) => [index('messages_conversation_time').on(t.conversationId, t.createdAt)],
);

/**
 * Files on messages: a patient's photo or PDF (inbound, fetched from the hub when
 * first opened and kept here, encrypted like everything else in the replica), or a
 * file an agent attached to a reply (staged before sending; its bytes stay here until
 * the hub has them). `messageId` is null while a staged file is not yet sent.
 */
export const attachments = sqliteTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    messageId: text('message_id'),
    filename: text('filename').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256'),
    /** The bytes, when this replica has them (staged, uploaded or opened once). */
    data: blob('data', { mode: 'buffer' }),
    /** staged: attached in the composer · queued: on a queued reply, not yet at the hub · stored: the hub has it. */
    state: text('state', { enum: ['staged', 'queued', 'stored'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('attachments_message').on(t.messageId), index('attachments_conversation_state').on(t.conversationId, t.state)],
);

export const notes = sqliteTable(
  'notes',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull().references(() => conversations.id),
    authorId: text('author_id'),
    authorName: text('author_name'),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
    hubSeq: integer('hub_seq'),
  },
  (t) => [index('notes_conversation_time').on(t.conversationId, t.createdAt)],
);

export const deviceReadings = sqliteTable(
  'device_readings',
  {
    id: text('id').primaryKey(),
    contactId: text('contact_id').notNull().references(() => contacts.id),
    kind: text('kind', { enum: readingKinds }).notNull(),
    value: real('value').notNull(),
    value2: real('value2'),
    unit: text('unit').notNull(),
    deviceId: text('device_id'),
    measuredAt: integer('measured_at').notNull(),
    hubSeq: integer('hub_seq'),
  },
  (t) => [index('device_readings_contact_time').on(t.contactId, t.measuredAt)],
);

export const knowledgeItems = sqliteTable('knowledge_items', {
  id: text('id').primaryKey(),
  lang: text('lang').notNull(),
  title: text('title').notNull(),
  body: text('body', { mode: 'json' }).$type<unknown>().notNull(),
  updatedAt: integer('updated_at').notNull(),
  hubSeq: integer('hub_seq'),
});

/**
 * Mutations waiting for the hub. Written in the same transaction as the optimistic
 * local change, so a crash can never leave one without the other.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    state: text('state', { enum: ['pending', 'sending', 'rejected'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    rejectedCode: text('rejected_code'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('outbox_state_time').on(t.state, t.createdAt)],
);

export const syncState = sqliteTable('sync_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const audit = sqliteTable(
  'audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    detail: text('detail', { mode: 'json' }).$type<unknown>(),
  },
  (t) => [index('audit_at').on(t.at)],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).$type<unknown>().notNull(),
});

export const drafts = sqliteTable(
  'drafts',
  {
    conversationId: text('conversation_id').notNull(),
    mode: text('mode', { enum: ['reply', 'note'] }).notNull().default('reply'),
    body: text('body').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.mode] })],
);

/** People the user works with (names for assignees and authors); synced from the hub. */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: roles }).notNull(),
  teamIds: text('team_ids', { mode: 'json' }).$type<string[]>().notNull().default([]),
  updatedAt: integer('updated_at').notNull(),
  hubSeq: integer('hub_seq'),
});

export const teams = sqliteTable('teams', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  hubSeq: integer('hub_seq'),
});

/** Canned replies, searchable with `/` in the composer; `{{patient_name}}`-style variables. */
export const cannedReplies = sqliteTable(
  'canned_replies',
  {
    id: text('id').primaryKey(),
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    lang: text('lang').notNull().default('zh-CN'),
    updatedAt: integer('updated_at').notNull(),
    hubSeq: integer('hub_seq'),
  },
  (t) => [index('canned_replies_shortcut').on(t.shortcut)],
);

/** System events in a conversation's timeline: assignment, transfer, status, priority, tags, recall. */
export const conversationEvents = sqliteTable(
  'conversation_events',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull().references(() => conversations.id),
    kind: text('kind').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: integer('created_at').notNull(),
    hubSeq: integer('hub_seq'),
  },
  (t) => [index('conversation_events_conversation_time').on(t.conversationId, t.createdAt)],
);

/** Agents' useful/useless marks on knowledge cards, pushed to the hub for the feedback loop. */
export const knowledgeFeedback = sqliteTable('knowledge_feedback', {
  id: text('id').primaryKey(),
  itemId: text('item_id').notNull(),
  useful: integer('useful', { mode: 'boolean' }).notNull(),
  conversationId: text('conversation_id'),
  createdAt: integer('created_at').notNull(),
});

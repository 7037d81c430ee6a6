import { channels, conversationStatuses, deliveryStatuses, priorities, consentStates } from '../../shared/domain/types';
import { roles, readingKinds } from '../../shared/sync/entities';
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * The hub's database: the clinic's source of truth. Times are epoch milliseconds.
 * Patient tables mirror the replica's (db/replica/schema.ts) plus hub-only columns;
 * `change_log` orders every change for sync; `audit_log` is the hash chain.
 */

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

// ---- accounts --------------------------------------------------------------

export const teams = sqliteTable('teams', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  /** Stored lower-case; login compares lower-case. */
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: roles }).notNull(),
  /** argon2id PHC string. */
  passwordHash: text('password_hash').notNull(),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  /** Consecutive wrong passwords since the last success or lock. */
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: integer('locked_until'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const teamMembers = sqliteTable(
  'team_members',
  {
    teamId: text('team_id').notNull().references(() => teams.id),
    userId: text('user_id').notNull().references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user').on(t.userId)],
);

export const workstations = sqliteTable('workstations', {
  id: text('id').primaryKey(),
  label: text('label'),
  status: text('status', { enum: ['active', 'revoked'] }).notNull().default('active'),
  registeredAt: integer('registered_at').notNull(),
  /** User id, or 'cli' for an admin registration. */
  registeredBy: text('registered_by').notNull(),
  lastSeenAt: integer('last_seen_at'),
});

/** One sign-in of one user on one workstation: the family of its rotating refresh tokens. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    workstationId: text('workstation_id').notNull().references(() => workstations.id),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_workstation').on(t.workstationId)],
);

/** Only the SHA-256 of a refresh token is stored; the token itself exists only on the workstation. */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: text('session_id').notNull().references(() => sessions.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** Set when rotated (exchanged for its successor). */
    usedAt: integer('used_at'),
    replacedBy: text('replaced_by'),
  },
  (t) => [index('refresh_tokens_session').on(t.sessionId)],
);

// ---- patient data (mirrors the replica) ------------------------------------

export const contacts = sqliteTable('contacts', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  sex: text('sex', { enum: ['female', 'male', 'unknown'] }).notNull().default('unknown'),
  birthYear: integer('birth_year'),
  preferredChannel: text('preferred_channel', { enum: channels }),
  conditions: text('conditions', { mode: 'json' }).$type<string[]>().notNull().default([]),
  medicines: text('medicines', { mode: 'json' }).$type<string[]>().notNull().default([]),
  allergies: text('allergies', { mode: 'json' }).$type<string[]>().notNull().default([]),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

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

/** Every profile edit keeps what it replaced: who, when, from which workstation, by which mutation. */
export const contactProfileHistory = sqliteTable(
  'contact_profile_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: text('contact_id').notNull().references(() => contacts.id),
    changedAt: integer('changed_at').notNull(),
    userId: text('user_id').notNull(),
    workstationId: text('workstation_id').notNull(),
    mutationId: text('mutation_id').notNull(),
    before: text('before', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    after: text('after', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    seq: integer('seq').notNull(),
  },
  (t) => [index('contact_profile_history_contact').on(t.contactId, t.id)],
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
    assigneeId: text('assignee_id').references(() => users.id),
    teamId: text('team_id').references(() => teams.id),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    unreadCount: integer('unread_count').notNull().default(0),
    lastMessageAt: integer('last_message_at').notNull(),
    lastMessagePreview: text('last_message_preview').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('conversations_assignee').on(t.assigneeId), index('conversations_team').on(t.teamId, t.assigneeId), index('conversations_contact').on(t.contactId)],
);

/** Append-only. Recall overwrites `body` with '' (secure_delete is on) and sets `recalled_at`. */
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
    /** When the hub accepted it: the recall window counts from here. */
    acceptedAt: integer('accepted_at').notNull(),
    mutationId: text('mutation_id'),
    recalledAt: integer('recalled_at'),
  },
  (t) => [index('messages_conversation_time').on(t.conversationId, t.createdAt)],
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
    mutationId: text('mutation_id'),
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
  },
  (t) => [index('device_readings_contact_time').on(t.contactId, t.measuredAt)],
);

export const knowledgeItems = sqliteTable('knowledge_items', {
  id: text('id').primaryKey(),
  lang: text('lang').notNull(),
  title: text('title').notNull(),
  body: text('body', { mode: 'json' }).$type<unknown>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const rules = sqliteTable('rules', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  body: text('body', { mode: 'json' }).$type<unknown>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

// ---- sync ------------------------------------------------------------------

/**
 * THE change log: one monotonic order of every change. AUTOINCREMENT (not plain
 * rowid) so a seq is never reused even if rows were ever removed: a client's
 * cursor must never point at a different change than the one it saw.
 * `conversation_id` / `contact_id` tag the row for scope filtering; both null =
 * visible to everyone. `audience_user_id` set = only that user (scope revokes).
 */
export const changeLog = sqliteTable(
  'change_log',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    op: text('op', { enum: ['put', 'revoke'] }).notNull(),
    data: text('data', { mode: 'json' }).$type<unknown>().notNull(),
    prev: text('prev', { mode: 'json' }).$type<Record<string, unknown>>(),
    conversationId: text('conversation_id'),
    contactId: text('contact_id'),
    audienceUserId: text('audience_user_id'),
    mutationId: text('mutation_id'),
    actorId: text('actor_id'),
  },
  (t) => [
    index('change_log_conversation').on(t.conversationId, t.seq),
    index('change_log_contact').on(t.contactId, t.seq),
    index('change_log_audience').on(t.audienceUserId, t.seq),
    index('change_log_entity').on(t.entity, t.entityId),
  ],
);

/**
 * Every mutation id the hub has decided, with its answer: a replay gets the same
 * answer and is never applied twice. Only a hash of the args is kept (the args
 * may hold a message body, which a recall must be able to shred).
 */
export const mutations = sqliteTable(
  'mutations',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    workstationId: text('workstation_id').notNull(),
    type: text('type').notNull(),
    argsHash: text('args_hash').notNull(),
    status: text('status', { enum: ['applied', 'rejected'] }).notNull(),
    result: text('result', { mode: 'json' }).$type<Record<string, unknown>>(),
    code: text('code'),
    message: text('message'),
    clientTime: integer('client_time').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('mutations_user').on(t.userId, t.receivedAt)],
);

// ---- audit -----------------------------------------------------------------

/**
 * Append-only audit trail. `hash` = SHA-256 over the canonical JSON of the record
 * (id included) and `prev_hash` (the previous record's hash): changing, deleting
 * or reordering any row breaks the chain at that row. Never holds message bodies.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    userId: text('user_id'),
    workstationId: text('workstation_id'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    outcome: text('outcome', { enum: ['ok', 'denied', 'rejected', 'error'] }).notNull(),
    detail: text('detail', { mode: 'json' }).$type<unknown>(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

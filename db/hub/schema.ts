import { channels, conversationStatuses, deliveryStatuses, priorities, consentStates } from '../../shared/domain/types';
import { roles, readingKinds, knowledgeItemStatuses } from '../../shared/sync/entities';
import { knowledgeFeedbackKinds } from '../../shared/sync/mutations';
import { sqliteTable, text, integer, real, blob, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';

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
    /** While `status` is 'snoozed': when it opens again by itself (hub time, epoch ms). */
    snoozedUntil: integer('snoozed_until'),
  },
  (t) => [
    index('conversations_assignee').on(t.assigneeId),
    index('conversations_team').on(t.teamId, t.assigneeId),
    index('conversations_contact').on(t.contactId),
    index('conversations_snoozed').on(t.snoozedUntil),
  ],
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
  /** active | retired (feedback review queue) | removed (gone from the knowledge files; the row stays as a tombstone). */
  status: text('status', { enum: knowledgeItemStatuses }).notNull().default('active'),
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

// ---- channels (hub-only: never synced as such) -------------------------------

export const inboundStates = ['pending', 'ingested', 'ignored', 'failed'] as const;

/**
 * Every payload a channel accepted, kept for audit (the decrypted WeChat XML, the
 * SMS webhook body, the e-mail's headers …), with the de-duplication key of the
 * channel (WeChat MsgId, e-mail Message-ID, widget client id …): a retry of the
 * same payload finds its row and is answered like the first time. `pending` rows
 * were acknowledged before processing (WeChat's 5 s rule) and are finished on start.
 */
export const channelInbound = sqliteTable(
  'channel_inbound',
  {
    id: text('id').primaryKey(),
    channel: text('channel', { enum: channels }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    receivedAt: integer('received_at').notNull(),
    state: text('state', { enum: inboundStates }).notNull(),
    reason: text('reason'),
    contactId: text('contact_id'),
    conversationId: text('conversation_id'),
    messageId: text('message_id'),
    raw: text('raw').notNull(),
    rawBytes: integer('raw_bytes').notNull(),
  },
  (t) => [uniqueIndex('channel_inbound_dedupe').on(t.channel, t.dedupeKey), index('channel_inbound_state').on(t.state, t.receivedAt)],
);

export const outboundStates = ['waiting', 'sending', 'sent', 'delivered', 'failed', 'cancelled'] as const;

/**
 * One row per staff reply the hub must hand to a channel. Written in the same
 * transaction as the message (message.send), due only after the recall window;
 * a recall cancels it. `channel`/`identity_id` are the route chosen at send time.
 */
export const channelOutbox = sqliteTable(
  'channel_outbox',
  {
    messageId: text('message_id').primaryKey().references(() => messages.id),
    conversationId: text('conversation_id').notNull(),
    channel: text('channel', { enum: channels }).notNull(),
    identityId: text('identity_id'),
    state: text('state', { enum: outboundStates }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('channel_outbox_due').on(t.state, t.nextAttemptAt), index('channel_outbox_provider').on(t.channel, t.providerId), index('channel_outbox_identity').on(t.identityId, t.state)],
);

/** Which identity a conversation talks to, and per-channel thread data (e-mail subject …). */
export const channelThreads = sqliteTable(
  'channel_threads',
  {
    conversationId: text('conversation_id').primaryKey().references(() => conversations.id),
    channel: text('channel', { enum: channels }).notNull(),
    identityId: text('identity_id').notNull(),
    subject: text('subject'),
    meta: text('meta', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('channel_threads_identity').on(t.identityId)],
);

/** External references (e-mail Message-IDs both ways) → our conversation and message. */
export const channelRefs = sqliteTable(
  'channel_refs',
  {
    channel: text('channel', { enum: channels }).notNull(),
    ref: text('ref').notNull(),
    conversationId: text('conversation_id').notNull(),
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.ref] }), index('channel_refs_conversation').on(t.conversationId)],
);

/** Files that came with a message (widget images, e-mail attachments), size-checked before they get here. */
export const attachments = sqliteTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    channel: text('channel', { enum: channels }).notNull(),
    /** Who uploaded it before it was bound to a message (the widget visitor id). */
    ownerKey: text('owner_key'),
    messageId: text('message_id'),
    conversationId: text('conversation_id'),
    filename: text('filename').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('attachments_message').on(t.messageId), index('attachments_owner').on(t.ownerKey)],
);

/** Manual (and automatic) merges of two contacts: what moved, who decided. Never deleted. */
export const contactMerges = sqliteTable(
  'contact_merges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fromContactId: text('from_contact_id').notNull(),
    intoContactId: text('into_contact_id').notNull(),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('contact_merges_from').on(t.fromContactId), index('contact_merges_into').on(t.intoContactId)],
);

/** A medical device (glucometer, BP cuff, oximeter gateway) and the patient it measures. */
export const deviceBindings = sqliteTable(
  'device_bindings',
  {
    deviceId: text('device_id').primaryKey(),
    contactId: text('contact_id').notNull().references(() => contacts.id),
    label: text('label'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('device_bindings_contact').on(t.contactId)],
);

/** Per patient and reading kind: the one-minute window being filled, the abnormal streak, what was alerted. */
export const deviceAlertState = sqliteTable(
  'device_alert_state',
  {
    contactId: text('contact_id').notNull(),
    kind: text('kind', { enum: readingKinds }).notNull(),
    state: text('state', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.kind] })],
);

export const deviceAlerts = sqliteTable(
  'device_alerts',
  {
    id: text('id').primaryKey(),
    contactId: text('contact_id').notNull(),
    kind: text('kind', { enum: readingKinds }).notNull(),
    level: text('level', { enum: ['abnormal', 'critical'] }).notNull(),
    reason: text('reason').notNull(),
    conversationId: text('conversation_id').notNull(),
    messageId: text('message_id').notNull(),
    readingIds: text('reading_ids', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('device_alerts_contact').on(t.contactId, t.createdAt)],
);

/** Routing bookkeeping of conversations that came in through a channel (queue, wait start, overflow). */
export const routingState = sqliteTable(
  'routing_state',
  {
    conversationId: text('conversation_id').primaryKey().references(() => conversations.id),
    queueId: text('queue_id').notNull(),
    enqueuedAt: integer('enqueued_at').notNull(),
    language: text('language').notNull(),
    department: text('department'),
    overflowedAt: integer('overflowed_at'),
    assignedAt: integer('assigned_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('routing_state_queue').on(t.queueId, t.assignedAt)],
);

// ---- supervisor: QA reviews, surveys (hub-only, never synced) ----------------

/** QA scorecard forms. Saving makes a new version; a review keeps the version it was scored with. */
export const qaForms = sqliteTable(
  'qa_forms',
  {
    id: text('id').notNull(),
    version: integer('version').notNull(),
    name: text('name', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    sections: text('sections', { mode: 'json' }).$type<unknown[]>().notNull(),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.id, t.version] })],
);

/** One QA review of one conversation (queued by sampling or a flag, then scored by a reviewer). */
export const qaReviews = sqliteTable(
  'qa_reviews',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    agentId: text('agent_id'),
    teamId: text('team_id'),
    reviewerId: text('reviewer_id'),
    formId: text('form_id').notNull(),
    formVersion: integer('form_version').notNull(),
    status: text('status', { enum: ['queued', 'submitted', 'disputed', 'upheld', 'revised'] }).notNull(),
    source: text('source', { enum: ['sample', 'flag', 'manual', 'calibration'] }).notNull(),
    period: text('period').notNull(),
    flags: text('flags', { mode: 'json' }).$type<unknown[]>().notNull(),
    prescore: text('prescore', { mode: 'json' }).$type<unknown[]>().notNull(),
    answers: text('answers', { mode: 'json' }).$type<unknown[]>().notNull(),
    score: real('score'),
    autoFailed: integer('auto_failed', { mode: 'boolean' }).notNull().default(false),
    comment: text('comment').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    submittedAt: integer('submitted_at'),
  },
  (t) => [index('qa_reviews_conversation').on(t.conversationId), index('qa_reviews_agent').on(t.agentId, t.submittedAt), index('qa_reviews_team').on(t.teamId, t.status), index('qa_reviews_period').on(t.period, t.source)],
);

/** An agent's dispute of a review, and the supervisor's answer. */
export const qaDisputes = sqliteTable(
  'qa_disputes',
  {
    id: text('id').primaryKey(),
    reviewId: text('review_id').notNull(),
    agentId: text('agent_id').notNull(),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['open', 'upheld', 'revised'] }).notNull(),
    response: text('response').notNull().default(''),
    previousScore: real('previous_score'),
    createdAt: integer('created_at').notNull(),
    resolvedAt: integer('resolved_at'),
    resolvedBy: text('resolved_by'),
  },
  (t) => [index('qa_disputes_review').on(t.reviewId)],
);

/** Knowledge packs pushed to every agent for a surging topic. */
export const qaKnowledgePushes = sqliteTable('qa_knowledge_pushes', {
  id: text('id').primaryKey(),
  topicId: text('topic_id').notNull(),
  itemIds: text('item_ids', { mode: 'json' }).$type<string[]>().notNull(),
  at: integer('at').notNull(),
  by: text('by').notNull(),
});

/** CSAT / NPS surveys: planned, sent, answered or skipped (with the reason). */
export const surveyRecords = sqliteTable(
  'survey_records',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['csat', 'nps'] }).notNull(),
    conversationId: text('conversation_id').notNull(),
    contactId: text('contact_id').notNull(),
    channel: text('channel', { enum: channels }).notNull(),
    agentId: text('agent_id'),
    teamId: text('team_id'),
    resolvedAt: integer('resolved_at').notNull(),
    dueAt: integer('due_at').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'answered', 'failed', 'skipped'] }).notNull(),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: integer('sent_at'),
    score: integer('score'),
    comment: text('comment'),
    answeredAt: integer('answered_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('survey_records_once').on(t.kind, t.conversationId, t.resolvedAt), index('survey_records_contact').on(t.contactId, t.kind), index('survey_records_status').on(t.status, t.dueAt)],
);

// ---- knowledge: hot reload, card feedback, review queue ----------------------

/**
 * Items the hub loaded from its knowledge directory (hub/knowledge): which file and
 * line, and the content hash last published. A reload publishes only items whose
 * hash changed and marks items missing from the files as removed.
 */
export const knowledgeSources = sqliteTable('knowledge_sources', {
  itemId: text('item_id').primaryKey(),
  hash: text('hash').notNull(),
  file: text('file').notNull(),
  line: integer('line').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Card events pushed by workstations (`knowledge.feedback`), one row per mutation (id = mutation id). `at` is hub time. */
export const knowledgeFeedback = sqliteTable(
  'knowledge_feedback',
  {
    id: text('id').primaryKey(),
    itemId: text('item_id').notNull(),
    kind: text('kind', { enum: knowledgeFeedbackKinds }).notNull(),
    userId: text('user_id').notNull(),
    workstationId: text('workstation_id').notNull(),
    conversationId: text('conversation_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('knowledge_feedback_item_time').on(t.itemId, t.at), index('knowledge_feedback_time').on(t.at)],
);

/** The review queue: an item retired by feedback, and what a supervisor decided (confirm or restore). */
export const knowledgeReviews = sqliteTable(
  'knowledge_reviews',
  {
    id: text('id').primaryKey(),
    itemId: text('item_id').notNull(),
    status: text('status', { enum: ['pending', 'confirmed', 'restored'] }).notNull(),
    /** Which threshold retired it: distinct users or useless marks. */
    reason: text('reason', { enum: ['users', 'marks'] }).notNull(),
    uselessUsers: integer('useless_users').notNull(),
    uselessMarks: integer('useless_marks').notNull(),
    usefulMarks: integer('useful_marks').notNull(),
    retiredAt: integer('retired_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    comment: text('comment').notNull().default(''),
  },
  (t) => [index('knowledge_reviews_item').on(t.itemId, t.retiredAt), index('knowledge_reviews_status').on(t.status)],
);

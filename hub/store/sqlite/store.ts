import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { and, asc, desc, getTableColumns, getTableName, eq, gt, gte, inArray, isNull, lte, ne, sql, type SQL } from 'drizzle-orm';
import { ulid } from 'ulid';
import * as s from '../../../db/hub/schema';
import type { Entity } from '../../../shared/sync/entities';
import type { HubStore, StoreTx } from '../store';
import type { AuditRow, ChangeRow, PullPage, ScopeKey } from '../types';
import { openHubDatabase } from './open';
import { replyPreview } from '../../../shared/domain/files';
import { qaMethods } from './qa';
import { knowledgeMethods } from './knowledge';
import { MY_CONVERSATIONS_CTE, SUPERSEDED_CHANGE, VISIBLE_CHANGE } from './scope-sql';

type Db = BetterSQLite3Database<typeof s>;

/**
 * Serializes every use of the one connection. better-sqlite3 is synchronous, so
 * a critical section never waits on I/O; the queue exists because the store API
 * is async (for PostgreSQL): between two awaits of one transaction, another
 * request must not run statements on the same connection inside our transaction.
 */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn);
    this.tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }
  /** Resolves once everything queued so far has finished. */
  drain(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

function parseJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/**
 * One prepared INSERT of every column of `table` (but `omit`, e.g. an autoincrement
 * key), values encoded by the columns' own mappers (JSON columns …) as drizzle does,
 * and NULL stored as SQL NULL. For tables without column defaults: a value left out
 * is stored as NULL.
 */
function preparedInsert(sqlite: Database.Database, table: SQLiteTable, omit: string[] = []) {
  const columns = Object.entries(getTableColumns(table)).filter(([k]) => !omit.includes(k));
  const stmt = sqlite.prepare(
    `INSERT INTO "${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  return {
    run(row: object) {
      const r = row as Record<string, unknown>;
      return stmt.run(columns.map(([k, c]) => (r[k] === null || r[k] === undefined ? null : c.mapToDriverValue(r[k]))));
    },
  };
}

/**
 * The LIMIT of the pull statements. Not a bare `LIMIT @limit`: SQLite reads a LIMIT
 * that is a lone bound parameter as a constant when it plans, and so marks the
 * statement to be compiled again whenever that parameter is bound — which
 * better-sqlite3 does on every run. For these statements that recompile cost about
 * ten times the query itself (~0.3 ms for a live round's page at the head against
 * ~30 µs); an expression around the parameter is evaluated when run instead.
 */
export const PAGE_LIMIT = 'LIMIT CAST(@limit AS INTEGER)';

/**
 * `UPDATE table SET <the patch's columns> WHERE key = ?`, prepared once per set of
 * patched columns (a handful per table) and values encoded by the columns' own
 * mappers, as drizzle's update builder does — without building the query each call.
 */
function preparedUpdate(sqlite: Database.Database, table: SQLiteTable, key: SQLiteColumn) {
  const columns = getTableColumns(table);
  const byFields = new Map<string, { stmt: Database.Statement; fields: string[] }>();
  return {
    run(id: unknown, patch: object) {
      const p = patch as Record<string, unknown>;
      // Like drizzle's builder: undefined and keys that are not columns are left out.
      const fields = Object.keys(p).filter((k) => p[k] !== undefined && columns[k] !== undefined);
      if (!fields.length) return;
      const sig = fields.join(',');
      let u = byFields.get(sig);
      if (!u) {
        const set = fields.map((f) => `"${columns[f]!.name}" = ?`).join(', ');
        u = { stmt: sqlite.prepare(`UPDATE "${getTableName(table)}" SET ${set} WHERE "${key.name}" = ?`), fields };
        byFields.set(sig, u);
      }
      u.stmt.run([...u.fields.map((f) => (p[f] === null ? null : columns[f]!.mapToDriverValue(p[f]))), key.mapToDriverValue(id)]);
    },
  };
}

/** Attachment columns but the bytes. */
const { data: _attachmentData, ...attachmentMeta } = getTableColumns(s.attachments);

function makeTx(db: Db, sqlite: Database.Database, tuning: { smallScopeConversations?: number } = {}): StoreTx {
  // Two plans for one query. A long way behind (a first sync, a replica back after days):
  // walk the change log in seq order (NOT INDEXED) and stop at the page's LIMIT — left to
  // itself the planner takes a multi-index OR over the scope indexes plus a sort, which
  // gathers every visible row up to the head for each page (quadratic over a first sync).
  // Close to the head (pokes, catch-up) that planned form is the quicker one.
  const pullSql = (from: string) => `${MY_CONVERSATIONS_CTE}
     SELECT c.seq, c.entity, c.entity_id AS entityId, c.op, c.data, c.prev FROM ${from}
     WHERE c.seq > @cursor AND c.seq <= @head AND ${VISIBLE_CHANGE} AND NOT ${SUPERSEDED_CHANGE}
     ORDER BY c.seq ${PAGE_LIMIT}`;
  const pullScanStmt = sqlite.prepare(pullSql('change_log c NOT INDEXED'));
  const pullPlannedStmt = sqlite.prepare(pullSql('change_log c'));
  /** Rows behind the head from which the seq-order walk wins. */
  const SCAN_FROM_ROWS = 5000;
  /**
   * A reader who sees at most this many conversations has a SMALL scope. On a big log
   * the seq-order walk (pull) and the walk back from the head (latest) would read most
   * of the log to find their few rows — 80–100 ms a call at 200k changes, for every
   * sign-in and every WebSocket hello — so for them both go by index instead.
   */
  const SMALL_SCOPE_CONVERSATIONS = tuning.smallScopeConversations ?? 200;
  const smallScopeStmt = sqlite.prepare(`${MY_CONVERSATIONS_CTE} SELECT count(*) <= ${SMALL_SCOPE_CONVERSATIONS} AS small FROM (SELECT 1 FROM my_convs LIMIT ${SMALL_SCOPE_CONVERSATIONS + 1})`);
  // A big scope's newest visible row is near the head: walk back from it and stop at the
  // first one. (As max(seq) the planner gathered every visible row after @after through the
  // scope indexes — 150 ms at 200k changes for a WebSocket hello, which asks from 0.)
  const latestStmt = sqlite.prepare(`${MY_CONVERSATIONS_CTE} SELECT c.seq AS seq FROM change_log c NOT INDEXED WHERE c.seq > @after AND ${VISIBLE_CHANGE} ORDER BY c.seq DESC LIMIT 1`);
  // VISIBLE_CHANGE's four branches, each the newest row found by one index probe (walked down
  // from the top of its index range, stopping at the first match).
  const latestByIndexStmt = sqlite.prepare(`${MY_CONVERSATIONS_CTE}
    SELECT max(s) AS seq FROM (
      SELECT (SELECT c.seq FROM change_log c INDEXED BY change_log_audience WHERE c.audience_user_id = @u AND c.seq > @after ORDER BY c.seq DESC LIMIT 1) AS s
      UNION ALL
      SELECT (SELECT c.seq FROM change_log c INDEXED BY change_log_contact
               WHERE c.contact_id IS NULL AND c.conversation_id IS NULL AND c.audience_user_id IS NULL AND c.seq > @after ORDER BY c.seq DESC LIMIT 1)
      UNION ALL
      SELECT (SELECT c.seq FROM change_log c INDEXED BY change_log_conversation
               WHERE c.conversation_id = m.id AND c.audience_user_id IS NULL AND c.seq > @after ORDER BY c.seq DESC LIMIT 1) FROM my_convs m
      UNION ALL
      SELECT (SELECT c.seq FROM change_log c INDEXED BY change_log_contact
               WHERE c.contact_id = k.contact_id AND c.conversation_id IS NULL AND c.audience_user_id IS NULL AND c.seq > @after ORDER BY c.seq DESC LIMIT 1)
        FROM (SELECT DISTINCT contact_id FROM my_convs) k
    )`);
  // The same four branches as index range scans (disjoint: addressed to @u, untagged,
  // per conversation, contact-level), so a small scope reads only its own rows.
  const range = 'c.seq > @cursor AND c.seq <= @head';
  const pullByIndexStmt = sqlite.prepare(`${MY_CONVERSATIONS_CTE},
    cand(seq) AS (
      SELECT c.seq FROM change_log c INDEXED BY change_log_audience WHERE c.audience_user_id = @u AND ${range}
      UNION ALL
      SELECT c.seq FROM change_log c INDEXED BY change_log_contact WHERE c.contact_id IS NULL AND c.conversation_id IS NULL AND c.audience_user_id IS NULL AND ${range}
      UNION ALL
      SELECT c.seq FROM my_convs m JOIN change_log c INDEXED BY change_log_conversation ON c.conversation_id = m.id WHERE c.audience_user_id IS NULL AND ${range}
      UNION ALL
      SELECT c.seq FROM (SELECT DISTINCT contact_id FROM my_convs) k JOIN change_log c INDEXED BY change_log_contact ON c.contact_id = k.contact_id
       WHERE c.conversation_id IS NULL AND c.audience_user_id IS NULL AND ${range}
    )
    SELECT c.seq, c.entity, c.entity_id AS entityId, c.op, c.data, c.prev FROM cand JOIN change_log c ON c.seq = cand.seq
     WHERE NOT ${SUPERSEDED_CHANGE} ORDER BY c.seq ${PAGE_LIMIT}`);
  const smallScope = (params: { u: string; sup: number }) => (smallScopeStmt.get(params) as { small: number }).small === 1;
  const visibleConvsStmt = sqlite.prepare(`${MY_CONVERSATIONS_CTE} SELECT id FROM my_convs ORDER BY id`);
  const headStmt = sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'");
  const scopeParams = (k: ScopeKey) => ({ u: k.userId, sup: k.supervisor ? 1 : 0 });

  const one = <T>(rows: T[]): T | null => rows[0] ?? null;
  // The per-request path (every authorized request and every socket round reads the
  // session, user, workstation and teams; every audited read appends to the chain) runs
  // on statements prepared once, not rebuilt and re-prepared per call.
  const id = sql.placeholder('id');
  /** A JSON array of ids. */
  const ids = sql.placeholder('ids');
  const hot = {
    teamIds: db.select({ teamId: s.teamMembers.teamId }).from(s.teamMembers).where(eq(s.teamMembers.userId, id)).orderBy(asc(s.teamMembers.teamId)).prepare(),
    user: db.select().from(s.users).where(eq(s.users.id, id)).prepare(),
    workstation: db.select().from(s.workstations).where(eq(s.workstations.id, id)).prepare(),
    session: db.select().from(s.sessions).where(eq(s.sessions.id, id)).prepare(),
    sessions: db.select().from(s.sessions).where(sql`${s.sessions.id} IN (SELECT value FROM json_each(${ids}))`).prepare(),
    workstations: db.select().from(s.workstations).where(sql`${s.workstations.id} IN (SELECT value FROM json_each(${ids}))`).prepare(),
    auditHead: db.select().from(s.auditLog).orderBy(sql`${s.auditLog.id} DESC`).limit(1).prepare(),
    // What a push applies per mutation (docs/sync.md §7): its lookups, rows and savepoint.
    conversation: db.select().from(s.conversations).where(eq(s.conversations.id, id)).prepare(),
    note: db.select().from(s.notes).where(eq(s.notes.id, id)).prepare(),
    message: db.select().from(s.messages).where(eq(s.messages.id, id)).prepare(),
    contact: db.select().from(s.contacts).where(eq(s.contacts.id, id)).prepare(),
    mutation: db.select().from(s.mutations).where(eq(s.mutations.id, id)).prepare(),
    meta: db.select().from(s.meta).where(eq(s.meta.key, id)).prepare(),
    setMeta: db
      .insert(s.meta)
      .values({ key: sql.placeholder('key'), value: sql.placeholder('value') })
      .onConflictDoUpdate({ target: s.meta.key, set: { value: sql`excluded.value` } })
      .prepare(),
    insertNote: preparedInsert(sqlite, s.notes),
    insertMessage: preparedInsert(sqlite, s.messages),
    updateConversation: preparedUpdate(sqlite, s.conversations, s.conversations.id),
    attachmentsOfMessage: db
      .select(attachmentMeta)
      .from(s.attachments)
      .where(eq(s.attachments.messageId, id))
      .orderBy(asc(s.attachments.createdAt))
      .prepare(),
    insertMutation: preparedInsert(sqlite, s.mutations),
    insertAudit: preparedInsert(sqlite, s.auditLog),
    insertChange: preparedInsert(sqlite, s.changeLog, ['seq']),
    // One name for every level: RELEASE and ROLLBACK TO act on the innermost savepoint of that name.
    savepoint: sqlite.prepare('SAVEPOINT lantern_sp'),
    release: sqlite.prepare('RELEASE lantern_sp'),
    rollbackTo: sqlite.prepare('ROLLBACK TO lantern_sp'),
  };
  const teamIdsOf = async (userId: string) => hot.teamIds.all({ id: userId }).map((r) => r.teamId);

  return {
    ...qaMethods(db, sqlite),
    ...knowledgeMethods(db),
    async headSeq() {
      const row = headStmt.get() as { seq: number } | undefined;
      return row?.seq ?? 0;
    },
    async getMeta(key) {
      return hot.meta.get({ id: key })?.value ?? null;
    },
    async getUserById(userId) {
      return hot.user.get({ id: userId }) ?? null;
    },
    async getUserByUsername(username) {
      return one(db.select().from(s.users).where(eq(s.users.username, username.toLowerCase())).all());
    },
    async listUsers() {
      return db.select().from(s.users).orderBy(asc(s.users.username)).all();
    },
    teamIdsOf,
    async listUsersWithTeams() {
      const members = db.select().from(s.teamMembers).all();
      return db
        .select()
        .from(s.users)
        .orderBy(asc(s.users.id))
        .all()
        .map((u) => ({ ...u, teamIds: members.filter((m) => m.userId === u.id).map((m) => m.teamId).sort() }));
    },
    async getTeam(id) {
      return one(db.select().from(s.teams).where(eq(s.teams.id, id)).all());
    },
    async listTeams() {
      return db.select().from(s.teams).orderBy(asc(s.teams.id)).all();
    },
    async getWorkstation(workstationId) {
      return hot.workstation.get({ id: workstationId }) ?? null;
    },
    async listWorkstations() {
      return db.select().from(s.workstations).orderBy(asc(s.workstations.id)).all();
    },
    async getSession(sessionId) {
      return hot.session.get({ id: sessionId }) ?? null;
    },
    async getSessions(sessionIds) {
      return sessionIds.length ? hot.sessions.all({ ids: JSON.stringify(sessionIds) }) : [];
    },
    async getWorkstations(workstationIds) {
      return workstationIds.length ? hot.workstations.all({ ids: JSON.stringify(workstationIds) }) : [];
    },
    async getRefreshToken(tokenHash) {
      return one(db.select().from(s.refreshTokens).where(eq(s.refreshTokens.tokenHash, tokenHash)).all());
    },
    async getContact(id) {
      return hot.contact.get({ id }) ?? null;
    },
    async identitiesOf(contactId) {
      return db.select().from(s.contactIdentities).where(eq(s.contactIdentities.contactId, contactId)).orderBy(asc(s.contactIdentities.id)).all();
    },
    async readingsOf(contactId) {
      return db.select().from(s.deviceReadings).where(eq(s.deviceReadings.contactId, contactId)).orderBy(asc(s.deviceReadings.measuredAt), asc(s.deviceReadings.id)).all();
    },
    async contactHistory(contactId) {
      return db.select().from(s.contactProfileHistory).where(eq(s.contactProfileHistory.contactId, contactId)).orderBy(asc(s.contactProfileHistory.id)).all();
    },
    async getConversation(id) {
      return hot.conversation.get({ id }) ?? null;
    },
    async dueSnoozes(now, limit) {
      return db
        .select()
        .from(s.conversations)
        .where(and(eq(s.conversations.status, 'snoozed'), lte(s.conversations.snoozedUntil, now)))
        .orderBy(asc(s.conversations.snoozedUntil), asc(s.conversations.id))
        .limit(limit)
        .all();
    },
    async conversationsOfContact(contactId) {
      return db.select().from(s.conversations).where(eq(s.conversations.contactId, contactId)).orderBy(asc(s.conversations.id)).all();
    },
    async getMessage(id) {
      return hot.message.get({ id }) ?? null;
    },
    async messagesOf(conversationId) {
      return db.select().from(s.messages).where(eq(s.messages.conversationId, conversationId)).orderBy(asc(s.messages.createdAt), asc(s.messages.id)).all();
    },
    async getNote(id) {
      return hot.note.get({ id }) ?? null;
    },
    async notesOf(conversationId) {
      return db.select().from(s.notes).where(eq(s.notes.conversationId, conversationId)).orderBy(asc(s.notes.createdAt), asc(s.notes.id)).all();
    },
    async listKnowledgeItems() {
      return db.select().from(s.knowledgeItems).orderBy(asc(s.knowledgeItems.id)).all();
    },
    async listRules() {
      return db.select().from(s.rules).orderBy(asc(s.rules.id)).all();
    },
    async getMutation(id) {
      return hot.mutation.get({ id }) ?? null;
    },

    async pull(scope, cursor, limit, maxBytes, from = cursor): Promise<PullPage> {
      const head = (headStmt.get() as { seq: number } | undefined)?.seq ?? 0;
      // One row more than asked tells whether more visible rows follow.
      const params = scopeParams(scope);
      // A small scope's rows are few wherever they are: by index. A big one far behind: walk in seq order.
      const stmt = smallScope(params) ? pullByIndexStmt : head - cursor > SCAN_FROM_ROWS ? pullScanStmt : pullPlannedStmt;
      const raw = stmt.all({ ...params, cursor, head, limit: limit + 1, from: Math.min(from, cursor) }) as {
        seq: number;
        entity: Entity;
        entityId: string;
        op: 'put' | 'revoke';
        data: string;
        prev: string | null;
      }[];
      const rows: ChangeRow[] = [];
      let bytes = 0;
      for (const r of raw) {
        if (rows.length === limit || (rows.length > 0 && bytes + r.data.length > maxBytes)) break;
        bytes += r.data.length + (r.prev?.length ?? 0);
        rows.push({ seq: r.seq, entity: r.entity, entityId: r.entityId, op: r.op, data: JSON.parse(r.data), prev: parseJson(r.prev) as Record<string, unknown> | null });
      }
      return { rows, head, hasMore: rows.length < raw.length };
    },
    async latestVisibleSeq(scope, after) {
      const params = scopeParams(scope);
      const row = (smallScope(params) ? latestByIndexStmt : latestStmt).get({ ...params, after }) as { seq: number | null } | undefined;
      return row?.seq ?? null;
    },
    async visibleConversationIds(scope) {
      return (visibleConvsStmt.all(scopeParams(scope)) as { id: string }[]).map((r) => r.id);
    },
    // ---- channels ----
    async getInbound(channel, dedupeKey) {
      return one(db.select().from(s.channelInbound).where(and(eq(s.channelInbound.channel, channel), eq(s.channelInbound.dedupeKey, dedupeKey))).all());
    },
    async getInboundById(id) {
      return one(db.select().from(s.channelInbound).where(eq(s.channelInbound.id, id)).all());
    },
    async inboundInState(state, limit) {
      return db.select().from(s.channelInbound).where(eq(s.channelInbound.state, state)).orderBy(asc(s.channelInbound.receivedAt), asc(s.channelInbound.id)).limit(limit).all();
    },
    async findIdentity(channel, externalId) {
      return one(db.select().from(s.contactIdentities).where(and(eq(s.contactIdentities.channel, channel), eq(s.contactIdentities.externalId, externalId))).all());
    },
    async identitiesByExternalId(externalId, channels) {
      if (channels.length === 0) return [];
      return db
        .select()
        .from(s.contactIdentities)
        .where(and(eq(s.contactIdentities.externalId, externalId), inArray(s.contactIdentities.channel, [...channels])))
        .orderBy(asc(s.contactIdentities.id))
        .all();
    },
    async getIdentity(id) {
      return one(db.select().from(s.contactIdentities).where(eq(s.contactIdentities.id, id)).all());
    },
    async getOutbound(messageId) {
      return one(db.select().from(s.channelOutbox).where(eq(s.channelOutbox.messageId, messageId)).all());
    },
    async dueOutbound(now, limit) {
      return db
        .select()
        .from(s.channelOutbox)
        .where(and(eq(s.channelOutbox.state, 'waiting'), lte(s.channelOutbox.nextAttemptAt, now)))
        .orderBy(asc(s.channelOutbox.nextAttemptAt), asc(s.channelOutbox.messageId))
        .limit(limit)
        .all();
    },
    async outboundInState(state, limit) {
      return db.select().from(s.channelOutbox).where(eq(s.channelOutbox.state, state)).orderBy(asc(s.channelOutbox.createdAt)).limit(limit).all();
    },
    async outboundForIdentity(identityId, states, limit) {
      return db
        .select()
        .from(s.channelOutbox)
        .where(and(eq(s.channelOutbox.identityId, identityId), inArray(s.channelOutbox.state, [...states])))
        .orderBy(asc(s.channelOutbox.createdAt), asc(s.channelOutbox.messageId))
        .limit(limit)
        .all();
    },
    async outboundByProvider(channel, providerId) {
      return one(db.select().from(s.channelOutbox).where(and(eq(s.channelOutbox.channel, channel), eq(s.channelOutbox.providerId, providerId))).all());
    },
    async getThread(conversationId) {
      return one(db.select().from(s.channelThreads).where(eq(s.channelThreads.conversationId, conversationId)).all());
    },
    async threadsOfIdentity(identityId) {
      return db.select().from(s.channelThreads).where(eq(s.channelThreads.identityId, identityId)).orderBy(desc(s.channelThreads.updatedAt)).all();
    },
    async getChannelRef(channel, ref) {
      return one(db.select().from(s.channelRefs).where(and(eq(s.channelRefs.channel, channel), eq(s.channelRefs.ref, ref))).all());
    },
    async refsOfConversation(conversationId) {
      return db.select().from(s.channelRefs).where(eq(s.channelRefs.conversationId, conversationId)).orderBy(asc(s.channelRefs.createdAt)).all();
    },
    async getAttachment(id) {
      return one(db.select().from(s.attachments).where(eq(s.attachments.id, id)).all());
    },
    async attachmentsOfMessage(messageId) {
      return hot.attachmentsOfMessage.all({ id: messageId });
    },
    async mergesOf(contactId) {
      return db
        .select()
        .from(s.contactMerges)
        .where(sql`${s.contactMerges.fromContactId} = ${contactId} OR ${s.contactMerges.intoContactId} = ${contactId}`)
        .orderBy(asc(s.contactMerges.id))
        .all();
    },
    async getDeviceBinding(deviceId) {
      return one(db.select().from(s.deviceBindings).where(eq(s.deviceBindings.deviceId, deviceId)).all());
    },
    async getAlertState(contactId, kind) {
      return one(db.select().from(s.deviceAlertState).where(and(eq(s.deviceAlertState.contactId, contactId), eq(s.deviceAlertState.kind, kind))).all())?.state ?? null;
    },
    async alertsOf(contactId) {
      return db.select().from(s.deviceAlerts).where(eq(s.deviceAlerts.contactId, contactId)).orderBy(asc(s.deviceAlerts.createdAt), asc(s.deviceAlerts.id)).all();
    },
    async readingsBetween(contactId, kind, from, to, limit) {
      const rows = db
        .select()
        .from(s.deviceReadings)
        .where(and(eq(s.deviceReadings.contactId, contactId), eq(s.deviceReadings.kind, kind), gte(s.deviceReadings.measuredAt, from), lte(s.deviceReadings.measuredAt, to)))
        .orderBy(desc(s.deviceReadings.measuredAt), desc(s.deviceReadings.id))
        .limit(limit)
        .all();
      return rows.reverse();
    },
    async lastMessages(conversationId, limit) {
      return db
        .select()
        .from(s.messages)
        .where(eq(s.messages.conversationId, conversationId))
        .orderBy(desc(s.messages.createdAt), desc(s.messages.id))
        .limit(limit)
        .all()
        .reverse();
    },
    async deviceBindingsOf(contactId) {
      return db.select().from(s.deviceBindings).where(eq(s.deviceBindings.contactId, contactId)).orderBy(asc(s.deviceBindings.deviceId)).all();
    },
    async getRoutingState(conversationId) {
      return one(db.select().from(s.routingState).where(eq(s.routingState.conversationId, conversationId)).all());
    },
    async waitingRouted() {
      return db.select().from(s.routingState).where(isNull(s.routingState.assignedAt)).orderBy(asc(s.routingState.enqueuedAt), asc(s.routingState.conversationId)).all();
    },
    async openLoadByAssignee() {
      const rows = db
        .select({ assigneeId: s.conversations.assigneeId, n: sql<number>`count(*)` })
        .from(s.conversations)
        .where(and(ne(s.conversations.status, 'resolved'), sql`${s.conversations.assigneeId} IS NOT NULL`))
        .groupBy(s.conversations.assigneeId)
        .all();
      return Object.fromEntries(rows.map((r) => [r.assigneeId!, Number(r.n)]));
    },

    async auditHead() {
      return (hot.auditHead.get() ?? null) as AuditRow | null;
    },
    async auditPage(afterId, limit) {
      return db.select().from(s.auditLog).where(gt(s.auditLog.id, afterId)).orderBy(asc(s.auditLog.id)).limit(limit).all() as AuditRow[];
    },
    async auditCount() {
      return (sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    },

    // ---- writes ----
    async savepoint(fn) {
      hot.savepoint.run();
      try {
        const out = await fn();
        hot.release.run();
        return out;
      } catch (e) {
        // ROLLBACK TO keeps the savepoint open; RELEASE then ends it (the outer transaction goes on).
        hot.rollbackTo.run();
        hot.release.run();
        throw e;
      }
    },
    async setMeta(key, value) {
      hot.setMeta.run({ key, value });
    },
    async insertTeam(row) {
      db.insert(s.teams).values(row).run();
    },
    async insertUser(row) {
      db.insert(s.users).values({ ...row, username: row.username.toLowerCase() }).run();
    },
    async updateUser(id, patch) {
      db.update(s.users).set(patch).where(eq(s.users.id, id)).run();
    },
    async setTeamMembers(userId, teamIds) {
      db.delete(s.teamMembers).where(eq(s.teamMembers.userId, userId)).run();
      for (const teamId of new Set(teamIds)) db.insert(s.teamMembers).values({ teamId, userId }).run();
    },
    async insertWorkstation(row) {
      db.insert(s.workstations).values(row).run();
    },
    async updateWorkstation(id, patch) {
      db.update(s.workstations).set(patch).where(eq(s.workstations.id, id)).run();
    },
    async insertSession(row) {
      db.insert(s.sessions).values(row).run();
    },
    async revokeSessions(where, reason, at) {
      const conds: SQL[] = [isNull(s.sessions.revokedAt)];
      if (where.sessionId) conds.push(eq(s.sessions.id, where.sessionId));
      if (where.userId) conds.push(eq(s.sessions.userId, where.userId));
      if (where.workstationId) conds.push(eq(s.sessions.workstationId, where.workstationId));
      if (conds.length === 1) throw new Error('revokeSessions needs a filter');
      return db.update(s.sessions).set({ revokedAt: at, revokedReason: reason }).where(and(...conds)).run().changes;
    },
    async insertRefreshToken(row) {
      db.insert(s.refreshTokens).values(row).run();
    },
    async updateRefreshToken(tokenHash, patch) {
      db.update(s.refreshTokens).set(patch).where(eq(s.refreshTokens.tokenHash, tokenHash)).run();
    },
    async insertContact(row) {
      db.insert(s.contacts).values(row).run();
    },
    async updateContact(id, patch) {
      db.update(s.contacts).set(patch).where(eq(s.contacts.id, id)).run();
    },
    async insertIdentity(row) {
      db.insert(s.contactIdentities).values(row).run();
    },
    async insertReading(row) {
      db.insert(s.deviceReadings).values(row).run();
    },
    async insertContactHistory(row) {
      db.insert(s.contactProfileHistory).values(row).run();
    },
    async insertConversation(row) {
      db.insert(s.conversations).values(row).run();
    },
    async updateConversation(id, patch) {
      hot.updateConversation.run(id, patch);
    },
    async insertMessage(row) {
      hot.insertMessage.run(row);
    },
    async shredMessage(messageId, recalledAt) {
      const m = one(db.select().from(s.messages).where(eq(s.messages.id, messageId)).all());
      if (!m) return;
      // The preview its send wrote: its text, or its files' names (shredded with it).
      const names = db.select({ filename: s.attachments.filename }).from(s.attachments).where(eq(s.attachments.messageId, messageId)).orderBy(asc(s.attachments.createdAt)).all();
      const preview = replyPreview(m.body, names.map((n) => n.filename));
      db.update(s.messages).set({ body: '', recalledAt }).where(eq(s.messages.id, messageId)).run();
      // The body also sits in every change-log copy of the message (sends and
      // scope-refresh snapshots) and, as a preview, in copies of its conversation.
      sqlite
        .prepare("UPDATE change_log SET data = json_remove(json_set(data, '$.body', '', '$.recalledAt', @recalledAt), '$.attachments') WHERE entity = 'message' AND entity_id = @id")
        .run({ id: messageId, recalledAt });
      // Its files (bytes and names) go with it.
      db.delete(s.attachments).where(eq(s.attachments.messageId, messageId)).run();
      sqlite
        .prepare(
          "UPDATE change_log SET data = json_set(data, '$.lastMessagePreview', '') WHERE entity = 'conversation' AND entity_id = @conv AND json_extract(data, '$.lastMessagePreview') = @preview",
        )
        .run({ conv: m.conversationId, preview });
      // `prev` of preview changes never holds previews, but clear it defensively for this conversation.
      sqlite
        .prepare("UPDATE change_log SET prev = json_set(prev, '$.lastMessagePreview', '') WHERE entity = 'conversation' AND entity_id = @conv AND json_extract(prev, '$.lastMessagePreview') = @preview")
        .run({ conv: m.conversationId, preview });
    },
    async insertNote(row) {
      hot.insertNote.run(row);
    },
    async upsertKnowledgeItem(row) {
      db.insert(s.knowledgeItems).values(row).onConflictDoUpdate({ target: s.knowledgeItems.id, set: row }).run();
    },
    async upsertRule(row) {
      db.insert(s.rules).values(row).onConflictDoUpdate({ target: s.rules.id, set: row }).run();
    },
    async setDelivery(messageId, status, failureReason) {
      db.update(s.messages).set({ deliveryStatus: status, failureReason }).where(eq(s.messages.id, messageId)).run();
    },
    async updateIdentity(id, patch) {
      db.update(s.contactIdentities).set(patch).where(eq(s.contactIdentities.id, id)).run();
    },
    async moveReadings(fromContactId, intoContactId) {
      return db.update(s.deviceReadings).set({ contactId: intoContactId }).where(eq(s.deviceReadings.contactId, fromContactId)).run().changes;
    },
    async insertInbound(row) {
      db.insert(s.channelInbound).values(row).run();
    },
    async updateInbound(id, patch) {
      db.update(s.channelInbound).set(patch).where(eq(s.channelInbound.id, id)).run();
    },
    async insertOutbound(row) {
      db.insert(s.channelOutbox).values(row).run();
    },
    async updateOutbound(messageId, patch) {
      db.update(s.channelOutbox).set(patch).where(eq(s.channelOutbox.messageId, messageId)).run();
    },
    async upsertThread(row) {
      db.insert(s.channelThreads).values(row).onConflictDoUpdate({ target: s.channelThreads.conversationId, set: row }).run();
    },
    async putChannelRef(row) {
      return db.insert(s.channelRefs).values(row).onConflictDoNothing().run().changes > 0;
    },
    async insertAttachment(row) {
      db.insert(s.attachments).values(row).run();
    },
    async bindAttachment(id, messageId, conversationId) {
      db.update(s.attachments).set({ messageId, conversationId }).where(eq(s.attachments.id, id)).run();
    },
    async insertMerge(row) {
      return Number(db.insert(s.contactMerges).values(row).run().lastInsertRowid);
    },
    async putDeviceBinding(row) {
      db.insert(s.deviceBindings).values(row).onConflictDoUpdate({ target: s.deviceBindings.deviceId, set: row }).run();
    },
    async putAlertState(contactId, kind, state, at) {
      db.insert(s.deviceAlertState)
        .values({ contactId, kind, state, updatedAt: at })
        .onConflictDoUpdate({ target: [s.deviceAlertState.contactId, s.deviceAlertState.kind], set: { state, updatedAt: at } })
        .run();
    },
    async insertAlert(row) {
      db.insert(s.deviceAlerts).values(row).run();
    },
    async putRoutingState(row) {
      db.insert(s.routingState).values(row).onConflictDoUpdate({ target: s.routingState.conversationId, set: row }).run();
    },
    async appendChange(c) {
      const res = hot.insertChange.run({
          at: c.at,
          entity: c.entity,
          entityId: c.entityId,
          op: c.op,
          data: c.data,
          prev: c.prev ?? null,
          conversationId: c.conversationId ?? null,
          contactId: c.contactId ?? null,
          audienceUserId: c.audienceUserId ?? null,
          mutationId: c.mutationId ?? null,
          actorId: c.actorId ?? null,
        });
      return Number(res.lastInsertRowid);
    },
    async putMutation(record) {
      hot.insertMutation.run(record);
    },
    async insertAudit(row) {
      hot.insertAudit.run(row);
    },
  };
}

export interface SqliteStoreOptions {
  /** Database file, or ':memory:' for tests. */
  path: string;
  /** Scopes of at most this many conversations are read by index (default 200; tests compare both plans). */
  smallScopeConversations?: number;
}

export function openSqliteStore(opts: SqliteStoreOptions): HubStore & { readonly sqlite: Database.Database } {
  const sqlite = openHubDatabase(opts.path);
  const db = drizzle(sqlite, { schema: s });
  const tx = makeTx(db, sqlite, { ...(opts.smallScopeConversations !== undefined ? { smallScopeConversations: opts.smallScopeConversations } : {}) });
  const queue = new Queue();
  let closed = false;

  let hubId = (sqlite.prepare("SELECT value FROM meta WHERE key = 'hub_id'").get() as { value: string } | undefined)?.value;
  if (!hubId) {
    hubId = ulid();
    // INSERT OR IGNORE + re-read: another process opening the same new file at the same moment must not get a different id.
    sqlite.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('hub_id', ?)").run(hubId);
    hubId = (sqlite.prepare("SELECT value FROM meta WHERE key = 'hub_id'").get() as { value: string }).value;
  }

  const guard = () => {
    if (closed) throw new Error('hub store is closed');
  };

  return {
    kind: 'sqlite',
    hubId,
    sqlite,
    read(fn) {
      guard();
      return queue.run(async () => {
        // A deferred transaction pins one WAL snapshot for all reads in fn.
        sqlite.exec('BEGIN');
        try {
          return await fn(tx);
        } finally {
          sqlite.exec('COMMIT');
        }
      });
    },
    write(fn) {
      guard();
      return queue.run(async () => {
        // IMMEDIATE takes the write lock up front, so the admin CLI in another
        // process and this hub never deadlock upgrading read locks.
        sqlite.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(tx);
          sqlite.exec('COMMIT');
          return out;
        } catch (e) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          throw e;
        }
      });
    },
    checkpoint() {
      guard();
      return queue.run(async () => {
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // Work queued before close (in-flight pushes) still commits.
      await queue.drain();
      try {
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        sqlite.close();
      }
    },
  };
}


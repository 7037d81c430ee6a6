import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { and, asc, eq, gte, inArray, lte, or, type SQL } from 'drizzle-orm';
import * as s from '../../../db/hub/schema';
import type { ConversationRow } from '../types';
import type { ConversationChangeRow, QaStoreReader, QaStoreWriter } from '../qa';

type Db = BetterSQLite3Database<typeof s>;

/** SQLite has a limit on bound parameters; chunk long id lists. */
function chunks<T>(list: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The QA / survey part of the SQLite store (see hub/store/qa.ts). */
export function qaMethods(db: Db, sqlite: Database.Database): QaStoreReader & QaStoreWriter {
  const historyStmt = (n: number) =>
    sqlite.prepare(`SELECT seq, at, data, prev, actor_id AS actorId FROM change_log WHERE entity = 'conversation' AND entity_id IN (${Array(n).fill('?').join(',')}) ORDER BY seq`);
  const resolutionsStmt = sqlite.prepare(
    `SELECT seq, at, data, prev, actor_id AS actorId FROM change_log
     WHERE entity = 'conversation' AND at >= ? AND json_extract(data, '$.status') = 'resolved'
       AND json_extract(prev, '$.status') IS NOT NULL AND json_extract(prev, '$.status') != 'resolved'
     ORDER BY seq`,
  );
  const activityStmt = sqlite.prepare(
    `SELECT user_id AS userId, max(at) AS at FROM (
       SELECT user_id, received_at AS at FROM mutations
       UNION ALL SELECT user_id, created_at AS at FROM sessions WHERE revoked_at IS NULL
     ) GROUP BY user_id`,
  );
  const toChange = (r: { seq: number; at: number; data: string; prev: string | null; actorId: string | null }): ConversationChangeRow => ({
    seq: r.seq,
    at: r.at,
    data: JSON.parse(r.data) as ConversationRow,
    prev: r.prev ? (JSON.parse(r.prev) as Record<string, unknown>) : null,
    actorId: r.actorId,
  });

  return {
    async listQaForms() {
      return db.select().from(s.qaForms).orderBy(asc(s.qaForms.id), asc(s.qaForms.version)).all();
    },
    async listQaReviews(f) {
      const conds: SQL[] = [];
      if (f.teamIds) {
        if (!f.teamIds.length) return [];
        conds.push(inArray(s.qaReviews.teamId, [...f.teamIds]));
      }
      if (f.agentId) conds.push(eq(s.qaReviews.agentId, f.agentId));
      if (f.reviewerId) conds.push(eq(s.qaReviews.reviewerId, f.reviewerId));
      if (f.conversationId) conds.push(eq(s.qaReviews.conversationId, f.conversationId));
      if (f.statuses) conds.push(inArray(s.qaReviews.status, [...f.statuses]));
      if (f.period) conds.push(eq(s.qaReviews.period, f.period));
      if (f.since !== undefined) conds.push(gte(s.qaReviews.createdAt, f.since));
      if (f.until !== undefined) conds.push(lte(s.qaReviews.createdAt, f.until));
      return db
        .select()
        .from(s.qaReviews)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(asc(s.qaReviews.createdAt), asc(s.qaReviews.id))
        .all();
    },
    async getQaReview(id) {
      return db.select().from(s.qaReviews).where(eq(s.qaReviews.id, id)).all()[0] ?? null;
    },
    async disputesOf(reviewIds) {
      if (!reviewIds.length) return [];
      return chunks(reviewIds).flatMap((ids) => db.select().from(s.qaDisputes).where(inArray(s.qaDisputes.reviewId, ids)).orderBy(asc(s.qaDisputes.createdAt)).all());
    },
    async knowledgePushesSince(since) {
      return db.select().from(s.qaKnowledgePushes).where(gte(s.qaKnowledgePushes.at, since)).orderBy(asc(s.qaKnowledgePushes.at)).all();
    },
    async surveyRecordsSince(since) {
      return db
        .select()
        .from(s.surveyRecords)
        .where(or(gte(s.surveyRecords.createdAt, since), gte(s.surveyRecords.resolvedAt, since)))
        .orderBy(asc(s.surveyRecords.createdAt), asc(s.surveyRecords.id))
        .all();
    },
    async surveyRecordsOfContacts(contactIds) {
      if (!contactIds.length) return [];
      return chunks(contactIds).flatMap((ids) => db.select().from(s.surveyRecords).where(inArray(s.surveyRecords.contactId, ids)).all());
    },
    async getSurveyRecord(id) {
      return db.select().from(s.surveyRecords).where(eq(s.surveyRecords.id, id)).all()[0] ?? null;
    },
    async conversationsOfTeams(teamIds, since) {
      if (!teamIds.length) return [];
      const ids = sqlite
        .prepare(`SELECT id FROM conversations WHERE team_id IN (${teamIds.map(() => '?').join(',')}) AND (status != 'resolved' OR last_message_at >= ? OR updated_at >= ?)`)
        .all(...teamIds, since, since) as { id: string }[];
      return chunks(ids.map((r) => r.id)).flatMap((c) => db.select().from(s.conversations).where(inArray(s.conversations.id, c)).all());
    },
    async messagesOfConversations(ids) {
      if (!ids.length) return [];
      return chunks(ids)
        .flatMap((c) => db.select().from(s.messages).where(inArray(s.messages.conversationId, c)).all())
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },
    async conversationHistory(ids) {
      if (!ids.length) return [];
      return chunks(ids)
        .flatMap((c) => (historyStmt(c.length).all(...c) as Parameters<typeof toChange>[0][]).map(toChange))
        .sort((a, b) => a.seq - b.seq);
    },
    async resolutionsSince(since) {
      return (resolutionsStmt.all(since) as Parameters<typeof toChange>[0][]).map(toChange);
    },
    async inboundSince(teamIds, since) {
      if (!teamIds.length) return [];
      return sqlite
        .prepare(
          `SELECT m.conversation_id AS conversationId, m.body AS body, m.created_at AS createdAt FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE m.direction = 'inbound' AND m.created_at >= ? AND m.recalled_at IS NULL AND c.team_id IN (${teamIds.map(() => '?').join(',')})
           ORDER BY m.created_at`,
        )
        .all(since, ...teamIds) as { conversationId: string; body: string; createdAt: number }[];
    },
    async lastActivityByUser() {
      return Object.fromEntries((activityStmt.all() as { userId: string; at: number }[]).map((r) => [r.userId, r.at]));
    },
    async contactsByIds(ids) {
      if (!ids.length) return [];
      return chunks(ids).flatMap((c) => db.select().from(s.contacts).where(inArray(s.contacts.id, c)).all());
    },
    async identitiesOfContacts(contactIds) {
      if (!contactIds.length) return [];
      return chunks(contactIds).flatMap((c) => db.select().from(s.contactIdentities).where(inArray(s.contactIdentities.contactId, c)).all());
    },

    async insertQaForm(row) {
      db.insert(s.qaForms).values(row).run();
    },
    async insertQaReview(row) {
      db.insert(s.qaReviews).values(row).run();
    },
    async updateQaReview(id, patch) {
      db.update(s.qaReviews).set(patch).where(eq(s.qaReviews.id, id)).run();
    },
    async insertQaDispute(row) {
      db.insert(s.qaDisputes).values(row).run();
    },
    async updateQaDispute(id, patch) {
      db.update(s.qaDisputes).set(patch).where(eq(s.qaDisputes.id, id)).run();
    },
    async insertKnowledgePush(row) {
      db.insert(s.qaKnowledgePushes).values(row).run();
    },
    async insertSurveyRecord(row) {
      db.insert(s.surveyRecords).values(row).run();
    },
    async updateSurveyRecord(id, patch) {
      db.update(s.surveyRecords).set(patch).where(eq(s.surveyRecords.id, id)).run();
    },
  };
}

import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { and, asc, desc, eq, gte, inArray } from 'drizzle-orm';
import * as s from '../../../db/hub/schema';
import type { KnowledgeStoreReader, KnowledgeStoreWriter } from '../knowledge';

type Db = BetterSQLite3Database<typeof s>;

/** The knowledge part of the SQLite store (see hub/store/knowledge.ts). */
export function knowledgeMethods(db: Db): KnowledgeStoreReader & KnowledgeStoreWriter {
  return {
    async getKnowledgeItem(id) {
      return db.select().from(s.knowledgeItems).where(eq(s.knowledgeItems.id, id)).all()[0] ?? null;
    },
    async listKnowledgeSources() {
      return db.select().from(s.knowledgeSources).orderBy(asc(s.knowledgeSources.itemId)).all();
    },
    async knowledgeFeedbackOf(itemId, since) {
      return db
        .select()
        .from(s.knowledgeFeedback)
        .where(and(eq(s.knowledgeFeedback.itemId, itemId), gte(s.knowledgeFeedback.at, since)))
        .orderBy(asc(s.knowledgeFeedback.at), asc(s.knowledgeFeedback.id))
        .all();
    },
    async knowledgeFeedbackSince(since, userIds) {
      if (userIds && !userIds.length) return [];
      const out = [];
      // SQLite limits bound parameters: chunk long user lists.
      const groups = userIds ? Array.from({ length: Math.ceil(userIds.length / 500) }, (_, i) => userIds.slice(i * 500, i * 500 + 500)) : [null];
      for (const ids of groups) {
        out.push(
          ...db
            .select()
            .from(s.knowledgeFeedback)
            .where(ids ? and(gte(s.knowledgeFeedback.at, since), inArray(s.knowledgeFeedback.userId, ids)) : gte(s.knowledgeFeedback.at, since))
            .orderBy(asc(s.knowledgeFeedback.at), asc(s.knowledgeFeedback.id))
            .all(),
        );
      }
      return groups.length > 1 ? out.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id)) : out;
    },
    async latestKnowledgeReview(itemId) {
      return db.select().from(s.knowledgeReviews).where(eq(s.knowledgeReviews.itemId, itemId)).orderBy(desc(s.knowledgeReviews.retiredAt), desc(s.knowledgeReviews.id)).limit(1).all()[0] ?? null;
    },
    async listKnowledgeReviews(statuses) {
      if (!statuses.length) return [];
      return db
        .select()
        .from(s.knowledgeReviews)
        .where(inArray(s.knowledgeReviews.status, [...statuses]))
        .orderBy(desc(s.knowledgeReviews.retiredAt), desc(s.knowledgeReviews.id))
        .all();
    },
    async putKnowledgeSource(row) {
      db.insert(s.knowledgeSources).values(row).onConflictDoUpdate({ target: s.knowledgeSources.itemId, set: row }).run();
    },
    async deleteKnowledgeSource(itemId) {
      db.delete(s.knowledgeSources).where(eq(s.knowledgeSources.itemId, itemId)).run();
    },
    async insertKnowledgeFeedback(row) {
      db.insert(s.knowledgeFeedback).values(row).run();
    },
    async insertKnowledgeReview(row) {
      db.insert(s.knowledgeReviews).values(row).run();
    },
    async updateKnowledgeReview(id, patch) {
      db.update(s.knowledgeReviews).set(patch).where(eq(s.knowledgeReviews.id, id)).run();
    },
  };
}

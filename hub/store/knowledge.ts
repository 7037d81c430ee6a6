import type { KnowledgeFeedbackKind } from '../../shared/sync/mutations';
import type { KnowledgeItemRow } from './types';

/**
 * The knowledge part of the storage seam (hot reload of the knowledge files, card
 * feedback, the review queue). Mixed into StoreReader / StoreTx.
 */

export interface KnowledgeSourceRow {
  itemId: string;
  /** sha256 of the item's canonical JSON as last published. */
  hash: string;
  file: string;
  line: number;
  updatedAt: number;
}

export interface KnowledgeFeedbackRow {
  /** The mutation id. */
  id: string;
  itemId: string;
  kind: KnowledgeFeedbackKind;
  userId: string;
  workstationId: string;
  conversationId: string | null;
  /** Hub time. */
  at: number;
}

export type KnowledgeReviewStatus = 'pending' | 'confirmed' | 'restored';

export interface KnowledgeReviewRow {
  id: string;
  itemId: string;
  status: KnowledgeReviewStatus;
  reason: 'users' | 'marks';
  uselessUsers: number;
  uselessMarks: number;
  usefulMarks: number;
  retiredAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  comment: string;
}

export interface KnowledgeStoreReader {
  getKnowledgeItem(id: string): Promise<KnowledgeItemRow | null>;
  listKnowledgeSources(): Promise<KnowledgeSourceRow[]>;
  /** Events of one item at or after `since`, oldest first. */
  knowledgeFeedbackOf(itemId: string, since: number): Promise<KnowledgeFeedbackRow[]>;
  /** Events at or after `since` (of these users only, when given), oldest first. */
  knowledgeFeedbackSince(since: number, userIds?: readonly string[]): Promise<KnowledgeFeedbackRow[]>;
  /** The newest review of an item, or null. */
  latestKnowledgeReview(itemId: string): Promise<KnowledgeReviewRow | null>;
  /** Reviews in these statuses, newest retirement first. */
  listKnowledgeReviews(statuses: readonly KnowledgeReviewStatus[]): Promise<KnowledgeReviewRow[]>;
}

export interface KnowledgeStoreWriter {
  putKnowledgeSource(row: KnowledgeSourceRow): Promise<void>;
  deleteKnowledgeSource(itemId: string): Promise<void>;
  insertKnowledgeFeedback(row: KnowledgeFeedbackRow): Promise<void>;
  insertKnowledgeReview(row: KnowledgeReviewRow): Promise<void>;
  updateKnowledgeReview(id: string, patch: Partial<Omit<KnowledgeReviewRow, 'id' | 'itemId'>>): Promise<void>;
}

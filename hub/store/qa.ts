import type { Channel } from '../../shared/domain/types';
import type { ContactIdentityRow, ContactRow, ConversationRow, MessageRow } from './types';

/**
 * The supervisor part of the storage seam (QA reviews, surveys, and the reads the
 * dashboard and the review queue need). Mixed into StoreReader / StoreTx.
 */

export interface QaFormRow {
  id: string;
  version: number;
  name: Record<string, string>;
  sections: unknown[];
  createdAt: number;
  createdBy: string;
}

export type QaReviewStatus = 'queued' | 'submitted' | 'disputed' | 'upheld' | 'revised';
export type QaReviewSource = 'sample' | 'flag' | 'manual' | 'calibration';

export interface QaReviewRow {
  id: string;
  conversationId: string;
  agentId: string | null;
  teamId: string | null;
  reviewerId: string | null;
  formId: string;
  formVersion: number;
  status: QaReviewStatus;
  source: QaReviewSource;
  period: string;
  flags: unknown[];
  prescore: unknown[];
  answers: unknown[];
  score: number | null;
  autoFailed: boolean;
  comment: string;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
}

export interface QaDisputeRow {
  id: string;
  reviewId: string;
  agentId: string;
  reason: string;
  status: 'open' | 'upheld' | 'revised';
  response: string;
  previousScore: number | null;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
}

export interface QaKnowledgePushRow {
  id: string;
  topicId: string;
  itemIds: string[];
  at: number;
  by: string;
}

export type SurveyStatus = 'pending' | 'sent' | 'answered' | 'failed' | 'skipped';

export interface SurveyRecordRow {
  id: string;
  kind: 'csat' | 'nps';
  conversationId: string;
  contactId: string;
  channel: Channel;
  agentId: string | null;
  teamId: string | null;
  resolvedAt: number;
  dueAt: number;
  status: SurveyStatus;
  reason: string | null;
  attempts: number;
  sentAt: number | null;
  score: number | null;
  comment: string | null;
  answeredAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A conversation row as a change wrote it (status / assignee history). */
export interface ConversationChangeRow {
  seq: number;
  at: number;
  data: ConversationRow;
  prev: Record<string, unknown> | null;
  actorId: string | null;
}

export interface QaReviewFilter {
  teamIds?: readonly string[];
  agentId?: string;
  reviewerId?: string;
  conversationId?: string;
  statuses?: readonly QaReviewStatus[];
  period?: string;
  /** createdAt ≥ since */
  since?: number;
  until?: number;
}

export interface QaStoreReader {
  listQaForms(): Promise<QaFormRow[]>;
  listQaReviews(filter: QaReviewFilter): Promise<QaReviewRow[]>;
  getQaReview(id: string): Promise<QaReviewRow | null>;
  disputesOf(reviewIds: readonly string[]): Promise<QaDisputeRow[]>;
  knowledgePushesSince(since: number): Promise<QaKnowledgePushRow[]>;
  /** Survey records created or resolved since `since` (any status). */
  surveyRecordsSince(since: number): Promise<SurveyRecordRow[]>;
  /** NPS/CSAT records of these contacts (cool-down checks). */
  surveyRecordsOfContacts(contactIds: readonly string[]): Promise<SurveyRecordRow[]>;
  getSurveyRecord(id: string): Promise<SurveyRecordRow | null>;
  /** Conversations of these teams that are not resolved or had a message since `since`. */
  conversationsOfTeams(teamIds: readonly string[], since: number): Promise<ConversationRow[]>;
  /** Messages of these conversations, oldest first. */
  messagesOfConversations(ids: readonly string[]): Promise<MessageRow[]>;
  /** Every change-log row of these conversations (entity conversation), seq order. */
  conversationHistory(ids: readonly string[]): Promise<ConversationChangeRow[]>;
  /** Conversation changes that set status to resolved (from another status) since `since`. */
  resolutionsSince(since: number): Promise<ConversationChangeRow[]>;
  /** Patient messages in these teams' conversations created since `since`. */
  inboundSince(teamIds: readonly string[], since: number): Promise<{ conversationId: string; body: string; createdAt: number }[]>;
  /** Per user: the latest staff action (mutation) or sign-in. */
  lastActivityByUser(): Promise<Record<string, number>>;
  contactsByIds(ids: readonly string[]): Promise<ContactRow[]>;
  identitiesOfContacts(contactIds: readonly string[]): Promise<ContactIdentityRow[]>;
}

export interface QaStoreWriter {
  insertQaForm(row: QaFormRow): Promise<void>;
  insertQaReview(row: QaReviewRow): Promise<void>;
  updateQaReview(id: string, patch: Partial<Omit<QaReviewRow, 'id'>>): Promise<void>;
  insertQaDispute(row: QaDisputeRow): Promise<void>;
  updateQaDispute(id: string, patch: Partial<Omit<QaDisputeRow, 'id'>>): Promise<void>;
  insertKnowledgePush(row: QaKnowledgePushRow): Promise<void>;
  insertSurveyRecord(row: SurveyRecordRow): Promise<void>;
  updateSurveyRecord(id: string, patch: Partial<Omit<SurveyRecordRow, 'id'>>): Promise<void>;
}

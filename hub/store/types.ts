import type {
  ContactData,
  ContactIdentityData,
  ConversationData,
  DeviceReadingData,
  Entity,
  KnowledgeItemData,
  MessageData,
  NoteData,
  Role,
  RuleData,
} from '../../shared/sync/entities';
import type { Channel } from '../../shared/domain/types';

/**
 * Row shapes the hub's handlers see. They are plain data, independent of the SQL
 * dialect: the SQLite store maps its drizzle rows to these, and a PostgreSQL store
 * would do the same.
 */

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  failedAttempts: number;
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface TeamRow {
  id: string;
  name: string;
  createdAt: number;
}

export interface WorkstationRow {
  id: string;
  label: string | null;
  status: 'active' | 'revoked';
  registeredAt: number;
  registeredBy: string;
  lastSeenAt: number | null;
}

export interface SessionRow {
  id: string;
  userId: string;
  workstationId: string;
  createdAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
}

export interface RefreshTokenRow {
  tokenHash: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  replacedBy: string | null;
}

export type ContactRow = ContactData;
export type ContactIdentityRow = ContactIdentityData;
export type ConversationRow = ConversationData;
export type MessageRow = MessageData & { acceptedAt: number; mutationId: string | null };
export type NoteRow = NoteData & { mutationId: string | null };
export type DeviceReadingRow = DeviceReadingData;
export type KnowledgeItemRow = KnowledgeItemData;
export type RuleRow = RuleData;

export interface ContactHistoryRow {
  id: number;
  contactId: string;
  changedAt: number;
  userId: string;
  workstationId: string;
  mutationId: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  seq: number;
}

export interface ChangeInput {
  at: number;
  entity: Entity;
  entityId: string;
  op: 'put' | 'revoke';
  data: unknown;
  prev?: Record<string, unknown> | null;
  /** Scope tags: see db/hub/schema.ts change_log. */
  conversationId?: string | null;
  contactId?: string | null;
  audienceUserId?: string | null;
  mutationId?: string | null;
  actorId?: string | null;
}

export interface ChangeRow {
  seq: number;
  entity: Entity;
  entityId: string;
  op: 'put' | 'revoke';
  data: unknown;
  prev: Record<string, unknown> | null;
}

export interface MutationRecord {
  id: string;
  userId: string;
  workstationId: string;
  type: string;
  argsHash: string;
  status: 'applied' | 'rejected';
  result: Record<string, unknown> | null;
  code: string | null;
  message: string | null;
  clientTime: number;
  receivedAt: number;
}

export type AuditOutcome = 'ok' | 'denied' | 'rejected' | 'error';

export interface AuditRow {
  id: number;
  at: number;
  userId: string | null;
  workstationId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  outcome: AuditOutcome;
  detail: unknown;
  prevHash: string;
  hash: string;
}

/** Who is asking, for scope filtering. */
export interface ScopeKey {
  userId: string;
  /** supervisor or admin: sees every conversation of their teams. */
  supervisor: boolean;
}

export interface PullPage {
  rows: ChangeRow[];
  /** The log's head in the same snapshot as `rows`. */
  head: number;
  /** More visible rows exist after the last one returned. */
  hasMore: boolean;
}

// ---- channels (hub-only rows) ----------------------------------------------

export type InboundState = 'pending' | 'ingested' | 'ignored' | 'failed';

/** A payload a channel accepted (kept for audit) with its de-duplication key. */
export interface InboundRecordRow {
  id: string;
  channel: Channel;
  dedupeKey: string;
  receivedAt: number;
  state: InboundState;
  reason: string | null;
  contactId: string | null;
  conversationId: string | null;
  messageId: string | null;
  raw: string;
  rawBytes: number;
}

export type OutboundState = 'waiting' | 'sending' | 'sent' | 'delivered' | 'failed' | 'cancelled';

export interface OutboundRow {
  messageId: string;
  conversationId: string;
  channel: Channel;
  identityId: string | null;
  state: OutboundState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  providerId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ThreadRow {
  conversationId: string;
  channel: Channel;
  identityId: string;
  subject: string | null;
  meta: Record<string, unknown>;
  updatedAt: number;
}

export interface ChannelRefRow {
  channel: Channel;
  ref: string;
  conversationId: string;
  messageId: string | null;
  createdAt: number;
}

export interface AttachmentRow {
  id: string;
  channel: Channel;
  ownerKey: string | null;
  messageId: string | null;
  conversationId: string | null;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  data: Buffer;
  createdAt: number;
}

export interface ContactMergeRow {
  id: number;
  fromContactId: string;
  intoContactId: string;
  at: number;
  actor: string;
  reason: string | null;
  detail: Record<string, unknown>;
}

export interface DeviceBindingRow {
  deviceId: string;
  contactId: string;
  label: string | null;
  createdAt: number;
}

export interface DeviceAlertRow {
  id: string;
  contactId: string;
  kind: DeviceReadingData['kind'];
  level: 'abnormal' | 'critical';
  reason: string;
  conversationId: string;
  messageId: string;
  readingIds: string[];
  createdAt: number;
}

export interface RoutingStateRow {
  conversationId: string;
  queueId: string;
  enqueuedAt: number;
  language: string;
  department: string | null;
  overflowedAt: number | null;
  assignedAt: number | null;
  updatedAt: number;
}

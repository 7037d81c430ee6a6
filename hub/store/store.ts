import type { Channel } from '../../shared/domain/types';
import type { QaStoreReader, QaStoreWriter } from './qa';
import type { KnowledgeStoreReader, KnowledgeStoreWriter } from './knowledge';
import type { DeviceReadingData } from '../../shared/sync/entities';
import type {
  AttachmentRow,
  AuditRow,
  ChannelRefRow,
  ContactMergeRow,
  DeviceAlertRow,
  DeviceBindingRow,
  InboundRecordRow,
  OutboundRow,
  OutboundState,
  RoutingStateRow,
  ThreadRow,
  ChangeInput,
  ChangeRow,
  ContactHistoryRow,
  ContactIdentityRow,
  ContactRow,
  ConversationRow,
  DeviceReadingRow,
  KnowledgeItemRow,
  MessageRow,
  MutationRecord,
  NoteRow,
  PullPage,
  RefreshTokenRow,
  RuleRow,
  ScopeKey,
  SessionRow,
  TeamRow,
  UserRow,
  WorkstationRow,
} from './types';

/**
 * THE storage seam. Handlers (auth, sync, audit, demo, CLI) use only this
 * interface, so a PostgreSQL store can be added beside hub/store/sqlite without
 * touching them. Everything is async for that reason, even though better-sqlite3
 * is synchronous.
 *
 * Implementations must guarantee:
 * - `write` runs its callback in ONE serializable transaction and commits before
 *   resolving; if the callback throws, nothing it wrote remains.
 * - change-log seqs become visible in seq order (no reader may ever see seq n+1
 *   committed while seq n is still in flight), or cursors would skip changes.
 *   SQLite gets this from its single writer; PostgreSQL needs the append
 *   serialized (e.g. an advisory lock held to commit).
 * - `read` sees one consistent committed snapshot.
 */
export interface HubStore {
  readonly kind: string;
  /** Random id made when the store was created; tells clients which hub their cursor belongs to. */
  readonly hubId: string;
  read<T>(fn: (r: StoreReader) => Promise<T>): Promise<T>;
  /** Never await anything but the store inside: the callback holds the (single) writer. */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Moves everything out of any write-ahead log into the main file and empties the log (used after shredding). */
  checkpoint(): Promise<void>;
  /** Waits for queued work, then closes. Further calls reject. */
  close(): Promise<void>;
}

export interface StoreReader extends QaStoreReader, KnowledgeStoreReader {
  headSeq(): Promise<number>;
  getMeta(key: string): Promise<string | null>;

  getUserById(id: string): Promise<UserRow | null>;
  getUserByUsername(username: string): Promise<UserRow | null>;
  listUsers(): Promise<UserRow[]>;
  teamIdsOf(userId: string): Promise<string[]>;
  /** Every user with their team ids, for scope (audience) computations. */
  listUsersWithTeams(): Promise<(UserRow & { teamIds: string[] })[]>;
  getTeam(id: string): Promise<TeamRow | null>;
  listTeams(): Promise<TeamRow[]>;

  getWorkstation(id: string): Promise<WorkstationRow | null>;
  listWorkstations(): Promise<WorkstationRow[]>;
  getSession(id: string): Promise<SessionRow | null>;
  /** Many sessions in one query (a WebSocket round re-authorizes every socket at once); missing ids are absent. */
  getSessions(ids: string[]): Promise<SessionRow[]>;
  /** Many workstations in one query (as getSessions). */
  getWorkstations(ids: string[]): Promise<WorkstationRow[]>;
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRow | null>;

  getContact(id: string): Promise<ContactRow | null>;
  identitiesOf(contactId: string): Promise<ContactIdentityRow[]>;
  readingsOf(contactId: string): Promise<DeviceReadingRow[]>;
  contactHistory(contactId: string): Promise<ContactHistoryRow[]>;
  getConversation(id: string): Promise<ConversationRow | null>;
  conversationsOfContact(contactId: string): Promise<ConversationRow[]>;
  /** Snoozed conversations whose time has come (`snoozedUntil` ≤ `now`), oldest first. */
  dueSnoozes(now: number, limit: number): Promise<ConversationRow[]>;
  getMessage(id: string): Promise<MessageRow | null>;
  messagesOf(conversationId: string): Promise<MessageRow[]>;
  getNote(id: string): Promise<NoteRow | null>;
  notesOf(conversationId: string): Promise<NoteRow[]>;
  listKnowledgeItems(): Promise<KnowledgeItemRow[]>;
  listRules(): Promise<RuleRow[]>;

  getMutation(id: string): Promise<MutationRecord | null>;

  /** Visible changes after `cursor`, in seq order, at most `limit` rows and about `maxBytes` of data. */
  /**
   * Visible changes after `cursor`. `from` (≤ cursor) is where the reader's run of
   * pulls started: plain versions it will get a newer copy of, and whose entity it
   * already received after `from`, are left out (see SUPERSEDED_CHANGE).
   */
  pull(scope: ScopeKey, cursor: number, limit: number, maxBytes: number, from?: number): Promise<PullPage>;
  /** The highest visible seq after `after`, or null. Drives WebSocket pokes. */
  latestVisibleSeq(scope: ScopeKey, after: number): Promise<number | null>;
  visibleConversationIds(scope: ScopeKey): Promise<string[]>;

  // ---- channels (hub-only rows) ----
  getInbound(channel: Channel, dedupeKey: string): Promise<InboundRecordRow | null>;
  getInboundById(id: string): Promise<InboundRecordRow | null>;
  /** Rows in `state`, oldest first (pending rows are finished after a restart). */
  inboundInState(state: InboundRecordRow['state'], limit: number): Promise<InboundRecordRow[]>;
  /** The identity with this channel address, if any. */
  findIdentity(channel: Channel, externalId: string): Promise<ContactIdentityRow | null>;
  /** Identities with this address on any of `channels` (automatic linking by a verified phone/e-mail). */
  identitiesByExternalId(externalId: string, channels: readonly Channel[]): Promise<ContactIdentityRow[]>;
  getIdentity(id: string): Promise<ContactIdentityRow | null>;
  getOutbound(messageId: string): Promise<OutboundRow | null>;
  /** Rows due to be (re)tried: state waiting, nextAttemptAt <= now, oldest first. */
  dueOutbound(now: number, limit: number): Promise<OutboundRow[]>;
  outboundInState(state: OutboundState, limit: number): Promise<OutboundRow[]>;
  /** Outbound rows to one identity in the given states, oldest first (widget replay after reconnect). */
  outboundForIdentity(identityId: string, states: readonly OutboundState[], limit: number): Promise<OutboundRow[]>;
  outboundByProvider(channel: Channel, providerId: string): Promise<OutboundRow | null>;
  getThread(conversationId: string): Promise<ThreadRow | null>;
  /** Conversations talking to this identity, newest activity first. */
  threadsOfIdentity(identityId: string): Promise<ThreadRow[]>;
  getChannelRef(channel: Channel, ref: string): Promise<ChannelRefRow | null>;
  refsOfConversation(conversationId: string): Promise<ChannelRefRow[]>;
  getAttachment(id: string): Promise<AttachmentRow | null>;
  attachmentsOfMessage(messageId: string): Promise<Omit<AttachmentRow, 'data'>[]>;
  mergesOf(contactId: string): Promise<ContactMergeRow[]>;
  getDeviceBinding(deviceId: string): Promise<DeviceBindingRow | null>;
  getAlertState(contactId: string, kind: DeviceReadingData['kind']): Promise<Record<string, unknown> | null>;
  alertsOf(contactId: string): Promise<DeviceAlertRow[]>;
  /** Readings of one kind measured in [from, to], oldest first, at most `limit` (the newest ones). */
  readingsBetween(contactId: string, kind: DeviceReadingData['kind'], from: number, to: number, limit: number): Promise<DeviceReadingRow[]>;
  /** The newest `limit` messages of a conversation, oldest first. */
  lastMessages(conversationId: string, limit: number): Promise<MessageRow[]>;
  deviceBindingsOf(contactId: string): Promise<DeviceBindingRow[]>;
  getRoutingState(conversationId: string): Promise<RoutingStateRow | null>;
  /** Routed conversations not yet assigned (the waiting line of every queue). */
  waitingRouted(): Promise<RoutingStateRow[]>;
  /** Open (not resolved) conversations per assignee: the agents' current load. */
  openLoadByAssignee(): Promise<Record<string, number>>;

  auditHead(): Promise<AuditRow | null>;
  /** Audit rows with id > afterId in id order (for verification). */
  auditPage(afterId: number, limit: number): Promise<AuditRow[]>;
  auditCount(): Promise<number>;
}

export interface StoreTx extends StoreReader, QaStoreWriter, KnowledgeStoreWriter {
  /**
   * Runs `fn` as a nested step of this transaction (SQL SAVEPOINT): if it throws, what it
   * wrote is undone and the error rethrown, while the rest of the transaction goes on.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  setMeta(key: string, value: string): Promise<void>;

  insertTeam(row: TeamRow): Promise<void>;
  insertUser(row: UserRow): Promise<void>;
  updateUser(id: string, patch: Partial<Omit<UserRow, 'id'>>): Promise<void>;
  setTeamMembers(userId: string, teamIds: readonly string[]): Promise<void>;

  insertWorkstation(row: WorkstationRow): Promise<void>;
  updateWorkstation(id: string, patch: Partial<Omit<WorkstationRow, 'id'>>): Promise<void>;
  insertSession(row: SessionRow): Promise<void>;
  /** Revokes matching sessions that are not yet revoked; answers how many. */
  revokeSessions(where: { sessionId?: string; userId?: string; workstationId?: string }, reason: string, at: number): Promise<number>;
  insertRefreshToken(row: RefreshTokenRow): Promise<void>;
  updateRefreshToken(tokenHash: string, patch: Partial<Omit<RefreshTokenRow, 'tokenHash'>>): Promise<void>;

  insertContact(row: ContactRow): Promise<void>;
  updateContact(id: string, patch: Partial<Omit<ContactRow, 'id'>>): Promise<void>;
  insertIdentity(row: ContactIdentityRow): Promise<void>;
  insertReading(row: DeviceReadingRow): Promise<void>;
  insertContactHistory(row: Omit<ContactHistoryRow, 'id'>): Promise<void>;
  insertConversation(row: ConversationRow): Promise<void>;
  updateConversation(id: string, patch: Partial<Omit<ConversationRow, 'id'>>): Promise<void>;
  insertMessage(row: MessageRow): Promise<void>;
  /** Recall: overwrite the body everywhere it is stored (messages, change-log copies, previews in conversation copies). */
  shredMessage(messageId: string, recalledAt: number): Promise<void>;
  insertNote(row: NoteRow): Promise<void>;
  upsertKnowledgeItem(row: KnowledgeItemRow): Promise<void>;
  upsertRule(row: RuleRow): Promise<void>;

  /** Delivery status write-back of an outbound message (the change row is the caller's). */
  setDelivery(messageId: string, status: MessageRow['deliveryStatus'], failureReason: string | null): Promise<void>;
  updateIdentity(id: string, patch: Partial<Omit<ContactIdentityRow, 'id'>>): Promise<void>;
  /** Moves a contact's readings to another contact (merge). */
  moveReadings(fromContactId: string, intoContactId: string): Promise<number>;

  insertInbound(row: InboundRecordRow): Promise<void>;
  updateInbound(id: string, patch: Partial<Omit<InboundRecordRow, 'id' | 'channel' | 'dedupeKey' | 'raw'>>): Promise<void>;
  insertOutbound(row: OutboundRow): Promise<void>;
  updateOutbound(messageId: string, patch: Partial<Omit<OutboundRow, 'messageId'>>): Promise<void>;
  upsertThread(row: ThreadRow): Promise<void>;
  /** Inserts unless (channel, ref) exists; answers whether it was new. */
  putChannelRef(row: ChannelRefRow): Promise<boolean>;
  insertAttachment(row: AttachmentRow): Promise<void>;
  bindAttachment(id: string, messageId: string, conversationId: string): Promise<void>;
  insertMerge(row: Omit<ContactMergeRow, 'id'>): Promise<number>;
  putDeviceBinding(row: DeviceBindingRow): Promise<void>;
  putAlertState(contactId: string, kind: DeviceReadingData['kind'], state: Record<string, unknown>, at: number): Promise<void>;
  insertAlert(row: DeviceAlertRow): Promise<void>;
  putRoutingState(row: RoutingStateRow): Promise<void>;

  /** Appends to the change log; answers the new seq. */
  appendChange(change: ChangeInput): Promise<number>;
  putMutation(record: MutationRecord): Promise<void>;
  insertAudit(row: Omit<AuditRow, 'id'> & { id: number }): Promise<void>;
}

export type { ChangeRow };

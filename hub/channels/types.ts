import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Channel, Priority } from '../../shared/domain/types';
import type { HubContext } from '../app/context';
import type { StoreTx } from '../store/store';
import type { ContactIdentityRow, ConversationRow, MessageRow, OutboundRow, ThreadRow } from '../store/types';
import type { ChannelsConfig } from './config';

/**
 * One adapter per channel (`hub/channels/<name>/`), all behind this interface.
 * Inbound: the adapter verifies and parses its protocol and hands a normalized
 * `InboundEnvelope` to `ChannelRuntime.accept`, which de-duplicates, resolves the
 * contact identity and conversation, writes the message (raw payload kept) and
 * routes it — in one transaction. Outbound: the dispatcher calls `send` for each
 * staff reply due on the adapter's channel and writes the outcome back.
 */
export interface ChannelAdapter {
  readonly channel: Channel;
  /** Registers the adapter's HTTP routes inside the channels scope (raw Buffer bodies). */
  routes?(app: FastifyInstance): void;
  /** Staff-facing routes (Bearer auth, JSON bodies) in the hub's root scope. */
  apiRoutes?(app: FastifyInstance): void;
  /** Starts listeners/subscriptions (SMTP, MQTT) after the HTTP server listens. */
  start?(): Promise<void>;
  /** Stops taking new input; in-flight work finishes. */
  stop?(): Promise<void>;
  /** Hands one staff reply to the channel. Throw nothing: answer an outcome. */
  send?(job: OutboundJob): Promise<SendOutcome>;
}

export interface AttachmentInput {
  filename: string;
  mime: string;
  data: Buffer;
}

export interface InboundEnvelope {
  channel: Channel;
  /** Unique per payload within the channel (WeChat MsgId, e-mail Message-ID, `visitor:cid` …): a retry finds the first answer. */
  dedupeKey: string;
  /** The payload as received (decrypted where the protocol encrypts), kept for audit. */
  raw: string;
  /** When the patient/device produced it (epoch ms); the hub's time if unknown. */
  at: number;
  /** The sender's address on this channel. A device message names its contact instead. */
  from: { externalId: string; verified: boolean; displayName?: string | null } | { contactId: string };
  /**
   * Identities on these channels with the same address and `verified` belong to
   * the same person (a verified phone on SMS is the same as on phone calls).
   */
  linkChannels?: readonly Channel[];
  /** Channel references of earlier messages this one answers (e-mail In-Reply-To / References). */
  threadRefs?: readonly string[];
  /** References to record for this message (its own e-mail Message-ID). */
  ownRefs?: readonly string[];
  /** Write the message only into an existing conversation; never start one for it. */
  onlyExisting?: boolean;
  /** Start a new conversation unless `threadRefs` find one (e-mail without references). */
  newThread?: boolean;
  subject?: string | null;
  /** The message to write; null for events that only change state (e.g. a duplicate-free consent change). */
  message: { body: string; contentType: string; authorName: string | null; direction?: 'inbound' | 'outbound' } | null;
  attachments?: readonly AttachmentInput[];
  /** Already stored attachments (widget uploads) to bind to the message. */
  attachmentIds?: readonly string[];
  consent?: 'granted' | 'withdrawn';
  department?: string | null;
  /** Raise the conversation to at least this priority. */
  priority?: Priority;
  addTags?: readonly string[];
  /**
   * The patient's own words, where the message carries more (an e-mail reply's text
   * above the quoted original): read for a bare survey score. Default: the body.
   */
  answerText?: string;
  /** The web-chat rating card the patient clicked: answers that survey (if open, this patient's, on its scale). */
  surveyAnswer?: { surveyId: string; score: number };
  /** Runs inside the same transaction after the message is written (device readings, alerts). */
  extra?: (tx: StoreTx, r: AcceptedInbound) => Promise<void>;
}

export interface AcceptedInbound {
  duplicate: boolean;
  inboundId: string;
  contactId: string | null;
  conversationId: string | null;
  messageId: string | null;
  identityId: string | null;
  createdContact: boolean;
  createdConversation: boolean;
}

export interface OutboundJob {
  outbound: OutboundRow;
  message: MessageRow;
  conversation: ConversationRow;
  identity: ContactIdentityRow | null;
  thread: ThreadRow | null;
  /** 1 for the first try. */
  attempt: number;
}

/**
 * `sent`/`delivered`: done (providerId kept for receipts). `retry`: a temporary
 * failure (network, 5xx, throttling) — tried again with backoff. `failed`: a
 * permanent refusal with a stable reason code the agent sees.
 */
export type SendOutcome =
  | { status: 'sent'; providerId?: string | null }
  | { status: 'delivered'; providerId?: string | null }
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  | { status: 'failed'; reason: string };

/** What adapters get from the hub. */
export interface ChannelRuntime {
  readonly ctx: HubContext;
  readonly config: ChannelsConfig;
  readonly log: Logger;
  /** Runs `fn` in one write transaction; pokes workstations after the commit. */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** De-duplicates, resolves identity/conversation, writes message + raw payload, routes — one transaction. */
  accept(env: InboundEnvelope): Promise<AcceptedInbound>;
  /** Inside a transaction the caller already holds. */
  acceptIn(tx: StoreTx, env: InboundEnvelope): Promise<AcceptedInbound>;
  /** A delivery receipt from the channel (SMS DLR, widget ack). */
  receipt(messageId: string, status: 'delivered' | 'failed', reason?: string | null): Promise<boolean>;
  /** Wakes the outbound dispatcher (e.g. a widget visitor reconnected). */
  kickOutbound(): void;
}

import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import type { Priority } from '../../shared/domain/types';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import type { RoutingConfig } from '../routing/config';
import { detectLanguage } from '../routing/decide';
import { botToHuman } from '../routing/hooks';
import type { Router } from '../routing/router';
import type { StoreTx } from '../store/store';
import type { ContactIdentityRow, ConversationRow, InboundRecordRow, MessageRow } from '../store/types';
import { putConversation, putMessage, type ChangeMeta } from '../sync/changes';
import { ingestConversation, ingestInbound } from '../sync/ingest';
import { PREVIEW_CHARS } from '../sync/mutations/message';
import { appendAudit } from '../audit/audit';
import { recordSurveyAnswerIn, surveyAnswerOf } from '../qa/surveys';
import type { SurveyRecordRow } from '../store/qa';
import { ChannelError, ChannelErrorCode } from './errors';
import { resolveSender, setConsent } from './identity';
import type { AcceptedInbound, AttachmentInput, InboundEnvelope } from './types';

/** A resolved conversation older than this is not reopened by a new message: a new one starts. */
export const REOPEN_WITHIN_MS = 7 * 86_400_000;
/** Raw payloads kept for audit are cut at this size (attachments are stored apart). */
export const MAX_RAW_CHARS = 256 * 1024;

const RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export function higherPriority(a: Priority, b: Priority): Priority {
  return RANK[a] <= RANK[b] ? a : b;
}

export function humanSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The body an agent sees for a message that carried files. */
export function attachmentLine(a: { id: string; filename: string; mime: string; size: number }): string {
  const kind = a.mime.startsWith('image/') ? '图片' : '附件';
  return `[${kind}] ${a.filename} (${a.mime}, ${humanSize(a.size)}) /attachments/${a.id}`;
}

export function clipBody(body: string): string {
  const max = SYNC_LIMITS.maxBodyChars;
  return body.length <= max ? body : `${body.slice(0, max - 12)}…（内容过长已截断）`;
}

export interface InboundDeps {
  router: Router;
  routing: RoutingConfig;
  /** How long a sent CSAT/NPS survey takes a bare score as its answer (hub config `surveys.answerWindowHours`). */
  surveyAnswerWindowMs: number;
}

/** Raises priority / adds tags / reopens: one conversation change row with `prev`. */
export async function raiseConversation(tx: StoreTx, conv: ConversationRow, want: { priority?: Priority | undefined; addTags?: readonly string[] | undefined; reopen?: boolean }, meta: ChangeMeta): Promise<ConversationRow> {
  const patch: Partial<ConversationRow> = {};
  const prev: Record<string, unknown> = {};
  if (want.priority && higherPriority(want.priority, conv.priority) !== conv.priority) {
    patch.priority = want.priority;
    prev.priority = conv.priority;
  }
  if (want.addTags?.length) {
    const tags = [...new Set([...conv.tags, ...want.addTags])].slice(0, SYNC_LIMITS.maxTags);
    if (tags.length !== conv.tags.length) {
      patch.tags = tags;
      prev.tags = conv.tags;
    }
  }
  if (want.reopen && conv.status !== 'open') {
    patch.status = 'open';
    prev.status = conv.status;
  }
  if (Object.keys(patch).length === 0) return conv;
  const updated = { ...conv, ...patch, updatedAt: meta.at };
  await tx.updateConversation(conv.id, { ...patch, updatedAt: meta.at });
  await putConversation(tx, updated, meta, prev);
  return updated;
}

async function currentConversation(tx: StoreTx, env: InboundEnvelope, contactId: string, identity: ContactIdentityRow | null, now: number): Promise<ConversationRow | null> {
  if (env.threadRefs?.length) {
    for (const ref of env.threadRefs) {
      const r = await tx.getChannelRef(env.channel, ref);
      if (r) {
        const conv = await tx.getConversation(r.conversationId);
        if (conv) return conv;
      }
    }
  }
  if (env.newThread) return null;
  const candidates: ConversationRow[] = [];
  if (identity) {
    for (const t of await tx.threadsOfIdentity(identity.id)) {
      const c = await tx.getConversation(t.conversationId);
      if (c) candidates.push(c);
    }
  }
  if (candidates.length === 0) {
    // No thread yet (conversations made before channels, or by a device): the contact's own on this channel.
    candidates.push(...(await tx.conversationsOfContact(contactId)).filter((c) => c.channel === env.channel));
  }
  candidates.sort((a, b) => b.lastMessageAt - a.lastMessageAt);
  const latest = candidates[0];
  if (!latest) return null;
  if (latest.status === 'resolved' && now - latest.updatedAt > REOPEN_WITHIN_MS) return null;
  return latest;
}

/** A patient's survey answer into a resolved conversation: the message and its change rows, the status left as it is. */
async function storeSurveyReply(tx: StoreTx, conv: ConversationRow, m: { messageId: string; body: string; authorName: string | null; at: number; contentType: string }, meta: ChangeMeta, channel: string): Promise<void> {
  const row: MessageRow = { id: m.messageId, conversationId: conv.id, direction: 'inbound', authorId: null, authorName: m.authorName, body: m.body, contentType: m.contentType, deliveryStatus: 'received', failureReason: null, createdAt: m.at, acceptedAt: meta.at, mutationId: null, recalledAt: null };
  await tx.insertMessage(row);
  const patch = { lastMessageAt: Math.max(conv.lastMessageAt, m.at), lastMessagePreview: m.body.slice(0, PREVIEW_CHARS), updatedAt: meta.at };
  await tx.updateConversation(conv.id, patch);
  await putMessage(tx, row, conv.contactId, meta);
  const seq = await putConversation(tx, { ...conv, ...patch }, meta);
  await appendAudit(tx, { at: meta.at, userId: null, workstationId: null, action: 'ingest.message', objectType: 'message', objectId: row.id, outcome: 'ok', detail: { seq, channel, surveyAnswer: true } });
}

async function storeAttachments(tx: StoreTx, env: InboundEnvelope, files: readonly AttachmentInput[], conversationId: string, messageId: string, now: number) {
  const out: { id: string; filename: string; mime: string; size: number }[] = [];
  for (const f of files) {
    const id = `att-${ulid()}`;
    await tx.insertAttachment({ id, channel: env.channel, ownerKey: null, messageId, conversationId, filename: f.filename.slice(0, 200), mime: f.mime, size: f.data.length, sha256: createHash('sha256').update(f.data).digest('hex'), data: f.data, createdAt: now });
    out.push({ id, filename: f.filename, mime: f.mime, size: f.data.length });
  }
  return out;
}

/**
 * The one path every channel's inbound takes, inside the caller's transaction:
 * de-duplicate → identity → conversation (new ones routed) → message (+ files)
 * → priority/tags/bot-handoff → raw payload record. Answers what it wrote; a
 * duplicate answers what the first delivery wrote and writes nothing.
 */
export async function acceptInbound(deps: InboundDeps, tx: StoreTx, env: InboundEnvelope, now: number): Promise<AcceptedInbound> {
  const seen = await tx.getInbound(env.channel, env.dedupeKey);
  if (seen && seen.state !== 'pending') {
    return { duplicate: true, inboundId: seen.id, contactId: seen.contactId, conversationId: seen.conversationId, messageId: seen.messageId, identityId: null, createdContact: false, createdConversation: false };
  }
  const meta: ChangeMeta = { at: now, actorId: null };
  const inboundId = seen?.id ?? `in-${ulid()}`;

  // 1. Who.
  let contactId: string;
  let identity: ContactIdentityRow | null = null;
  let createdContact = false;
  if ('contactId' in env.from) {
    const c = await tx.getContact(env.from.contactId);
    if (!c) throw new ChannelError(ChannelErrorCode.unknownContact, `Unknown contact ${env.from.contactId}`);
    contactId = c.id;
  } else {
    const r = await resolveSender(tx, { channel: env.channel, ...env.from }, env.linkChannels ?? [], meta);
    contactId = r.contact.id;
    identity = r.identity;
    createdContact = r.createdContact;
  }
  if (identity && env.consent) identity = await setConsent(tx, identity, env.consent, meta, `${env.channel} inbound`);
  else if (identity && identity.consent === 'unknown' && env.message) {
    // Writing to us is consent to be answered on this channel (until an opt-out word).
    identity = await setConsent(tx, identity, 'granted', meta, 'patient wrote first');
  }

  // 1b. A bare score answering the patient's open CSAT/NPS survey on this channel
  // (docs/supervisor.md). It is filed with the surveyed conversation.
  let answer: { survey: SurveyRecordRow; score: number } | null = null;
  if (env.message && env.message.direction !== 'outbound') {
    answer = await surveyAnswerOf(tx, { contactId, channel: env.channel, text: env.answerText ?? env.message.body, explicit: env.surveyAnswer ?? null, now, windowMs: deps.surveyAnswerWindowMs });
  }

  // 2. Which conversation.
  const text = env.message?.body ?? '';
  const req = { channel: env.channel, language: detectLanguage(`${env.subject ?? ''} ${text}`), department: env.department ?? null };
  let conv = (answer ? await tx.getConversation(answer.survey.conversationId) : null) ?? (await currentConversation(tx, env, contactId, identity, now));
  let createdConversation = false;
  if (!conv && env.message && !env.onlyExisting) {
    const placement = await deps.router.place(tx, req);
    conv = {
      id: `v-${ulid()}`,
      contactId,
      channel: env.channel,
      subject: env.subject?.slice(0, 200) ?? null,
      status: 'open',
      priority: env.priority ?? 'normal',
      assigneeId: placement.assigneeId,
      teamId: placement.teamId,
      tags: [...new Set(env.addTags ?? [])],
      unreadCount: 0,
      lastMessageAt: env.at,
      lastMessagePreview: '',
      createdAt: now,
      updatedAt: now,
    };
    await ingestConversation(tx, conv, meta);
    await deps.router.remember(tx, conv.id, placement, req, now);
    createdConversation = true;
  }
  if (conv && identity) {
    const t = await tx.getThread(conv.id);
    if (!t || t.identityId !== identity.id || (env.subject && !t.subject)) {
      await tx.upsertThread({ conversationId: conv.id, channel: conv.channel, identityId: identity.id, subject: t?.subject ?? env.subject ?? null, meta: t?.meta ?? {}, updatedAt: now });
    }
  }

  // 3. The message.
  let messageId: string | null = null;
  if (conv && env.message) {
    messageId = `m-${ulid()}`;
    const files = env.attachments?.length ? await storeAttachments(tx, env, env.attachments, conv.id, messageId, now) : [];
    for (const id of env.attachmentIds ?? []) {
      const a = await tx.getAttachment(id);
      if (!a || a.messageId) continue;
      await tx.bindAttachment(id, messageId, conv.id);
      files.push({ id: a.id, filename: a.filename, mime: a.mime, size: a.size });
    }
    const body = clipBody([env.message.body, ...files.map(attachmentLine)].filter((x) => x.length > 0).join('\n'));
    const wasResolved = conv.status === 'resolved';
    // A survey answer to a resolved conversation is stored like any patient message
    // but does not reopen it (nor queue it for an agent, nor cancel the NPS to come).
    const quietAnswer = answer !== null && wasResolved;
    if (quietAnswer) {
      await storeSurveyReply(tx, conv, { messageId, body, authorName: env.message.authorName, at: env.at, contentType: env.message.contentType }, meta, env.channel);
    } else if (env.message.direction === 'outbound') {
      // A record of something staff did outside Lantern (an outgoing call): no unread, no reopen.
      const row: MessageRow = { id: messageId, conversationId: conv.id, direction: 'outbound', authorId: null, authorName: env.message.authorName, body, contentType: env.message.contentType, deliveryStatus: 'sent', failureReason: null, createdAt: env.at, acceptedAt: now, mutationId: null, recalledAt: null };
      await tx.insertMessage(row);
      const patch = { lastMessageAt: Math.max(conv.lastMessageAt, env.at), lastMessagePreview: body.slice(0, PREVIEW_CHARS), updatedAt: now };
      await tx.updateConversation(conv.id, patch);
      await putMessage(tx, row, conv.contactId, meta);
      await putConversation(tx, { ...conv, ...patch }, meta);
      await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'ingest.message', objectType: 'message', objectId: messageId, outcome: 'ok', detail: { channel: env.channel, direction: 'outbound' } });
    } else {
      await ingestInbound(tx, { conversationId: conv.id, messageId, body, authorName: env.message.authorName, at: env.at, contentType: env.message.contentType }, meta);
    }
    conv = (await tx.getConversation(conv.id))!;
    if (answer) await recordSurveyAnswerIn(tx, answer.survey, { score: answer.score }, { userId: null, workstationId: null, now, detail: { channel: env.channel, messageId } });

    // 4. Urgency, tags, a patient getting nowhere.
    let priority = quietAnswer ? undefined : env.priority;
    const tags = [...(env.addTags ?? [])];
    if (!quietAnswer && deps.routing.botHandoff.enabled && env.message.direction !== 'outbound' && env.message.contentType === 'text') {
      const recent = (await tx.lastMessages(conv.id, deps.routing.botHandoff.repeatThreshold + 2)).filter((m) => m.direction === 'inbound' && m.contentType === 'text').map((m) => m.body);
      const h = botToHuman(recent, { repeatThreshold: deps.routing.botHandoff.repeatThreshold, ...(deps.routing.botHandoff.negativeWords ? { negativeWords: deps.routing.botHandoff.negativeWords } : {}) });
      if (h.handoff) {
        priority = higherPriority(priority ?? 'normal', 'high');
        tags.push(deps.routing.botHandoff.tag);
        await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'routing.handoff', objectType: 'conversation', objectId: conv.id, outcome: 'ok', detail: { reasons: h.reasons } });
      }
    }
    if (priority || tags.length) conv = await raiseConversation(tx, conv, { priority, addTags: tags }, meta);
    if (!quietAnswer && !createdConversation && (wasResolved || conv.assigneeId === null)) await deps.router.requeue(tx, conv, req, now);
  } else if (conv && (env.priority || env.addTags?.length)) {
    conv = await raiseConversation(tx, conv, { priority: env.priority, addTags: env.addTags, reopen: true }, meta);
  }
  for (const ref of env.ownRefs ?? []) if (conv) await tx.putChannelRef({ channel: env.channel, ref, conversationId: conv.id, messageId, createdAt: now });

  const result: AcceptedInbound = { duplicate: false, inboundId, contactId, conversationId: conv?.id ?? null, messageId, identityId: identity?.id ?? null, createdContact, createdConversation };
  if (env.extra) await env.extra(tx, result);

  const record: InboundRecordRow = {
    id: inboundId,
    channel: env.channel,
    dedupeKey: env.dedupeKey,
    receivedAt: now,
    state: messageId || env.consent || env.extra ? 'ingested' : 'ignored',
    reason: null,
    contactId,
    conversationId: conv?.id ?? null,
    messageId,
    raw: env.raw.length > MAX_RAW_CHARS ? `${env.raw.slice(0, MAX_RAW_CHARS)}\n…[truncated ${env.raw.length - MAX_RAW_CHARS} chars]` : env.raw,
    rawBytes: Buffer.byteLength(env.raw),
  };
  if (seen) await tx.updateInbound(seen.id, { state: record.state, contactId, conversationId: record.conversationId, messageId, reason: null });
  else await tx.insertInbound(record);
  return result;
}

import { appendAudit } from '../audit/audit';
import type { StoreTx } from '../store/store';
import type { ContactIdentityRow, ContactRow, ConversationRow, DeviceReadingRow, KnowledgeItemRow, MessageRow, RuleRow } from '../store/types';
import { emitContactSnapshot, emitConversationSnapshot, putConversation, putMessage, type ChangeMeta } from './changes';
import { PREVIEW_CHARS } from './mutations/message';

/**
 * Hub-side entry points for data that does not come from a workstation mutation
 * (channels, devices, the demo seed, the fault harness). Each runs inside the
 * caller's write transaction and writes its change-log rows and an audit record
 * (user null = the hub itself) in it; the caller pokes after the commit (use
 * `hub.write`, which does).
 */

async function audit(tx: StoreTx, meta: ChangeMeta, action: string, objectType: string, objectId: string, seq: number): Promise<void> {
  await appendAudit(tx, { at: meta.at, userId: meta.actorId ?? null, workstationId: null, action, objectType, objectId, outcome: 'ok', detail: { seq } });
}

export async function ingestContact(tx: StoreTx, contact: ContactRow, identities: ContactIdentityRow[], meta: ChangeMeta): Promise<number> {
  await tx.insertContact(contact);
  for (const i of identities) await tx.insertIdentity(i);
  const seq = await emitContactSnapshot(tx, contact.id, meta);
  await audit(tx, meta, 'ingest.contact', 'contact', contact.id, seq);
  return seq;
}

/** A new conversation arrives with its contact's rows (whoever sees it may not have seen the contact yet). */
export async function ingestConversation(tx: StoreTx, conv: ConversationRow, meta: ChangeMeta): Promise<number> {
  await tx.insertConversation(conv);
  const seq = await emitConversationSnapshot(tx, conv.id, meta);
  await audit(tx, meta, 'ingest.conversation', 'conversation', conv.id, seq);
  return seq;
}

export interface InboundMessage {
  conversationId: string;
  messageId: string;
  body: string;
  authorName: string | null;
  at: number;
  contentType?: string;
}

/** A patient's (or device's) message. It reopens a resolved or snoozed conversation and counts as unread. */
export async function ingestInbound(tx: StoreTx, m: InboundMessage, meta: ChangeMeta): Promise<number> {
  const conv = await tx.getConversation(m.conversationId);
  if (!conv) throw new Error(`conversation ${m.conversationId} missing`);
  const row: MessageRow = {
    id: m.messageId,
    conversationId: conv.id,
    direction: 'inbound',
    authorId: null,
    authorName: m.authorName,
    body: m.body,
    contentType: m.contentType ?? 'text',
    deliveryStatus: 'received',
    failureReason: null,
    createdAt: m.at,
    acceptedAt: meta.at,
    mutationId: null,
    recalledAt: null,
  };
  await tx.insertMessage(row);
  const status = conv.status === 'resolved' || conv.status === 'snoozed' ? 'open' : conv.status;
  const patch = {
    status,
    ...(status !== conv.status ? { snoozedUntil: null } : {}),
    unreadCount: conv.unreadCount + 1,
    lastMessageAt: Math.max(conv.lastMessageAt, m.at),
    lastMessagePreview: m.body.slice(0, PREVIEW_CHARS),
    updatedAt: meta.at,
  };
  await tx.updateConversation(conv.id, patch);
  await putMessage(tx, row, conv.contactId, meta);
  const seq = await putConversation(tx, { ...conv, ...patch }, meta, status !== conv.status ? { status: conv.status } : undefined);
  await audit(tx, meta, 'ingest.message', 'message', row.id, seq);
  return seq;
}

export async function ingestReading(tx: StoreTx, r: DeviceReadingRow, meta: ChangeMeta): Promise<number> {
  await tx.insertReading(r);
  const seq = await tx.appendChange({ ...meta, entity: 'device_reading', entityId: r.id, op: 'put', data: r, contactId: r.contactId });
  await audit(tx, meta, 'ingest.reading', 'device_reading', r.id, seq);
  return seq;
}

export async function publishKnowledgeItem(tx: StoreTx, k: KnowledgeItemRow, meta: ChangeMeta): Promise<number> {
  await tx.upsertKnowledgeItem(k);
  const seq = await tx.appendChange({ ...meta, entity: 'knowledge_item', entityId: k.id, op: 'put', data: k });
  await audit(tx, meta, 'knowledge.publish', 'knowledge_item', k.id, seq);
  return seq;
}

export async function publishRule(tx: StoreTx, r: RuleRow, meta: ChangeMeta): Promise<number> {
  await tx.upsertRule(r);
  const seq = await tx.appendChange({ ...meta, entity: 'rule', entityId: r.id, op: 'put', data: r });
  await audit(tx, meta, 'rule.publish', 'rule', r.id, seq);
  return seq;
}

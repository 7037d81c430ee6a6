import { HubErrorCode } from '../../../shared/sync/errors';
import { SYNC_LIMITS } from '../../../shared/sync/limits';
import { statusAfterReply } from '../../../shared/sync/rules';
import { putConversation, putMessage } from '../changes';
import type { MessageRow } from '../../store/types';
import { firstAttemptAt, planRoute } from '../../channels/outbound';
import { Rejection, visibleConversation, type Applier } from './types';
import { staffOwner } from '../attachments';
import { channelCarriesFiles, replyPreview } from '../../../shared/domain/files';

export const PREVIEW_CHARS = 120;

export const messageSend: Applier<'message.send'> = async (c, args) => {
  const conv = await visibleConversation(c, args.conversationId);
  if (await c.tx.getMessage(args.messageId)) throw new Rejection(HubErrorCode.idConflict, `Message id ${args.messageId} is taken`);
  // Opt-out is honoured at the hub, not only in the UI: if every identity of the
  // contact on this channel withdrew consent, nothing may be sent there.
  const doors = (await c.tx.identitiesOf(conv.contactId)).filter((i) => i.channel === conv.channel);
  if (doors.length > 0 && doors.every((i) => i.consent === 'withdrawn')) {
    throw new Rejection(HubErrorCode.consentWithdrawn, 'The patient withdrew consent on this channel');
  }
  // Where it will be delivered (the patient's own thread, or their preferred
  // channel for phone/device conversations); an opted-out route refuses it here.
  const route = await planRoute(c.tx, conv);
  if (route.kind === 'blocked') throw new Rejection(HubErrorCode.consentWithdrawn, 'The patient withdrew consent on the channel this reply would go to');
  // Files were uploaded beforehand by this user for this conversation (PUT /sync/attachments/:id).
  if (args.attachments.length && !channelCarriesFiles(route.channel)) throw new Rejection(HubErrorCode.attachmentUnsupported, `${route.channel} carries text only`);
  for (const f of args.attachments) {
    const a = await c.tx.getAttachment(f.id);
    if (!a || a.ownerKey !== staffOwner(c.auth.userId) || a.conversationId !== conv.id || a.sha256 !== f.sha256 || (a.messageId !== null && a.messageId !== args.messageId)) {
      throw new Rejection(HubErrorCode.attachmentMissing, `File ${f.filename} (${f.id}) was not uploaded for this conversation`);
    }
  }
  const message: MessageRow = {
    id: args.messageId,
    conversationId: conv.id,
    direction: 'outbound',
    authorId: c.auth.userId,
    authorName: c.auth.displayName,
    body: args.body,
    contentType: args.contentType,
    deliveryStatus: 'queued',
    failureReason: null,
    createdAt: c.now,
    acceptedAt: c.now,
    mutationId: c.meta.mutationId ?? null,
    recalledAt: null,
  };
  await c.tx.insertMessage(message);
  for (const f of args.attachments) await c.tx.bindAttachment(f.id, message.id, conv.id);
  // The channel send is due only after the recall window (hub/channels/outbound.ts).
  await c.tx.insertOutbound({
    messageId: message.id,
    conversationId: conv.id,
    channel: route.channel,
    identityId: route.identity?.id ?? null,
    state: 'waiting',
    attempts: 0,
    nextAttemptAt: firstAttemptAt(c.now),
    lastError: null,
    providerId: null,
    createdAt: c.now,
    updatedAt: c.now,
  });
  const status = statusAfterReply(conv.status);
  const preview = replyPreview(args.body, args.attachments.map((f) => f.filename), PREVIEW_CHARS);
  const updated = { ...conv, status, lastMessageAt: c.now, lastMessagePreview: preview, updatedAt: c.now };
  await c.tx.updateConversation(conv.id, { status, lastMessageAt: updated.lastMessageAt, lastMessagePreview: updated.lastMessagePreview, updatedAt: c.now });
  await putMessage(c.tx, message, conv.contactId, c.meta);
  // Only the status goes into `prev`: previews are message text, which a recall must be able to shred.
  const seq = await putConversation(c.tx, updated, c.meta, status !== conv.status ? { status: conv.status } : undefined);
  return {
    result: { seq, acceptedAt: c.now, messageId: message.id, conversationStatus: status, recallableUntil: c.now + SYNC_LIMITS.recallWindowMs },
    object: { type: 'message', id: message.id },
  };
};

export const messageRecall: Applier<'message.recall'> = async (c, args) => {
  const message = await c.tx.getMessage(args.messageId);
  if (!message) throw new Rejection(HubErrorCode.notFound, `Message ${args.messageId} not found or not visible`);
  const conv = await visibleConversation(c, message.conversationId);
  if (message.direction !== 'outbound' || message.authorId !== c.auth.userId) throw new Rejection(HubErrorCode.notRecallable, 'Only the author can recall an outbound message');
  if (message.recalledAt !== null) throw new Rejection(HubErrorCode.alreadyRecalled, 'Already recalled');
  // The window counts on the hub's clock from the hub's acceptance, never the client's.
  if (c.now - message.acceptedAt > SYNC_LIMITS.recallWindowMs) {
    throw new Rejection(HubErrorCode.recallWindowClosed, `Recall window of ${SYNC_LIMITS.recallWindowMs} ms has passed`);
  }
  await c.tx.shredMessage(message.id, c.now);
  // A recalled reply is never handed to the patient's channel.
  if ((await c.tx.getOutbound(message.id))?.state === 'waiting') await c.tx.updateOutbound(message.id, { state: 'cancelled', lastError: 'recalled', updatedAt: c.now });
  const shredded = (await c.tx.getMessage(message.id))!;
  const latest = (await c.tx.messagesOf(conv.id)).filter((m) => m.recalledAt === null).at(-1);
  const preview = latest ? latest.body.slice(0, PREVIEW_CHARS) : '';
  const updated = { ...conv, lastMessagePreview: preview, updatedAt: c.now };
  await c.tx.updateConversation(conv.id, { lastMessagePreview: preview, updatedAt: c.now });
  await putMessage(c.tx, shredded, conv.contactId, c.meta);
  const seq = await putConversation(c.tx, updated, c.meta);
  return { result: { seq, acceptedAt: c.now, messageId: message.id, recalledAt: c.now }, shredded: true, object: { type: 'message', id: message.id } };
};

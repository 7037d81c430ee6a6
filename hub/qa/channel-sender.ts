import type { HubContext } from '../app/context';
import type { Channels } from '../channels/runtime';
import { DeliveryFailure } from '../channels/errors';
import { planRoute, HELD_FOR_OWNER, TEXTABLE } from '../channels/outbound';
import type { MessageRow } from '../store/types';
import { putConversation, putMessage } from '../sync/changes';
import { PREVIEW_CHARS } from '../sync/mutations/message';
import type { SurveySender } from './surveys';
import { SURVEY_CONTENT_TYPE, surveyAuthor, surveyLanguage, surveyMessageId, surveyText } from './survey-wording';

/** Why a survey was not sent on a channel that cannot carry one (a PBX call record, a glucometer). */
export const CHANNEL_UNSUPPORTED = 'channel_unsupported';

type SendRequest = Parameters<SurveySender['send']>[0];
type SendResult = Awaited<ReturnType<SurveySender['send']>>;

/**
 * The hub's SurveySender: a survey goes to the patient on the channel they used,
 * on the path a staff reply takes. It is written into the conversation as a
 * message (`contentType: 'survey'`, no author, in the patient's language — so the
 * agent sees it and its delivery status) with a `channel_outbox` row, and handed
 * to the channel adapter by the outbound dispatcher (`sendNow`: same claim, same
 * adapter `send`, same timeout and write-back; the message id — one per survey —
 * is the idempotency key, so a retry is the same SMS/e-mail/widget message).
 *
 * Refusals (`{ok:false}`): `channel_unsupported` (phone, device), the channel not
 * configured on this hub, no address, consent withdrawn since the survey was
 * planned, a permanent channel refusal, or the last attempt failing. A temporary
 * failure throws, so the scheduler retries it (`SURVEY_MAX_ATTEMPTS`); meanwhile
 * the outbox row is held (never sent by the poll loop).
 */
export class ChannelSurveySender implements SurveySender {
  constructor(
    private readonly ctx: HubContext,
    private readonly channels: Pick<Channels, 'adapters' | 'dispatcher' | 'runtime'>,
  ) {}

  async send(req: SendRequest): Promise<SendResult> {
    if (!TEXTABLE.includes(req.channel)) return { ok: false, reason: CHANNEL_UNSUPPORTED };
    if (!this.channels.adapters.get(req.channel)?.send) return { ok: false, reason: DeliveryFailure.notConfigured };
    const prepared = await this.prepare(req);
    if ('refused' in prepared) return { ok: false, reason: prepared.refused };
    const outcome = await this.channels.dispatcher.sendNow(prepared.messageId, { final: req.attempt >= req.maxAttempts });
    if (outcome.status === 'sent' || outcome.status === 'delivered') return { ok: true };
    if (outcome.status === 'failed') return { ok: false, reason: outcome.reason };
    throw new Error(outcome.reason);
  }

  /** Writes the survey message and its outbox row once (a retry finds them); refuses what cannot be routed. */
  private async prepare(req: SendRequest): Promise<{ messageId: string } | { refused: string }> {
    const messageId = surveyMessageId(req.surveyId);
    return this.channels.runtime.write(async (tx) => {
      if (await tx.getMessage(messageId)) return { messageId };
      const conv = await tx.getConversation(req.conversationId);
      if (!conv || conv.contactId !== req.contactId) return { refused: 'conversation_missing' };
      const route = await planRoute(tx, conv);
      if (route.kind === 'blocked') return { refused: DeliveryFailure.consentWithdrawn };
      if (route.channel !== req.channel || !route.identity) return { refused: DeliveryFailure.noRoute };
      const now = this.ctx.now();
      const patientTexts = (await tx.lastMessages(conv.id, 20)).filter((m) => m.direction === 'inbound' && m.recalledAt === null && m.contentType !== 'call').map((m) => m.body);
      const lang = surveyLanguage(patientTexts);
      const body = surveyText(req.kind, lang, req.channel, this.ctx.config.channels.sms.optOutWords);
      const message: MessageRow = {
        id: messageId,
        conversationId: conv.id,
        direction: 'outbound',
        authorId: null,
        authorName: surveyAuthor(lang),
        body,
        contentType: SURVEY_CONTENT_TYPE,
        deliveryStatus: 'queued',
        failureReason: null,
        createdAt: now,
        acceptedAt: now,
        mutationId: null,
        recalledAt: null,
      };
      await tx.insertMessage(message);
      await tx.insertOutbound({
        messageId,
        conversationId: conv.id,
        channel: route.channel,
        identityId: route.identity.id,
        state: 'waiting',
        attempts: 0,
        // Sent by sendNow below; retried by the survey scheduler, never by the poll loop.
        nextAttemptAt: HELD_FOR_OWNER,
        lastError: null,
        providerId: null,
        createdAt: now,
        updatedAt: now,
      });
      // The conversation keeps its status: a survey is not a reply that reopens it.
      const patch = { lastMessageAt: Math.max(conv.lastMessageAt, now), lastMessagePreview: body.slice(0, PREVIEW_CHARS), updatedAt: now };
      await tx.updateConversation(conv.id, patch);
      const meta = { at: now, actorId: null };
      await putMessage(tx, message, conv.contactId, meta);
      await putConversation(tx, { ...conv, ...patch }, meta);
      return { messageId };
    });
  }
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { okBody } from '../../http/errors';
import type { ChannelsConfig } from '../config';
import { ChannelError, ChannelErrorCode } from '../errors';
import { decodeStructured, rawOf, reject, verifyWebhook } from '../http';
import { normalizePhone } from '../identity';
import { parseTime } from '../sms/adapter';
import type { ChannelAdapter, ChannelRuntime, InboundEnvelope } from '../types';

type PhoneConfig = ChannelsConfig['phone'];

export const PBX_MAX_BODY = 256 * 1024;

export const dispositions = ['answered', 'missed', 'no_answer', 'busy', 'voicemail', 'failed'] as const;
export const callEvent = z.strictObject({
  callId: z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/),
  direction: z.enum(['inbound', 'outbound']),
  caller: z.string().min(3).max(40),
  callee: z.string().min(1).max(40),
  startedAt: z.union([z.number().nonnegative(), z.string().min(1).max(40)]),
  durationSeconds: z.number().int().min(0).max(86_400).default(0),
  disposition: z.enum(dispositions),
  recordingUrl: z.url().max(2000).optional(),
  transcript: z.string().max(20_000).optional(),
  agent: z.string().max(60).optional(),
});
export type CallEvent = z.infer<typeof callEvent>;

const DISPOSITION_ZH: Record<CallEvent['disposition'], string> = {
  answered: '已接通',
  missed: '未接',
  no_answer: '无人接听',
  busy: '占线',
  voicemail: '语音留言',
  failed: '呼叫失败',
};

/** An inbound call nobody took: the patient is waiting for a call back. */
export function isMissed(e: Pick<CallEvent, 'direction' | 'disposition'>): boolean {
  return e.direction === 'inbound' && e.disposition !== 'answered';
}

export function duration(s: number): string {
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}分${s % 60}秒` : `${s}秒`;
}

/** The timeline text of a call record. */
export function callBody(e: CallEvent): string {
  const lines = [`${e.direction === 'inbound' ? '来电' : '去电'} · ${DISPOSITION_ZH[e.disposition]}${e.durationSeconds > 0 ? ` · ${duration(e.durationSeconds)}` : ''}${e.agent ? ` · 坐席 ${e.agent}` : ''}`];
  if (isMissed(e)) lines.push('需回拨');
  if (e.recordingUrl) lines.push(`录音：${e.recordingUrl}`);
  if (e.transcript) lines.push(`转写：${e.transcript}`);
  return lines.join('\n');
}

/**
 * Phone records from the PBX (`POST /channels/phone/events`, HMAC-signed JSON,
 * one event per finished call). Each call becomes a `call` message in the
 * patient's phone conversation (found by the caller's — or, outbound, the
 * callee's — number); a missed inbound call raises the conversation, tags it
 * `回拨` and puts it in the queue as a callback task.
 */
export class PhoneAdapter implements ChannelAdapter {
  readonly channel = 'phone' as const;

  constructor(
    private readonly rt: ChannelRuntime,
    private readonly cfg: PhoneConfig,
  ) {}

  envelope(e: CallEvent, raw: string): InboundEnvelope {
    const number = normalizePhone(e.direction === 'inbound' ? e.caller : e.callee);
    if (!number) throw new ChannelError(ChannelErrorCode.badPayload, `${e.direction === 'inbound' ? 'caller' : 'callee'} is not a phone number`);
    const missed = isMissed(e);
    return {
      channel: 'phone',
      dedupeKey: `call:${e.callId}`,
      raw,
      at: parseTime(e.startedAt, this.rt.ctx.now()),
      from: { externalId: number, verified: true, displayName: null },
      linkChannels: ['sms'],
      message: { body: callBody(e), contentType: 'call', authorName: e.direction === 'outbound' ? (e.agent ?? null) : null, direction: e.direction === 'outbound' ? 'outbound' : 'inbound' },
      ...(missed ? { priority: 'high' as const, addTags: [this.cfg.callbackTag] } : {}),
    };
  }

  routes(app: FastifyInstance): void {
    app.post('/channels/phone/events', { config: { channel: 'phone' }, bodyLimit: PBX_MAX_BODY }, async (req, reply) => {
      try {
        const raw = rawOf(req);
        verifyWebhook(req, this.cfg.webhookSecret!, raw, this.rt.ctx.now(), this.cfg.maxClockSkewSeconds);
        const parsed = callEvent.safeParse(decodeStructured(req, raw));
        if (!parsed.success) throw new ChannelError(ChannelErrorCode.badPayload, `Bad call event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 300)}`);
        const r = await this.rt.accept(this.envelope(parsed.data, raw.toString('utf8')));
        return okBody({ conversationId: r.conversationId, messageId: r.messageId, duplicate: r.duplicate, callback: isMissed(parsed.data) });
      } catch (e) {
        return reject(req, reply, e, this.rt.log);
      }
    });
  }
}

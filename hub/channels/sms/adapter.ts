import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { okBody } from '../../http/errors';
import type { ChannelsConfig } from '../config';
import { ChannelError, ChannelErrorCode } from '../errors';
import { decodeStructured, rawOf, reject, verifyWebhook } from '../http';
import { normalizePhone } from '../identity';
import type { ChannelAdapter, ChannelRuntime, InboundEnvelope, OutboundJob, SendOutcome } from '../types';

type SmsConfig = ChannelsConfig['sms'];

export const SMS_MAX_BODY = 256 * 1024;
const str = z.union([z.string(), z.number()]).transform(String);

/** One inbound SMS, accepting the field names common gateways use. */
const inboundSms = z
  .object({
    from: str.optional(),
    mobile: str.optional(),
    phone: str.optional(),
    to: str.optional(),
    text: z.string().optional(),
    content: z.string().optional(),
    body: z.string().optional(),
    id: str.optional(),
    messageId: str.optional(),
    msgid: str.optional(),
    receivedAt: z.union([z.number(), z.string()]).optional(),
  })
  .transform((m, ctx) => {
    const from = m.from ?? m.mobile ?? m.phone;
    const text = m.text ?? m.content ?? m.body;
    const id = m.messageId ?? m.id ?? m.msgid;
    if (!from) ctx.addIssue({ code: 'custom', message: 'from (or mobile/phone) is required' });
    if (text === undefined) ctx.addIssue({ code: 'custom', message: 'text (or content/body) is required' });
    if (!id) ctx.addIssue({ code: 'custom', message: 'messageId (or id/msgid) is required' });
    return { from: from ?? '', text: text ?? '', id: id ?? '', receivedAt: m.receivedAt };
  });

const statusReport = z.object({
  messageId: str.optional(),
  id: str.optional(),
  clientRef: str.optional(),
  status: z.string().min(1),
  error: z.string().optional(),
});

const DELIVERED = new Set(['delivered', 'delivrd', 'success', 'ok', '0', 'sent']);
const FAILED = new Set(['failed', 'undeliv', 'undelivered', 'rejected', 'rejectd', 'expired', 'error']);

export function parseTime(v: number | string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  if (typeof v === 'number' || /^\d+$/.test(v)) {
    const n = Number(v);
    return n < 1e12 ? n * 1000 : n;
  }
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : fallback;
}

/**
 * SMS through an HTTP gateway. Inbound: `POST /channels/sms/inbound` (JSON or
 * form, HMAC-signed, one message or `{messages:[…]}`); opt-out words withdraw
 * consent on the sender's number (later replies are refused with
 * `sync.consent_withdrawn`). Delivery reports: `POST /channels/sms/status`.
 * Outbound: `POST <gateway.url>` with `clientRef`/`Idempotency-Key` = message id.
 */
export class SmsAdapter implements ChannelAdapter {
  readonly channel = 'sms' as const;

  constructor(
    private readonly rt: ChannelRuntime,
    private readonly cfg: SmsConfig,
  ) {}

  consentWordOf(text: string): 'withdrawn' | 'granted' | null {
    const t = text.normalize('NFKC').trim().toUpperCase();
    if (this.cfg.optOutWords.some((w) => w.normalize('NFKC').trim().toUpperCase() === t)) return 'withdrawn';
    if (this.cfg.optInWords.some((w) => w.normalize('NFKC').trim().toUpperCase() === t)) return 'granted';
    return null;
  }

  envelope(m: z.infer<typeof inboundSms>, raw: string): InboundEnvelope {
    const phone = normalizePhone(m.from);
    if (!phone) throw new ChannelError(ChannelErrorCode.badPayload, 'from is not a phone number');
    if (m.text.length > 5000) throw new ChannelError(ChannelErrorCode.tooLarge, 'SMS text longer than 5000 characters');
    const consent = this.consentWordOf(m.text);
    return {
      channel: 'sms',
      dedupeKey: `sms:${m.id}`,
      raw,
      at: parseTime(m.receivedAt, this.rt.ctx.now()),
      from: { externalId: phone, verified: true, displayName: null },
      linkChannels: ['phone'],
      message: { body: m.text, contentType: 'text', authorName: null },
      ...(consent ? { consent } : {}),
    };
  }

  routes(app: FastifyInstance): void {
    const config = { channel: 'sms' };
    app.post('/channels/sms/inbound', { config, bodyLimit: SMS_MAX_BODY }, async (req, reply) => {
      try {
        const raw = rawOf(req);
        verifyWebhook(req, this.cfg.webhookSecret!, raw, this.rt.ctx.now(), this.cfg.maxClockSkewSeconds);
        const body = decodeStructured(req, raw);
        const list: unknown[] = Array.isArray(body.messages) ? body.messages : [body];
        if (list.length === 0 || list.length > 100) throw new ChannelError(ChannelErrorCode.badPayload, '1..100 messages per request');
        const envs = list.map((item, index) => {
          const m = inboundSms.safeParse(item);
          if (!m.success) throw new ChannelError(ChannelErrorCode.badPayload, `messages[${index}]: ${m.error.issues[0]?.message ?? 'invalid'}`);
          return this.envelope(m.data, JSON.stringify(item));
        });
        // All or nothing: the gateway retries the whole request on any failure.
        const results = await this.rt.write(async (tx) => {
          const out = [];
          for (const e of envs) out.push(await this.rt.acceptIn(tx, e));
          return out;
        });
        return okBody({ accepted: results.map((r) => ({ messageId: r.messageId, duplicate: r.duplicate })) });
      } catch (e) {
        return reject(req, reply, e, this.rt.log);
      }
    });

    app.post('/channels/sms/status', { config, bodyLimit: SMS_MAX_BODY }, async (req, reply) => {
      try {
        const raw = rawOf(req);
        verifyWebhook(req, this.cfg.webhookSecret!, raw, this.rt.ctx.now(), this.cfg.maxClockSkewSeconds);
        const r = statusReport.safeParse(decodeStructured(req, raw));
        if (!r.success) throw new ChannelError(ChannelErrorCode.badPayload, r.error.issues[0]?.message ?? 'invalid status report');
        const s = r.data.status.trim().toLowerCase();
        const status = DELIVERED.has(s) ? 'delivered' : FAILED.has(s) ? 'failed' : null;
        if (!status) throw new ChannelError(ChannelErrorCode.badPayload, `Unknown status ${r.data.status.slice(0, 40)}`);
        const providerId = r.data.messageId ?? r.data.id;
        const messageId = r.data.clientRef ?? (providerId ? (await this.rt.ctx.store.read((x) => x.outboundByProvider('sms', providerId)))?.messageId : undefined);
        if (!messageId) throw new ChannelError(ChannelErrorCode.notFound, 'No outbound SMS with that id');
        const updated = await this.rt.receipt(messageId, status, status === 'failed' ? `channel.sms_undelivered:${(r.data.error ?? s).slice(0, 60)}` : null);
        if (!updated) throw new ChannelError(ChannelErrorCode.notFound, 'No outbound SMS with that id');
        return okBody({ messageId, status });
      } catch (e) {
        return reject(req, reply, e, this.rt.log);
      }
    });
  }

  async send(job: OutboundJob): Promise<SendOutcome> {
    const gw = this.cfg.gateway;
    if (!gw) return { status: 'failed', reason: 'channel.not_configured' };
    const to = job.identity?.externalId;
    if (!to) return { status: 'failed', reason: 'channel.no_route' };
    let res: Response;
    try {
      res = await fetch(gw.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'idempotency-key': job.message.id,
          ...(gw.apiKey ? { authorization: `Bearer ${gw.apiKey}` } : {}),
          ...gw.headers,
        },
        body: JSON.stringify({ to, text: job.message.body, clientRef: job.message.id }),
        signal: AbortSignal.timeout(gw.timeoutMs),
      });
    } catch {
      return { status: 'retry', reason: 'channel.sms_unreachable' };
    }
    const text = await res.text().catch(() => '');
    let body: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      /* a gateway answering text: the status code decides */
    }
    if (res.status === 429 || res.status >= 500) {
      const after = Number(res.headers.get('retry-after'));
      return { status: 'retry', reason: `channel.sms_http_${res.status}`, ...(Number.isFinite(after) && after > 0 ? { retryAfterMs: Math.min(after, 3600) * 1000 } : {}) };
    }
    if (!res.ok) {
      const code = typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : String(res.status);
      return { status: 'failed', reason: `channel.sms_rejected:${code.slice(0, 60)}` };
    }
    const id = body.messageId ?? body.id ?? null;
    return { status: 'sent', providerId: id === null ? null : String(id) };
  }
}

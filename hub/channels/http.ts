import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorBody } from '../http/errors';
import { ChannelError, ChannelErrorCode } from './errors';

/**
 * HTTP plumbing shared by the channel adapters: the signed-webhook scheme, body
 * decoding (JSON or form), and rejections that always log one clear line and
 * answer in the protocol's own way.
 */

export const SIGNATURE_HEADER = 'x-lantern-signature';
export const TIMESTAMP_HEADER = 'x-lantern-timestamp';

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with the unix-seconds timestamp header. */
export function signWebhook(secret: string, rawBody: string | Buffer, nowMs: number): Record<string, string> {
  const ts = String(Math.floor(nowMs / 1000));
  const mac = createHmac('sha256', secret).update(`${ts}.`).update(rawBody).digest('hex');
  return { [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: `sha256=${mac}` };
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Refuses a webhook whose signature is missing/wrong (401) or whose timestamp is outside the allowed skew (409 replay). */
export function verifyWebhook(req: FastifyRequest, secret: string, raw: Buffer, nowMs: number, maxSkewSeconds: number): void {
  const ts = header(req, TIMESTAMP_HEADER);
  const sig = header(req, SIGNATURE_HEADER);
  if (!ts || !sig || !/^\d{1,12}$/.test(ts) || !/^sha256=[0-9a-f]{64}$/.test(sig)) throw new ChannelError(ChannelErrorCode.badSignature, 'Missing or malformed X-Lantern-Timestamp / X-Lantern-Signature');
  const expected = Buffer.from(createHmac('sha256', secret).update(`${ts}.`).update(raw).digest('hex'));
  const given = Buffer.from(sig.slice(7));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ChannelError(ChannelErrorCode.badSignature, 'Signature does not match the body');
  if (Math.abs(nowMs / 1000 - Number(ts)) > maxSkewSeconds) throw new ChannelError(ChannelErrorCode.replay, `Timestamp outside ±${maxSkewSeconds}s (replayed or clock skew)`);
}

/** The raw body as the channel scope hands it over (a Buffer, or nothing). */
export function rawOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

const noProto = (k: string, v: unknown) => (k === '__proto__' || k === 'constructor' || k === 'prototype' ? undefined : v);

/** JSON or `application/x-www-form-urlencoded` into a plain object (never a prototype). */
export function decodeStructured(req: FastifyRequest, raw: Buffer): Record<string, unknown> {
  const type = (header(req, 'content-type') ?? '').toLowerCase();
  const text = raw.toString('utf8');
  if (type.includes('application/json') || type.includes('+json')) {
    let v: unknown;
    try {
      v = JSON.parse(text, noProto);
    } catch {
      throw new ChannelError(ChannelErrorCode.malformed, 'The body is not valid JSON');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ChannelError(ChannelErrorCode.badPayload, 'Expected a JSON object');
    return v as Record<string, unknown>;
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of new URLSearchParams(text)) if (noProto(k, v) !== undefined) out[k] = v;
    return { ...out };
  }
  throw new ChannelError(ChannelErrorCode.unsupportedMedia, 'Send application/json or application/x-www-form-urlencoded');
}

export interface ChannelRouteConfig {
  channel: string;
  /** How errors are answered: the hub's JSON envelope, or plain text (WeChat). */
  style?: 'json' | 'text';
}

function routeConfig(req: FastifyRequest): ChannelRouteConfig {
  const c = req.routeOptions?.config as Partial<ChannelRouteConfig> | undefined;
  return { channel: c?.channel ?? 'channels', style: c?.style ?? 'json' };
}

export function toChannelError(err: unknown, log: Logger): ChannelError {
  if (err instanceof ChannelError) return err;
  const e = err as FastifyError;
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ChannelError(ChannelErrorCode.tooLarge, 'Body larger than this endpoint accepts');
  if (e?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new ChannelError(ChannelErrorCode.malformed, 'Bad request body');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return new ChannelError(ChannelErrorCode.malformed, String(e.message).slice(0, 200));
  log.error({ err }, 'channel request failed');
  return new ChannelError(ChannelErrorCode.internal, 'Internal error (logged); retry later');
}

/** Logs one line for the refusal and answers it in the route's style. */
export function reject(req: FastifyRequest, reply: FastifyReply, err: unknown, log: Logger): FastifyReply {
  const { channel, style } = routeConfig(req);
  const ce = toChannelError(err, log);
  const line = { channel, code: ce.code, status: ce.status, reason: ce.message, method: req.method, url: req.url.split('?')[0], ip: req.ip };
  if (ce.status >= 500) log.error(line, 'channel request failed');
  else log.warn(line, 'channel request rejected');
  if (style === 'text') return reply.code(ce.status).type('text/plain; charset=utf-8').send(ce.code);
  return reply.code(ce.status).send(errorBody(ce.code, ce.message, ce.details));
}

/**
 * The scope channel routes live in: bodies arrive as raw Buffers (signatures are
 * over the exact bytes; each adapter decodes its own format), and any error —
 * including Fastify's own (body too large) — goes through `reject`.
 */
export async function channelScope(app: FastifyInstance, log: Logger, register: (scope: FastifyInstance) => void): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err, req, reply) => reject(req, reply, err, log));
    register(scope);
  });
}

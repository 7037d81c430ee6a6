import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ulid } from 'ulid';
import type { ChannelsConfig } from '../config';
import { ChannelError, ChannelErrorCode } from '../errors';
import { rawOf, reject } from '../http';
import type { ChannelAdapter, ChannelRuntime, OutboundJob, SendOutcome } from '../types';
import { WxApi } from './api';
import { WxBizMsgCrypt, WxCryptoError, sha1Signature, signatureMatches } from './crypto';
import { meaningOf, normalizeWx, parseWxXml, wxDedupeKey, type WxInbound } from './xml';

type WechatConfig = ChannelsConfig['wechat'];
type WecomConfig = ChannelsConfig['wecom'];
type Kind = 'wechat' | 'wecom';

/** Callback bodies are small; anything bigger is not Tencent. */
export const WX_MAX_BODY = 64 * 1024;

interface Query {
  signature?: string;
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
  encrypt_type?: string;
}

/**
 * WeChat official account (`/channels/wechat/callback`) and WeCom
 * (`/channels/wecom/callback`): URL verification (GET echostr), signature check,
 * safe-mode decryption, XML parsing. The decrypted payload is journaled
 * (persisted, de-duplicated by MsgId) and "success" answered at once — Tencent
 * retries after 5 s — then processed; journaled rows left by a crash are
 * finished at the next start. Outbound through the customer-service / app message API.
 */
export class WechatAdapter implements ChannelAdapter {
  readonly channel: Kind;
  readonly api: WxApi;
  private readonly crypt: WxBizMsgCrypt | null;
  private readonly processing = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly rt: ChannelRuntime,
    kind: Kind,
    private readonly cfg: WechatConfig | WecomConfig,
  ) {
    this.channel = kind;
    const receiveId = kind === 'wechat' ? (cfg as WechatConfig).appId! : (cfg as WecomConfig).corpId!;
    this.crypt = cfg.encodingAesKey ? new WxBizMsgCrypt(cfg.token!, cfg.encodingAesKey, receiveId) : null;
    this.api = new WxApi(
      {
        kind,
        apiBase: cfg.apiBase,
        id: receiveId,
        secret: kind === 'wechat' ? (cfg as WechatConfig).appSecret! : (cfg as WecomConfig).corpSecret!,
        agentId: kind === 'wecom' ? (cfg as WecomConfig).agentId : undefined,
        timeoutMs: cfg.timeoutMs,
      },
      rt.log,
      rt.ctx.now,
    );
  }

  private get mode(): 'safe' | 'compat' | 'plain' {
    return this.channel === 'wecom' ? 'safe' : (this.cfg as WechatConfig).mode;
  }

  private checkTimestamp(ts: string | undefined): void {
    if (!ts || !/^\d{1,12}$/.test(ts)) throw new ChannelError(ChannelErrorCode.badSignature, 'Missing or bad timestamp');
    if (Math.abs(this.rt.ctx.now() / 1000 - Number(ts)) > this.cfg.maxClockSkewSeconds) throw new ChannelError(ChannelErrorCode.replay, 'Timestamp outside the allowed window');
  }

  private cryptError(e: unknown): never {
    if (e instanceof WxCryptoError) {
      if (e.code === 'bad_signature') throw new ChannelError(ChannelErrorCode.badSignature, 'msg_signature does not match');
      throw new ChannelError(ChannelErrorCode.malformed, `Cannot decrypt: ${e.code}`);
    }
    throw e;
  }

  routes(app: FastifyInstance): void {
    const url = `/channels/${this.channel}/callback`;
    const config = { channel: this.channel, style: 'text' as const };
    app.get(url, { config }, async (req, reply) => {
      try {
        return reply.type('text/plain; charset=utf-8').send(this.verifyUrl(req.query as Query));
      } catch (e) {
        return reject(req, reply, e, this.rt.log);
      }
    });
    app.post(url, { config, bodyLimit: WX_MAX_BODY }, async (req, reply) => {
      try {
        return await this.receive(req, reply);
      } catch (e) {
        return reject(req, reply, e, this.rt.log);
      }
    });
  }

  /** GET: the echo string back (decrypted in safe mode / WeCom) if the signature holds. */
  verifyUrl(q: Query): string {
    const echostr = q.echostr;
    if (!echostr || !q.timestamp || !q.nonce) throw new ChannelError(ChannelErrorCode.badPayload, 'Missing echostr/timestamp/nonce');
    this.checkTimestamp(q.timestamp);
    if (q.msg_signature && this.crypt) {
      try {
        return this.crypt.verifyUrl(q.msg_signature, q.timestamp, q.nonce, echostr);
      } catch (e) {
        this.cryptError(e);
      }
    }
    if (this.channel === 'wecom') throw new ChannelError(ChannelErrorCode.badSignature, 'WeCom verification needs msg_signature');
    // Official account: plain signature over token, timestamp, nonce; echostr comes back as is.
    if (!signatureMatches(sha1Signature(this.cfg.token!, q.timestamp, q.nonce), q.signature)) throw new ChannelError(ChannelErrorCode.badSignature, 'signature does not match');
    return echostr;
  }

  /** Verifies and decrypts a POST body into the payload XML (plaintext). */
  openBody(q: Query, body: string): string {
    if (!q.timestamp || !q.nonce) throw new ChannelError(ChannelErrorCode.badSignature, 'Missing timestamp/nonce');
    this.checkTimestamp(q.timestamp);
    const outer = parseWxXml(body);
    const encrypted = outer.Encrypt;
    if (encrypted !== undefined) {
      if (!this.crypt) throw new ChannelError(ChannelErrorCode.badPayload, 'Encrypted callback but no EncodingAESKey configured');
      try {
        this.crypt.verify(q.msg_signature, q.timestamp, q.nonce, encrypted);
        return this.crypt.decrypt(encrypted);
      } catch (e) {
        this.cryptError(e);
      }
    }
    if (this.mode === 'safe') throw new ChannelError(ChannelErrorCode.badSignature, 'Plaintext callback refused in safe mode');
    if (!signatureMatches(sha1Signature(this.cfg.token!, q.timestamp, q.nonce), q.signature)) throw new ChannelError(ChannelErrorCode.badSignature, 'signature does not match');
    return body;
  }

  private async receive(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const plain = this.openBody(req.query as Query, rawOf(req).toString('utf8'));
    const msg = normalizeWx(parseWxXml(plain));
    const key = wxDedupeKey(msg);
    // Journal first (durable, de-duplicated), answer, then process.
    const journaled = await this.rt.ctx.store.write(async (tx) => {
      const seen = await tx.getInbound(this.channel, key);
      if (seen) return { id: seen.id, fresh: seen.state === 'pending' };
      const id = `in-${ulid()}`;
      await tx.insertInbound({ id, channel: this.channel, dedupeKey: key, receivedAt: this.rt.ctx.now(), state: 'pending', reason: null, contactId: null, conversationId: null, messageId: null, raw: plain, rawBytes: Buffer.byteLength(plain) });
      return { id, fresh: true };
    });
    if (journaled.fresh) this.schedule(msg, key, plain);
    else this.rt.log.info({ channel: this.channel, key }, 'duplicate callback (Tencent retry) acknowledged');
    return reply.type('text/plain; charset=utf-8').send('success');
  }

  private schedule(msg: WxInbound, key: string, plain: string): void {
    if (this.stopped) return;
    const p = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.process(msg, key, plain));
    this.processing.add(p);
    void p.finally(() => this.processing.delete(p));
  }

  /** Turns a journaled callback into inbox rows (idempotent: a processed row is not processed again). */
  async process(msg: WxInbound, key: string, plain: string): Promise<void> {
    const meaning = meaningOf(msg, this.channel === 'wechat' ? (this.cfg as WechatConfig).menuDepartments : {});
    try {
      await this.rt.accept({
        channel: this.channel,
        dedupeKey: key,
        raw: plain,
        at: msg.createTime * 1000,
        from: { externalId: msg.fromUser, verified: true, displayName: null },
        message: meaning.message ? { ...meaning.message, authorName: null } : null,
        ...(meaning.onlyExisting ? { onlyExisting: true } : {}),
        ...(meaning.consent ? { consent: meaning.consent } : {}),
        department: meaning.department ?? null,
      });
    } catch (e) {
      this.rt.log.error({ err: e, channel: this.channel, key }, 'journaled callback could not be processed');
      await this.rt.ctx.store
        .write(async (tx) => {
          const row = await tx.getInbound(this.channel, key);
          if (row?.state === 'pending') await tx.updateInbound(row.id, { state: 'failed', reason: String((e as Error).message).slice(0, 300) });
        })
        .catch(() => undefined);
    }
  }

  async start(): Promise<void> {
    const pending = await this.rt.ctx.store.read((r) => r.inboundInState('pending', 10_000));
    for (const row of pending.filter((r) => r.channel === this.channel)) {
      try {
        await this.process(normalizeWx(parseWxXml(row.raw)), row.dedupeKey, row.raw);
      } catch (e) {
        this.rt.log.error({ err: e, id: row.id }, 'journaled callback unreadable');
      }
    }
    if (pending.length) this.rt.log.info({ channel: this.channel, n: pending.length }, 'finished callbacks journaled before a restart');
  }

  /** Resolves when callbacks acknowledged so far are processed (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.processing.size > 0) await Promise.allSettled([...this.processing]);
  }

  async send(job: OutboundJob): Promise<SendOutcome> {
    const to = job.identity?.externalId;
    if (!to) return { status: 'failed', reason: 'channel.no_route' };
    return this.api.sendText(to, job.message.body);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }
}

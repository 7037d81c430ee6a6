import type { Logger } from 'pino';
import { DeliveryFailure } from '../errors';
import type { SendOutcome } from '../types';

export interface WxApiConfig {
  kind: 'wechat' | 'wecom';
  apiBase: string;
  /** AppID + AppSecret (official account) or CorpID + CorpSecret (WeCom). */
  id: string;
  secret: string;
  agentId?: number | undefined;
  timeoutMs: number;
}

/** errcodes meaning "your access_token is invalid/expired": fetch a new one and retry once. */
export const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);
/** Temporary: system busy, rate limits. */
const RETRY_ERRCODES = new Set([-1, 45009, 45011, 45033]);

interface TokenState {
  value: string;
  expiresAt: number;
}

export class WxApiError extends Error {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(message);
    this.name = 'WxApiError';
  }
}

/**
 * Tencent's server API for outbound messages: access_token cached until 5 minutes
 * before it expires (one fetch at a time), fetched again when a call answers
 * 40001/42001/40014; the customer-service message API (official account,
 * `/cgi-bin/message/custom/send`) or the application message API (WeCom,
 * `/cgi-bin/message/send`). `apiBase` is configurable (tests use a stand-in).
 */
export class WxApi {
  private token: TokenState | null = null;
  private fetching: Promise<string> | null = null;
  tokenFetches = 0;

  constructor(
    private readonly cfg: WxApiConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  private async getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.cfg.timeoutMs) });
    if (res.status >= 500) throw new WxApiError(-1, `HTTP ${res.status}`);
    if (!res.ok) throw new WxApiError(-2, `HTTP ${res.status}`);
    const body = (await res.json()) as unknown;
    if (typeof body !== 'object' || body === null) throw new WxApiError(-1, 'Not a JSON object');
    return body as Record<string, unknown>;
  }

  async accessToken(force = false): Promise<string> {
    if (!force && this.token && this.token.expiresAt > this.now()) return this.token.value;
    if (force) this.token = null;
    this.fetching ??= (async () => {
      try {
        this.tokenFetches++;
        const base = this.cfg.apiBase.replace(/\/$/, '');
        const url =
          this.cfg.kind === 'wechat'
            ? `${base}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(this.cfg.id)}&secret=${encodeURIComponent(this.cfg.secret)}`
            : `${base}/cgi-bin/gettoken?corpid=${encodeURIComponent(this.cfg.id)}&corpsecret=${encodeURIComponent(this.cfg.secret)}`;
        const body = await this.getJson(url);
        const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
        if (errcode !== 0 || typeof body.access_token !== 'string') throw new WxApiError(errcode || -1, `token: ${String(body.errmsg ?? 'no access_token')}`);
        const ttl = typeof body.expires_in === 'number' ? body.expires_in : 7200;
        this.token = { value: body.access_token, expiresAt: this.now() + Math.max(60, ttl - 300) * 1000 };
        return body.access_token;
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  private outcomeOf(errcode: number, errmsg: string, msgid: unknown): SendOutcome {
    if (errcode === 0) return { status: 'sent', providerId: msgid === undefined || msgid === null ? null : String(msgid) };
    if (RETRY_ERRCODES.has(errcode)) return { status: 'retry', reason: `channel.${this.cfg.kind}_busy:${errcode}` };
    if (errcode === 45015 || errcode === 45047) return { status: 'failed', reason: DeliveryFailure.windowClosed };
    if (errcode === 43004 || errcode === 43019) return { status: 'failed', reason: `channel.${this.cfg.kind}_unsubscribed` };
    if (errcode === 40003 || errcode === 81013) return { status: 'failed', reason: DeliveryFailure.badAddress };
    this.log.warn({ channel: this.cfg.kind, errcode, errmsg: errmsg.slice(0, 200) }, 'wechat api refused a message');
    return { status: 'failed', reason: `channel.${this.cfg.kind}_error:${errcode}` };
  }

  /** Sends a text; fetches a fresh token and retries once if the cached one was refused. */
  async sendText(toUser: string, content: string): Promise<SendOutcome> {
    const base = this.cfg.apiBase.replace(/\/$/, '');
    const path = this.cfg.kind === 'wechat' ? '/cgi-bin/message/custom/send' : '/cgi-bin/message/send';
    const payload = this.cfg.kind === 'wechat' ? { touser: toUser, msgtype: 'text', text: { content } } : { touser: toUser, msgtype: 'text', agentid: this.cfg.agentId, text: { content } };
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const token = await this.accessToken(attempt > 0);
        const body = await this.getJson(`${base}${path}?access_token=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(payload),
        });
        const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
        if (TOKEN_ERRCODES.has(errcode) && attempt === 0) {
          this.log.info({ channel: this.cfg.kind, errcode }, 'access_token refused; fetching a new one');
          this.token = null;
          continue;
        }
        return this.outcomeOf(errcode, String(body.errmsg ?? ''), body.msgid);
      }
      return { status: 'retry', reason: `channel.${this.cfg.kind}_token` };
    } catch (e) {
      if (e instanceof WxApiError && e.errcode === -2) return { status: 'failed', reason: `channel.${this.cfg.kind}_http` };
      if (e instanceof WxApiError && e.errcode > 0) return this.outcomeOf(e.errcode, e.message, null);
      return { status: 'retry', reason: `channel.${this.cfg.kind}_unreachable` };
    }
  }
}

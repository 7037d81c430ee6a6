import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ulid } from 'ulid';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { HubErrorCode } from '../../../shared/sync/errors';
import { HubError, okBody } from '../../http/errors';
import { requireAuth } from '../../http/guard';
import { canSeeAs } from '../../sync/scope';
import type { ChannelsConfig } from '../config';
import { ChannelError, ChannelErrorCode } from '../errors';
import { IMAGE_EXT, sniffImage } from '../attachments';
import { rawOf, reject } from '../http';
import { normalizePhone } from '../identity';
import type { ChannelAdapter, ChannelRuntime, OutboundJob, SendOutcome } from '../types';
import { surveyCardSchema, visitorFrame, visitorFromToken, visitorToken, type FileFrame, type HistoryItem, type HubFrame, type SurveyCardFrame } from './protocol';
import { answerWindowMs, surveyCardOf } from '../../qa/surveys';
import { SURVEY_CONTENT_TYPE, surveyIdOfMessage } from '../../qa/survey-wording';
import type { StoreReader } from '../../store/store';
import type { MessageRow } from '../../store/types';

type WebchatConfig = ChannelsConfig['webchat'];

interface VisitorSocket {
  socket: WebSocket;
  visitorId: string | null;
  name: string | null;
  phone: string | null;
  helloTimer: NodeJS.Timeout | null;
  /** Frames in the last window (simple flood guard). */
  window: { start: number; count: number };
}

const HELLO_GRACE_MS = 5_000;
const TYPING_MS = 6_000;
const FLOOD = { windowMs: 10_000, max: 40 };

/**
 * The web chat channel: the embeddable widget's WebSocket and image upload.
 * Inbound: each widget message is accepted once per (visitor, client id) and
 * acknowledged only after it is committed. Outbound: agent replies are pushed to
 * every open socket of the visitor and re-pushed after a reconnect until the
 * widget acknowledges them (→ delivered).
 */
export class WebchatAdapter implements ChannelAdapter {
  readonly channel = 'webchat' as const;
  private readonly byVisitor = new Map<string, Set<VisitorSocket>>();
  /** conversationId → until (visitor typing, for workstations). */
  private readonly visitorTyping = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly rt: ChannelRuntime,
    private readonly cfg: WebchatConfig,
  ) {}

  private get secret(): Buffer {
    return this.rt.ctx.secret;
  }

  private originAllowed(req: FastifyRequest): boolean {
    if (this.cfg.allowedOrigins.includes('*')) return true;
    const origin = req.headers.origin;
    return typeof origin === 'string' && this.cfg.allowedOrigins.includes(origin);
  }

  private push(v: VisitorSocket, frame: HubFrame): void {
    if (v.socket.readyState === v.socket.OPEN) v.socket.send(JSON.stringify(frame));
  }

  /** The rating card of a survey message (nothing for other messages). */
  private async cardOf(r: StoreReader, m: Pick<MessageRow, 'id' | 'contentType'>): Promise<{ survey?: SurveyCardFrame }> {
    if (m.contentType !== SURVEY_CONTENT_TYPE) return {};
    const card = surveyCardSchema.safeParse(await surveyCardOf(r, surveyIdOfMessage(m.id), this.rt.ctx.now(), answerWindowMs(this.rt.ctx)));
    // Only a well-formed card goes out; without one the widget still shows the question's text.
    return card.success ? { survey: card.data } : {};
  }

  /** The files on a message, as the widget shows them (and on history items). */
  private async filesOf(r: StoreReader, messageId: string): Promise<{ files?: FileFrame[] }> {
    const files = (await r.attachmentsOfMessage(messageId)).map((a) => ({ id: a.id, name: a.filename, mime: a.mime, size: a.size }));
    return files.length ? { files } : {};
  }

  /**
   * May this visitor fetch this file? Their own upload, or a file on a message of
   * their conversation that has been handed to them (an agent's file stays hidden
   * during the recall window, like the reply's text).
   */
  private async visitorMaySee(r: StoreReader, visitorId: string, a: { ownerKey: string | null; messageId: string | null; conversationId: string | null }): Promise<boolean> {
    if (a.ownerKey === visitorId) return true;
    if (!a.messageId || !a.conversationId) return false;
    const ident = await r.findIdentity('webchat', visitorId);
    if (!ident || !(await r.threadsOfIdentity(ident.id)).some((t) => t.conversationId === a.conversationId)) return false;
    const m = await r.getMessage(a.messageId);
    if (!m || m.recalledAt !== null) return false;
    if (m.direction === 'inbound') return true;
    const o = await r.getOutbound(m.id);
    return !!o && ['sent', 'delivered'].includes(o.state);
  }

  private fail(v: VisitorSocket, code: string, message: string, cid?: string): void {
    this.rt.log.warn({ channel: 'webchat', code, reason: message }, 'widget frame rejected');
    this.push(v, { t: 'error', code, message, ...(cid ? { cid } : {}) });
  }

  routes(app: FastifyInstance): void {
    app.route({
      method: 'GET',
      url: '/widget/ws',
      config: { channel: 'webchat' },
      handler: async (req, reply) => reject(req, reply, new ChannelError(ChannelErrorCode.malformed, 'Connect with a WebSocket upgrade'), this.rt.log),
      wsHandler: (socket, req) => this.onSocket(socket, req),
    });

    app.post('/widget/upload', { config: { channel: 'webchat' }, bodyLimit: this.cfg.maxImageBytes }, async (req, reply) => {
      try {
        if (!this.originAllowed(req)) throw new ChannelError(ChannelErrorCode.forbiddenOrigin, 'Origin not allowed');
        const token = (req.headers['x-visitor-token'] as string | undefined) ?? (req.query as { token?: string }).token;
        const visitorId = visitorFromToken(this.secret, token);
        if (!visitorId) throw new ChannelError(ChannelErrorCode.unauthorized, 'Unknown visitor token');
        const data = rawOf(req);
        if (data.length === 0) throw new ChannelError(ChannelErrorCode.badAttachment, 'Empty upload');
        if (data.length > this.cfg.maxImageBytes) throw new ChannelError(ChannelErrorCode.tooLarge, `Images up to ${this.cfg.maxImageBytes} bytes`);
        const mime = sniffImage(data);
        if (!mime) throw new ChannelError(ChannelErrorCode.badAttachment, 'Only PNG, JPEG or WebP images (checked by content)');
        const declared = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (declared.startsWith('image/') && declared !== mime && !(declared === 'image/jpg' && mime === 'image/jpeg')) {
          throw new ChannelError(ChannelErrorCode.badAttachment, `Declared ${declared} but the content is ${mime}`);
        }
        const id = `att-${ulid()}`;
        const now = this.rt.ctx.now();
        await this.rt.ctx.store.write((tx) =>
          tx.insertAttachment({ id, channel: 'webchat', ownerKey: visitorId, messageId: null, conversationId: null, filename: `image.${IMAGE_EXT[mime]}`, mime, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), data, createdAt: now }),
        );
        return okBody({ attachmentId: id, mime, size: data.length });
      } catch (e) {
        return reject(req, reply, e, this.rt.log);
      }
    });

    app.get('/widget/attachments/:id', { config: { channel: 'webchat' } }, async (req, reply) => {
      try {
        const visitorId = visitorFromToken(this.secret, (req.query as { token?: string }).token);
        if (!visitorId) throw new ChannelError(ChannelErrorCode.unauthorized, 'Unknown visitor token');
        const a = await this.rt.ctx.store.read(async (r) => {
          const found = await r.getAttachment((req.params as { id: string }).id);
          return found && (await this.visitorMaySee(r, visitorId, found)) ? found : null;
        });
        if (!a) throw new ChannelError(ChannelErrorCode.notFound, 'No such attachment');
        return reply.type(a.mime).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=3600').send(a.data);
      } catch (e) {
        return reject(req, reply, e, this.rt.log);
      }
    });
  }

  /** Workstation-facing: who is typing, and "the agent is typing" to the widget. */
  apiRoutes(app: FastifyInstance): void {
    app.get('/channels/webchat/typing', async (req) => {
      const auth = await requireAuth(this.rt.ctx, req);
      const now = this.rt.ctx.now();
      const ids: string[] = [];
      for (const [convId, until] of this.visitorTyping) {
        if (until < now) {
          this.visitorTyping.delete(convId);
          continue;
        }
        const conv = await this.rt.ctx.store.read((r) => r.getConversation(convId));
        if (conv && canSeeAs(auth, conv)) ids.push(convId);
      }
      return okBody({ conversationIds: ids.sort() });
    });
    app.post('/channels/webchat/typing', async (req) => {
      const auth = await requireAuth(this.rt.ctx, req);
      const body = z.strictObject({ conversationId: z.string().min(1).max(64) }).safeParse(req.body);
      if (!body.success) throw new HubError(HubErrorCode.requestBadRequest, 'Expected {conversationId}');
      const found = await this.rt.ctx.store.read(async (r) => {
        const conv = await r.getConversation(body.data.conversationId);
        if (!conv || !canSeeAs(auth, conv) || conv.channel !== 'webchat') return null;
        const t = await r.getThread(conv.id);
        return t ? await r.getIdentity(t.identityId) : null;
      });
      if (!found) throw new HubError(HubErrorCode.requestNotFound, 'No web chat conversation with that id in your scope');
      let n = 0;
      for (const v of this.byVisitor.get(found.externalId) ?? []) {
        this.push(v, { t: 'typing' });
        n++;
      }
      return okBody({ notified: n });
    });
  }

  isTyping(conversationId: string): boolean {
    return (this.visitorTyping.get(conversationId) ?? 0) >= this.rt.ctx.now();
  }

  connectedVisitors(): number {
    return this.byVisitor.size;
  }

  private onSocket(socket: WebSocket, req: FastifyRequest): void {
    const v: VisitorSocket = { socket, visitorId: null, name: null, phone: null, helloTimer: null, window: { start: Date.now(), count: 0 } };
    if (this.stopped) {
      socket.close(1001, 'hub shutting down');
      return;
    }
    if (!this.originAllowed(req)) {
      this.fail(v, ChannelErrorCode.forbiddenOrigin, 'Origin not allowed');
      socket.close(4403, 'origin');
      return;
    }
    v.helloTimer = setTimeout(() => {
      if (!v.visitorId) {
        this.fail(v, ChannelErrorCode.unauthorized, `No hello within ${HELLO_GRACE_MS} ms`);
        socket.close(4401, 'no hello');
      }
    }, HELLO_GRACE_MS);
    socket.on('close', () => {
      if (v.helloTimer) clearTimeout(v.helloTimer);
      if (v.visitorId) {
        const set = this.byVisitor.get(v.visitorId);
        set?.delete(v);
        if (set && set.size === 0) this.byVisitor.delete(v.visitorId);
      }
    });
    socket.on('message', (data, isBinary) => {
      this.onFrame(v, data.toString(), isBinary).catch((e: unknown) => {
        this.rt.log.error({ err: e }, 'widget frame failed');
        this.push(v, { t: 'error', code: ChannelErrorCode.internal, message: 'Internal error; your message was not stored and will be resent' });
      });
    });
  }

  private async onFrame(v: VisitorSocket, text: string, isBinary: boolean): Promise<void> {
    const now = Date.now();
    if (now - v.window.start > FLOOD.windowMs) v.window = { start: now, count: 0 };
    if (++v.window.count > FLOOD.max) return this.fail(v, 'channel.rate_limited', 'Too many frames; slow down');
    if (isBinary) return this.fail(v, ChannelErrorCode.malformed, 'Send JSON text frames');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.fail(v, ChannelErrorCode.malformed, 'The frame is not valid JSON');
    }
    const f = visitorFrame.safeParse(parsed);
    if (!f.success) return this.fail(v, ChannelErrorCode.badPayload, 'Unknown or malformed frame');
    const frame = f.data;
    if (frame.t === 'ping') return this.push(v, { t: 'pong' });
    if (frame.t === 'hello') return this.hello(v, frame);
    if (!v.visitorId) return this.fail(v, ChannelErrorCode.unauthorized, 'Say hello first');
    if (frame.t === 'typing') {
      const conv = await this.currentConversation(v.visitorId);
      if (conv) this.visitorTyping.set(conv, this.rt.ctx.now() + TYPING_MS);
      return;
    }
    if (frame.t === 'ack') {
      const ok = await this.rt.ctx.store.read(async (r) => {
        const o = await r.getOutbound(frame.id);
        const ident = o?.identityId ? await r.getIdentity(o.identityId) : null;
        return ident?.channel === 'webchat' && ident.externalId === v.visitorId;
      });
      if (ok) await this.rt.receipt(frame.id, 'delivered');
      return;
    }
    return this.message(v, frame);
  }

  private async currentConversation(visitorId: string): Promise<string | null> {
    return this.rt.ctx.store.read(async (r) => {
      const ident = await r.findIdentity('webchat', visitorId);
      if (!ident) return null;
      return (await r.threadsOfIdentity(ident.id))[0]?.conversationId ?? null;
    });
  }

  private async hello(v: VisitorSocket, frame: Extract<z.infer<typeof visitorFrame>, { t: 'hello' }>): Promise<void> {
    if (v.visitorId) return this.fail(v, ChannelErrorCode.badPayload, 'Already said hello');
    const visitorId = visitorFromToken(this.secret, frame.token) ?? `wv-${ulid()}`;
    v.visitorId = visitorId;
    v.name = frame.name || null;
    v.phone = frame.phone ? normalizePhone(frame.phone) : null;
    if (v.helloTimer) clearTimeout(v.helloTimer);
    v.helloTimer = null;
    let set = this.byVisitor.get(visitorId);
    if (!set) this.byVisitor.set(visitorId, (set = new Set()));
    set.add(v);

    const { history, pending } = await this.rt.ctx.store.read(async (r) => {
      const ident = await r.findIdentity('webchat', visitorId);
      if (!ident) return { history: [] as HistoryItem[], pending: [] as HubFrame[] };
      const convId = (await r.threadsOfIdentity(ident.id))[0]?.conversationId;
      const history: HistoryItem[] = [];
      if (convId) {
        for (const m of await r.lastMessages(convId, 50)) {
          if (m.recalledAt !== null) continue;
          if (m.direction === 'outbound') {
            const o = await r.getOutbound(m.id);
            if (!o || !['sent', 'delivered'].includes(o.state)) continue; // not handed over yet (recall window) or never
          }
          history.push({ id: m.id, from: m.direction === 'inbound' ? 'visitor' : 'agent', text: m.body, at: m.createdAt, kind: m.contentType === 'image' ? 'image' : 'text', name: m.direction === 'outbound' ? m.authorName : null, ...(await this.cardOf(r, m)), ...(await this.filesOf(r, m.id)) });
        }
      }
      const pending: HubFrame[] = [];
      for (const o of await r.outboundForIdentity(ident.id, ['sent'], 200)) {
        const m = await r.getMessage(o.messageId);
        if (m && m.recalledAt === null) pending.push({ t: 'msg', id: m.id, text: m.body, at: m.createdAt, name: m.authorName, ...(await this.cardOf(r, m)), ...(await this.filesOf(r, m.id)) });
      }
      return { history, pending };
    });
    this.push(v, { t: 'welcome', visitorId, token: visitorToken(this.secret, visitorId), history });
    // Agent messages not yet acknowledged by any widget of this visitor come again.
    for (const p of pending) this.push(v, p);
  }

  private async message(v: VisitorSocket, frame: { cid: string; text?: string | undefined; attachmentId?: string | undefined; survey?: { id: string; score: number } | undefined }): Promise<void> {
    const visitorId = v.visitorId!;
    // A rating-card click is the patient saying the score.
    const text = (frame.text ?? '').trim() || (frame.survey ? String(frame.survey.score) : '');
    if (!text && !frame.attachmentId) return this.fail(v, ChannelErrorCode.badPayload, 'Empty message', frame.cid);
    if (text.length > this.cfg.maxTextChars) return this.fail(v, ChannelErrorCode.tooLarge, `Messages up to ${this.cfg.maxTextChars} characters`, frame.cid);
    if (frame.attachmentId) {
      const a = await this.rt.ctx.store.read((r) => r.getAttachment(frame.attachmentId!));
      // Re-sent after a lost ack: the attachment is already bound; the dedupe below answers.
      const dup = await this.rt.ctx.store.read((r) => r.getInbound('webchat', `${visitorId}:${frame.cid}`));
      if (!dup && (!a || a.ownerKey !== visitorId || a.messageId !== null)) return this.fail(v, ChannelErrorCode.badAttachment, 'Unknown attachment', frame.cid);
    }
    const now = this.rt.ctx.now();
    const r = await this.rt.accept({
      channel: 'webchat',
      dedupeKey: `${visitorId}:${frame.cid}`,
      raw: JSON.stringify({ visitorId, cid: frame.cid, text, attachmentId: frame.attachmentId ?? null, name: v.name, ...(frame.survey ? { survey: frame.survey } : {}) }),
      at: now,
      from: { externalId: visitorId, verified: false, displayName: v.name },
      message: { body: text, contentType: frame.attachmentId ? 'image' : 'text', authorName: v.name },
      attachmentIds: frame.attachmentId ? [frame.attachmentId] : [],
      ...(frame.survey ? { surveyAnswer: { surveyId: frame.survey.id, score: frame.survey.score } } : {}),
      extra: async (tx, res) => {
        // A phone number the visitor typed is kept as an UNVERIFIED address (never auto-linked).
        if (!v.phone || !res.createdContact || !res.contactId) return;
        if (await tx.findIdentity('sms', v.phone)) return;
        const row = { id: `ci-${ulid()}`, contactId: res.contactId, channel: 'sms' as const, externalId: v.phone, verified: false, consent: 'unknown' as const, consentUpdatedAt: null };
        await tx.insertIdentity(row);
        await tx.appendChange({ at: now, entity: 'contact_identity', entityId: row.id, op: 'put', data: row, contactId: res.contactId });
      },
    });
    this.push(v, { t: 'ack', cid: frame.cid, id: r.messageId ?? '' });
  }

  async send(job: OutboundJob): Promise<SendOutcome> {
    const visitorId = job.identity?.externalId;
    if (!visitorId) return { status: 'failed', reason: 'channel.no_route' };
    const extra = await this.rt.ctx.store.read(async (r) => ({ ...(await this.cardOf(r, job.message)), ...(await this.filesOf(r, job.message.id)) }));
    const frame: HubFrame = { t: 'msg', id: job.message.id, text: job.message.body, at: job.message.createdAt, name: job.message.authorName, ...extra };
    for (const v of this.byVisitor.get(visitorId) ?? []) this.push(v, frame);
    // Stored at the hub: a widget that is offline now gets it on its next hello.
    return { status: 'sent', providerId: job.message.id };
  }

  /** Closes every widget socket (widgets reconnect with backoff and resend what was not acknowledged). */
  disconnectAll(code = 1012, reason = 'service restart'): void {
    for (const set of this.byVisitor.values()) for (const v of set) v.socket.close(code, reason);
    this.byVisitor.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.disconnectAll(1001, 'hub shutting down');
  }
}

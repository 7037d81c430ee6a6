import type { Channel } from '../../shared/domain/types';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { appendAudit } from '../audit/audit';
import type { HubContext } from '../app/context';
import type { StoreReader, StoreTx } from '../store/store';
import type { ContactIdentityRow, ConversationRow, MessageRow, OutboundRow } from '../store/types';
import { putMessage, type ChangeMeta } from '../sync/changes';
import type { ChannelsConfig } from './config';
import { DeliveryFailure } from './errors';
import type { ChannelAdapter, OutboundJob, SendOutcome } from './types';

/** Channels that can carry a staff reply (a phone line or a glucometer cannot). */
export const TEXTABLE: readonly Channel[] = ['webchat', 'wechat', 'wecom', 'sms', 'email'];
/** Fallback order when a phone/device conversation is answered and no preferred channel is set. */
const FALLBACK_ORDER: readonly Channel[] = ['sms', 'wechat', 'wecom', 'email', 'webchat'];

export type RoutePlan = { kind: 'route'; channel: Channel; identity: ContactIdentityRow | null } | { kind: 'blocked'; reason: 'consent' };

/**
 * Where a staff reply to `conv` goes. Text channels answer on the conversation's
 * own channel, to the identity that wrote (its thread). Phone and device
 * conversations are answered on the patient's preferred channel (enforced: if
 * the patient opted out there, the send is refused rather than rerouted), else
 * on the first text channel the patient has not opted out of.
 */
export async function planRoute(tx: StoreReader, conv: ConversationRow): Promise<RoutePlan> {
  const ids = await tx.identitiesOf(conv.contactId);
  const usable = (list: ContactIdentityRow[]) => [...list].sort((a, b) => Number(b.verified) - Number(a.verified)).find((i) => i.consent !== 'withdrawn') ?? null;
  if (TEXTABLE.includes(conv.channel)) {
    const thread = await tx.getThread(conv.id);
    const own = thread ? await tx.getIdentity(thread.identityId) : null;
    if (own && own.contactId === conv.contactId) return own.consent === 'withdrawn' ? { kind: 'blocked', reason: 'consent' } : { kind: 'route', channel: conv.channel, identity: own };
    const onChannel = ids.filter((i) => i.channel === conv.channel);
    if (onChannel.length > 0 && onChannel.every((i) => i.consent === 'withdrawn')) return { kind: 'blocked', reason: 'consent' };
    return { kind: 'route', channel: conv.channel, identity: usable(onChannel) };
  }
  const contact = await tx.getContact(conv.contactId);
  const preferred = contact?.preferredChannel ?? null;
  if (preferred && TEXTABLE.includes(preferred)) {
    const on = ids.filter((i) => i.channel === preferred);
    if (on.length > 0 && on.every((i) => i.consent === 'withdrawn')) return { kind: 'blocked', reason: 'consent' };
    if (on.length > 0) return { kind: 'route', channel: preferred, identity: usable(on) };
  }
  for (const ch of FALLBACK_ORDER) {
    const i = usable(ids.filter((x) => x.channel === ch));
    if (i) return { kind: 'route', channel: ch, identity: i };
  }
  return { kind: 'route', channel: conv.channel, identity: null };
}

/** When the dispatcher may first hand a reply to its channel: strictly after the recall window. */
export function firstAttemptAt(acceptedAt: number): number {
  return acceptedAt + SYNC_LIMITS.recallWindowMs + 1;
}

/**
 * `nextAttemptAt` of a hub-written message whose temporary failure is retried by its
 * owner (the survey scheduler), not by the poll loop: never due.
 */
export const HELD_FOR_OWNER = Number.MAX_SAFE_INTEGER;

export function backoffMs(attempt: number, cfg: Pick<ChannelsConfig['outbound'], 'baseBackoffMs' | 'maxBackoffMs'>, random: () => number = Math.random): number {
  const raw = Math.min(cfg.maxBackoffMs, cfg.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + random() / 2));
}

export interface DispatcherDeps {
  ctx: HubContext;
  config: ChannelsConfig['outbound'];
  adapters: ReadonlyMap<Channel, ChannelAdapter>;
  write: <T>(fn: (tx: StoreTx) => Promise<T>) => Promise<T>;
  random?: () => number;
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => resolve(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Hands staff replies to their channels. Each reply waits out the recall window
 * (a recalled one is cancelled, never sent), is claimed in a transaction (so it
 * is sent by one worker only), sent, and its outcome written back to the message
 * — queued → sending → sent/delivered, or failed with a reason — as change-log
 * rows the agent's replica pulls. Temporary failures are retried with
 * exponential backoff and jitter; the message id is the idempotency key every
 * adapter passes on (SMS clientRef, e-mail Message-ID, widget message id).
 */
export class OutboundDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly d: DispatcherDeps) {}

  /** After a restart, replies caught mid-send are tried again (adapters are idempotent by message id). */
  async recover(): Promise<number> {
    return this.d.write(async (tx) => {
      const stuck = await tx.outboundInState('sending', 10_000);
      for (const o of stuck) await tx.updateOutbound(o.messageId, { state: 'waiting', nextAttemptAt: this.d.ctx.now(), updatedAt: this.d.ctx.now(), lastError: 'hub restarted during send' });
      return stuck.length;
    });
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.d.config.pollMs);
    this.timer.unref();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.loop) {
      this.again = true;
      return;
    }
    this.loop = (async () => {
      do {
        this.again = false;
        await this.runOnce().catch((e: unknown) => this.d.ctx.log.error({ err: e }, 'outbound dispatch failed'));
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.loop = null;
    });
  }

  /** One pass over due replies; resolves when their sends have finished. Answers how many were attempted. */
  async runOnce(): Promise<number> {
    const now = this.d.ctx.now();
    const due = await this.d.ctx.store.read((r) => r.dueOutbound(now, 50));
    const sends = due.map((o) => this.attempt(o.messageId));
    await Promise.all(sends);
    return due.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private meta(now: number): ChangeMeta {
    return { at: now, actorId: null };
  }

  private async writeBack(tx: StoreTx, m: MessageRow, conv: ConversationRow, status: MessageRow['deliveryStatus'], reason: string | null, now: number): Promise<void> {
    if (m.deliveryStatus === status && m.failureReason === reason) return;
    await tx.setDelivery(m.id, status, reason);
    await putMessage(tx, { ...m, deliveryStatus: status, failureReason: reason }, conv.contactId, this.meta(now));
  }

  private async fail(tx: StoreTx, o: OutboundRow, m: MessageRow, conv: ConversationRow, reason: string, now: number): Promise<void> {
    await tx.updateOutbound(o.messageId, { state: 'failed', lastError: reason, updatedAt: now });
    await this.writeBack(tx, m, conv, 'failed', reason, now);
    await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'channel.send', objectType: 'message', objectId: m.id, outcome: 'error', detail: { channel: o.channel, reason, attempts: o.attempts } });
  }

  private attempt(messageId: string): Promise<void> {
    const p = this.attemptInner(messageId).catch((e: unknown) => this.d.ctx.log.error({ err: e, messageId }, 'outbound attempt failed'));
    this.inFlight.add(p);
    return p.finally(() => this.inFlight.delete(p));
  }

  private async attemptInner(messageId: string): Promise<void> {
    const job = await this.d.write(async (tx): Promise<OutboundJob | null> => {
      const now = this.d.ctx.now();
      const o = await tx.getOutbound(messageId);
      if (!o || o.state !== 'waiting' || o.nextAttemptAt > now) return null;
      const m = await tx.getMessage(messageId);
      const conv = m ? await tx.getConversation(m.conversationId) : null;
      if (!m || !conv) {
        await tx.updateOutbound(messageId, { state: 'cancelled', lastError: 'message missing', updatedAt: now });
        return null;
      }
      if (m.recalledAt !== null) {
        await tx.updateOutbound(messageId, { state: 'cancelled', lastError: 'recalled', updatedAt: now });
        return null;
      }
      if (now - m.acceptedAt <= SYNC_LIMITS.recallWindowMs) {
        // Never before the recall window has closed, whatever the row says.
        await tx.updateOutbound(messageId, { nextAttemptAt: firstAttemptAt(m.acceptedAt), updatedAt: now });
        return null;
      }
      const identity = o.identityId ? await tx.getIdentity(o.identityId) : null;
      if (!identity) {
        // No text address for this patient (a phone-only contact): nothing can carry it.
        await this.fail(tx, o, m, conv, DeliveryFailure.noRoute, now);
        return null;
      }
      const adapter = this.d.adapters.get(o.channel);
      if (!adapter?.send) {
        await this.fail(tx, o, m, conv, DeliveryFailure.notConfigured, now);
        return null;
      }
      if (identity.consent === 'withdrawn') {
        // The patient opted out after the reply was accepted.
        await this.fail(tx, o, m, conv, DeliveryFailure.consentWithdrawn, now);
        return null;
      }
      const claimed: OutboundRow = { ...o, state: 'sending', attempts: o.attempts + 1, updatedAt: now };
      await tx.updateOutbound(messageId, { state: 'sending', attempts: claimed.attempts, updatedAt: now });
      await this.writeBack(tx, m, conv, 'sending', m.failureReason, now);
      return { outbound: claimed, message: { ...m, deliveryStatus: 'sending' }, conversation: conv, identity, thread: await tx.getThread(conv.id), attempt: claimed.attempts };
    });
    if (!job) return;
    const result: SendOutcome = await this.sendJob(job);
    await this.d.write(async (tx) => {
      const outcome = result;
      const now = this.d.ctx.now();
      const o = (await tx.getOutbound(messageId))!;
      const m = (await tx.getMessage(messageId))!;
      const conv = (await tx.getConversation(m.conversationId))!;
      if (o.state !== 'sending') return; // a receipt already moved it on
      if (outcome.status === 'sent' || outcome.status === 'delivered') {
        await tx.updateOutbound(messageId, { state: outcome.status, providerId: outcome.providerId ?? o.providerId, lastError: null, updatedAt: now });
        await this.writeBack(tx, m, conv, outcome.status, null, now);
        await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'channel.send', objectType: 'message', objectId: m.id, outcome: 'ok', detail: { channel: o.channel, attempts: o.attempts } });
      } else if (outcome.status === 'retry' && o.attempts < this.d.config.maxAttempts) {
        const wait = outcome.retryAfterMs ?? backoffMs(o.attempts, this.d.config, this.d.random);
        await tx.updateOutbound(messageId, { state: 'waiting', nextAttemptAt: now + wait, lastError: outcome.reason, updatedAt: now });
        await this.writeBack(tx, m, conv, 'sending', outcome.reason, now);
      } else if (outcome.status === 'retry') {
        await this.fail(tx, o, m, conv, `${DeliveryFailure.retriesExhausted}:${outcome.reason}`, now);
      } else {
        await this.fail(tx, o, m, conv, outcome.reason, now);
      }
    });
  }

  /**
   * Sends one hub-written message (a CSAT/NPS survey: no author, so nobody can
   * recall it and there is no recall window) at once, outside the poll loop, on the
   * same path as a staff reply: claimed in a transaction, the adapter's `send` under
   * the same timeout, the outcome written back to the outbox row and the message
   * (change-log rows, audit). A temporary failure is held for the caller's next try
   * (`waiting`, never due for the poll loop: `HELD_FOR_OWNER`) — or, when `final`,
   * fails as `channel.retries_exhausted:<reason>`. Answers the outcome as written.
   */
  async sendNow(messageId: string, opts: { final: boolean }): Promise<SendOutcome> {
    const claimed = await this.d.write(async (tx): Promise<{ job: OutboundJob } | { done: SendOutcome }> => {
      const now = this.d.ctx.now();
      const o = await tx.getOutbound(messageId);
      const m = await tx.getMessage(messageId);
      const conv = m ? await tx.getConversation(m.conversationId) : null;
      if (!o || !m || !conv) return { done: { status: 'failed', reason: 'channel.message_missing' } };
      if (m.authorId !== null) throw new Error(`sendNow is for hub-written messages; ${messageId} has an author`);
      if (o.state === 'sent' || o.state === 'delivered') return { done: { status: o.state, providerId: o.providerId } };
      // Being sent by the poll loop (a send caught by a restart and recovered): not twice at once.
      if (o.state === 'sending') return { done: { status: 'retry', reason: 'channel.in_flight' } };
      if (o.state !== 'waiting') return { done: { status: 'failed', reason: o.lastError ?? DeliveryFailure.notConfigured } };
      const identity = o.identityId ? await tx.getIdentity(o.identityId) : null;
      const adapter = this.d.adapters.get(o.channel);
      const refusal = !identity ? DeliveryFailure.noRoute : !adapter?.send ? DeliveryFailure.notConfigured : identity.consent === 'withdrawn' ? DeliveryFailure.consentWithdrawn : null;
      if (refusal) {
        await this.fail(tx, o, m, conv, refusal, now);
        return { done: { status: 'failed', reason: refusal } };
      }
      const out: OutboundRow = { ...o, state: 'sending', attempts: o.attempts + 1, updatedAt: now };
      await tx.updateOutbound(messageId, { state: 'sending', attempts: out.attempts, updatedAt: now });
      await this.writeBack(tx, m, conv, 'sending', m.failureReason, now);
      return { job: { outbound: out, message: { ...m, deliveryStatus: 'sending' }, conversation: conv, identity, thread: await tx.getThread(conv.id), attempt: out.attempts } };
    });
    if ('done' in claimed) return claimed.done;
    const job = claimed.job;
    const outcome = await this.sendJob(job);
    return this.d.write(async (tx): Promise<SendOutcome> => {
      const now = this.d.ctx.now();
      const o = (await tx.getOutbound(messageId))!;
      const m = (await tx.getMessage(messageId))!;
      const conv = (await tx.getConversation(m.conversationId))!;
      // A receipt (widget ack, SMS report) already moved it on.
      if (o.state === 'delivered' || o.state === 'sent') return { status: o.state, providerId: o.providerId };
      if (o.state !== 'sending') return { status: 'failed', reason: o.lastError ?? DeliveryFailure.rejectedByProvider };
      if (outcome.status === 'sent' || outcome.status === 'delivered') {
        await tx.updateOutbound(messageId, { state: outcome.status, providerId: outcome.providerId ?? o.providerId, lastError: null, updatedAt: now });
        await this.writeBack(tx, m, conv, outcome.status, null, now);
        await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'channel.send', objectType: 'message', objectId: m.id, outcome: 'ok', detail: { channel: o.channel, attempts: o.attempts } });
        return outcome;
      }
      if (outcome.status === 'retry' && !opts.final) {
        await tx.updateOutbound(messageId, { state: 'waiting', nextAttemptAt: HELD_FOR_OWNER, lastError: outcome.reason, updatedAt: now });
        await this.writeBack(tx, m, conv, 'sending', outcome.reason, now);
        return outcome;
      }
      const reason = outcome.status === 'retry' ? `${DeliveryFailure.retriesExhausted}:${outcome.reason}` : outcome.reason;
      await this.fail(tx, o, m, conv, reason, now);
      return { status: 'failed', reason };
    });
  }

  /** The adapter's send under the configured timeout; a throw is a temporary failure. */
  private async sendJob(job: OutboundJob): Promise<SendOutcome> {
    const adapter = this.d.adapters.get(job.outbound.channel)!;
    try {
      return await withTimeout(adapter.send!(job), this.d.config.sendTimeoutMs, () => ({ status: 'retry', reason: 'channel.timeout' }) as SendOutcome);
    } catch (e) {
      this.d.ctx.log.warn({ err: e, channel: job.outbound.channel, messageId: job.message.id }, 'channel send threw');
      return { status: 'retry', reason: 'channel.error' };
    }
  }

  /** A delivery receipt (SMS DLR, widget ack): sent → delivered, or a late failure. */
  async receipt(messageId: string, status: 'delivered' | 'failed', reason: string | null = null): Promise<boolean> {
    return this.d.write(async (tx) => {
      const now = this.d.ctx.now();
      const o = await tx.getOutbound(messageId);
      if (!o || !['sending', 'sent', 'delivered'].includes(o.state)) return false;
      if (o.state === status) return true;
      const m = (await tx.getMessage(messageId))!;
      const conv = (await tx.getConversation(m.conversationId))!;
      if (status === 'delivered') {
        await tx.updateOutbound(messageId, { state: 'delivered', updatedAt: now });
        await this.writeBack(tx, m, conv, 'delivered', null, now);
      } else {
        await this.fail(tx, o, m, conv, reason ?? DeliveryFailure.rejectedByProvider, now);
      }
      return true;
    });
  }
}

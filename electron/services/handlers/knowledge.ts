import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, desc, eq, gt, gte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { knowledgeReviewSchema, knowledgeUsageSchema, retirementSettingsSchema } from '../../../shared/contract/knowledge';
import { LanternError } from '../../../shared/contract/result';
import { loadKnowledgeFiles, formatLoadError, knowledgeItemSchema, type InteractionTable, type KnowledgeItem, type Reading } from '../../../shared/engine';
import { loadInteractions } from '../../../shared/engine/drugs/interactions';
import { isPersistentDismissal } from '../../../shared/engine/feedback/dismiss';
import { reduceFeedback, retiredIds, type FeedbackEvent } from '../../../shared/engine/feedback/feedback';
import { createLlmProvider, llmAssist, type LlmConfig, type LlmProvider } from '../../../shared/engine/llm';
import type { KnowledgeFeedbackKind } from '../../../shared/sync/mutations';
import { isSupervisorRole } from '../../../shared/sync/rules';
import { contacts, conversations, deviceReadings, knowledgeFeedback, knowledgeItems, messages } from '../../../db/replica/schema';
import { newId } from '../ids';
import { enqueueMutation } from '../outbox/enqueue';
import type { SyncClient } from '../sync/client';
import { HubError } from '../sync/http';
import { knowledgeStatuses } from '../sync/knowledge-status';
import type { ServiceContext } from './context';
import { addDismissal, readDismissals } from './knowledge-dismissals';
import { knowledgeSource } from './knowledge-source';

const WEEK = 7 * 86_400_000;

/** Same codes as the supervisor views (the renderer localises them). */
const HubCallError = {
  hubRequired: 'supervisor.hub_required',
  offline: 'supervisor.offline',
  badAnswer: 'supervisor.bad_answer',
  forbidden: 'supervisor.forbidden',
} as const;

/** Seed knowledge shipped with the app (resources/knowledge), read once and validated; `origins` names each item's file and line. */
export function loadSeedKnowledge(dir: string | null): { items: KnowledgeItem[]; interactions: InteractionTable; errors: string[]; origins?: Record<string, { file: string; line: number | null }> } {
  if (!dir) return { items: [], interactions: { meta: { title: '', source: '', licence: '' }, interactions: [] }, errors: [] };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  const loaded = loadKnowledgeFiles(files);
  const inter = loadInteractions(readFileSync(join(dir, 'interactions.json'), 'utf8'));
  const origins = Object.fromEntries(Object.entries(loaded.fileOf).map(([id, file]) => [id, { file, line: loaded.lineOf[id] ?? null }]));
  return { items: loaded.items, interactions: inter.table, errors: [...loaded.errors.map(formatLoadError), ...inter.errors], origins };
}

/**
 * The on-prem LLM settings from the environment (off unless LANTERN_LLM_BASE_URL and
 * LANTERN_LLM_MODEL are set): LANTERN_LLM_API_KEY, LANTERN_LLM_TIMEOUT_MS optional.
 */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LlmConfig | null {
  const baseUrl = env.LANTERN_LLM_BASE_URL?.trim();
  const model = env.LANTERN_LLM_MODEL?.trim();
  if (!baseUrl || !model) return null;
  const timeout = Number(env.LANTERN_LLM_TIMEOUT_MS);
  return { baseUrl, model, ...(env.LANTERN_LLM_API_KEY ? { apiKey: env.LANTERN_LLM_API_KEY } : {}), ...(Number.isInteger(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}) };
}

export interface KnowledgeHandlerOptions {
  /** The signed-in session's sync client (hub-backed supervisor methods); null in demo mode. */
  sync?: SyncClient | null;
  /** On-prem LLM (`knowledge.assist`); default from the environment (llmConfigFromEnv), null = off. */
  llm?: LlmConfig | null;
  /** Tests: the provider itself. */
  llmProvider?: LlmProvider;
}

const envelope = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })]);

export function knowledgeHandlers(ctx: ServiceContext, seed: ReturnType<typeof loadSeedKnowledge>, opts: KnowledgeHandlerOptions = {}): Handlers<Contract>['knowledge'] {
  const { db } = ctx.replica;
  const sync = opts.sync ?? null;
  const llm = opts.llmProvider ?? createLlmProvider(opts.llm !== undefined ? opts.llm : llmConfigFromEnv());
  /** "shown" is counted once per item and conversation per session (cards re-render on every keystroke). */
  const shownOnce = new Set<string>();

  /** Retired by this user's own recent votes (the hub decides across users; this covers the demo clinic and offline time). */
  function locallyRetired(): Set<string> {
    const since = ctx.now() - WEEK;
    const events: FeedbackEvent[] = db
      .select()
      .from(knowledgeFeedback)
      .where(gte(knowledgeFeedback.createdAt, since))
      .all()
      .map((f) => ({ type: 'vote', itemId: f.itemId, userId: ctx.session.user.id, useful: f.useful, at: f.createdAt }));
    return retiredIds(reduceFeedback(events));
  }

  function version(): number {
    return db.select({ v: sql<number | null>`max(${knowledgeItems.hubSeq})` }).from(knowledgeItems).get()?.v ?? 0;
  }

  /** Synced rows (after `since`) split by the hub's status. Removed items are hidden even when the app bundles a copy. */
  function synced(since: number | null) {
    const statuses = knowledgeStatuses(ctx.replica);
    const rows = since === null ? db.select().from(knowledgeItems).all() : db.select().from(knowledgeItems).where(gt(knowledgeItems.hubSeq, since)).orderBy(asc(knowledgeItems.hubSeq)).all();
    const items = new Map<string, unknown>();
    const removed = new Set<string>();
    const errors: string[] = [];
    for (const row of rows) {
      if (statuses.get(row.id) === 'removed') {
        removed.add(row.id);
        continue;
      }
      const parsed = knowledgeItemSchema.safeParse(row.body);
      if (parsed.success) items.set(parsed.data.id, row.body);
      else errors.push(`hub:${row.id}: ${parsed.error.issues[0]?.message ?? 'invalid item'}`);
    }
    const retired = new Set([...statuses].filter(([, s]) => s === 'retired').map(([id]) => id));
    for (const id of locallyRetired()) retired.add(id);
    return { items, removed, retired, errors };
  }

  function enqueueFeedback(itemId: string, kind: KnowledgeFeedbackKind, conversationId: string | undefined, at: number) {
    // The demo clinic (no hub) never syncs: its outbox would only grow.
    if (!ctx.hubUrl) return;
    enqueueMutation(db, { id: newId(), type: 'knowledge.feedback', args: { itemId, kind, ...(conversationId ? { conversationId } : {}) }, at });
  }

  async function hubCall<T>(path: string, schema: z.ZodType<T>, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
    if (!isSupervisorRole(ctx.session.user.role)) throw new LanternError(HubCallError.forbidden, 'Supervisor or admin role required');
    if (!sync) throw new LanternError(HubCallError.hubRequired, 'This needs a hub (this is the demo clinic)');
    let res: Response;
    try {
      res = await sync.authorizedFetch(path, init);
    } catch (e) {
      if (e instanceof HubError && e.kind !== 'network') throw new LanternError(e.error.code, e.error.message);
      throw new LanternError(HubCallError.offline, `The hub cannot be reached: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (res.status >= 500) throw new LanternError(HubCallError.offline, `The hub answered HTTP ${res.status}`);
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new LanternError(HubCallError.badAnswer, `HTTP ${res.status} without a JSON body from ${path}`);
    }
    const env = envelope.safeParse(json);
    if (!env.success) throw new LanternError(HubCallError.badAnswer, `Not a Lantern answer from ${path}`);
    if (!env.data.ok) throw new LanternError(env.data.error.code, env.data.error.message, env.data.error.details);
    const value = schema.safeParse(env.data.value);
    if (!value.success) throw new LanternError(HubCallError.badAnswer, `Unexpected answer from ${path}: ${value.error.issues[0]?.path.join('.')} ${value.error.issues[0]?.message}`);
    return value.data;
  }

  return {
    bundle: () => {
      const v = version();
      // Items synced from the hub override seed items with the same id (the hub hot-reloads them).
      const byId = new Map<string, unknown>(seed.items.map((i) => [i.id, i]));
      const s = synced(null);
      for (const [id, body] of s.items) byId.set(id, body);
      for (const id of s.removed) byId.delete(id);
      return { items: [...byId.values()], interactions: seed.interactions, retired: [...s.retired], errors: [...seed.errors, ...s.errors], version: v };
    },
    changes: ({ since }) => {
      const v = version();
      const s = synced(since);
      return { version: v, items: [...s.items.values()], removed: [...s.removed], retired: [...s.retired], errors: s.errors };
    },
    feedback: ({ itemId, useful, conversationId }) => {
      // One vote per user per item and conversation: the latest wins (a mis-click can be corrected).
      // The local row and the outbox entry commit together: the hub gets each vote exactly once.
      const now = ctx.now();
      ctx.replica.sqlite
        .transaction(() => {
          db.delete(knowledgeFeedback)
            .where(and(eq(knowledgeFeedback.itemId, itemId), eq(knowledgeFeedback.conversationId, conversationId ?? '')))
            .run();
          db.insert(knowledgeFeedback).values({ id: newId(), itemId, useful, conversationId: conversationId ?? '', createdAt: now }).run();
          enqueueFeedback(itemId, useful ? 'useful' : 'useless', conversationId, now);
        })
        .immediate();
      return { recorded: true as const };
    },
    track: ({ itemId, event, conversationId }) => {
      if (!ctx.hubUrl) return { recorded: false };
      if (event === 'shown') {
        const key = `${itemId}\u0000${conversationId ?? ''}`;
        if (shownOnce.has(key)) return { recorded: false };
        shownOnce.add(key);
      }
      ctx.replica.sqlite.transaction(() => enqueueFeedback(itemId, event, conversationId, ctx.now())).immediate();
      return { recorded: true };
    },
    dismiss: ({ conversationId, cardId, itemId }) => {
      if (!isPersistentDismissal(cardId)) throw new LanternError('knowledge.not_dismissable', `${cardId} is not kept as dismissed (red flags never; wording, tone and AI cards only on screen)`);
      const now = ctx.now();
      // The dismissal and its usage event commit together, once per user, conversation and card.
      const recorded = ctx.replica.sqlite
        .transaction(() => {
          const added = addDismissal(ctx.replica, ctx.session.user.id, conversationId, { cardId, itemId, at: now });
          if (added) enqueueFeedback(itemId, 'dismissed', conversationId, now);
          return added;
        })
        .immediate();
      return { dismissed: true as const, recorded };
    },
    dismissed: ({ conversationId }) => ({ cardIds: readDismissals(ctx.replica, ctx.session.user.id, conversationId).map((d) => d.cardId) }),
    source: ({ sourceItemId }) =>
      knowledgeSource(sourceItemId, {
        appVersion: ctx.appVersion,
        interactions: seed.interactions,
        retired: (id) => knowledgeStatuses(ctx.replica).get(id) === 'retired' || locallyRetired().has(id),
        item: (id) => {
          if (knowledgeStatuses(ctx.replica).get(id) === 'removed') return null;
          const row = db.select().from(knowledgeItems).where(eq(knowledgeItems.id, id)).get();
          const parsed = row ? knowledgeItemSchema.safeParse(row.body) : null;
          if (row && parsed?.success) return { item: parsed.data, origin: { kind: 'hub', seq: row.hubSeq, updatedAt: row.updatedAt } };
          const bundled = seed.items.find((i) => i.id === id);
          const at = seed.origins?.[id];
          return bundled ? { item: bundled, origin: { kind: 'bundled', file: at?.file ?? null, line: at?.line ?? null } } : null;
        },
      }),
    usage: ({ days }) => hubCall(`/knowledge/usage?days=${days}`, knowledgeUsageSchema),
    reviewQueue: ({ status }) => hubCall(`/knowledge/review?status=${status}`, z.object({ items: z.array(knowledgeReviewSchema), settings: retirementSettingsSchema })),
    review: ({ itemId, decision, comment }) =>
      hubCall(
        `/knowledge/review/${encodeURIComponent(itemId)}`,
        z.object({ itemId: z.string(), review: z.enum(['pending', 'confirmed', 'restored']), itemStatus: z.enum(['active', 'retired', 'removed']), seq: z.number().int() }),
        { method: 'POST', body: { decision, ...(comment !== undefined ? { comment } : {}) } },
      ),
    assist: async ({ conversationId, lang }) => {
      const conv = db.select().from(conversations).where(eq(conversations.id, conversationId)).get();
      if (!conv) throw new LanternError('replica.not_found', `Conversation ${conversationId} not found`);
      const contact = db.select().from(contacts).where(eq(contacts.id, conv.contactId)).get();
      const recent = db
        .select({ direction: messages.direction, body: messages.body, recalledAt: messages.recalledAt })
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(desc(messages.createdAt))
        .limit(24)
        .all()
        .reverse()
        .filter((m) => !m.recalledAt && m.body);
      const readings: Reading[] = [];
      for (const r of db.select().from(deviceReadings).where(eq(deviceReadings.contactId, conv.contactId)).all()) {
        if (r.kind === 'bp') {
          readings.push({ kind: 'systolic', value: r.value, at: r.measuredAt, source: 'device' });
          if (r.value2 !== null) readings.push({ kind: 'diastolic', value: r.value2, at: r.measuredAt, source: 'device' });
        } else if (r.kind !== 'weight') readings.push({ kind: r.kind, value: r.value, at: r.measuredAt, source: 'device' });
      }
      const now = ctx.now();
      const role = ctx.session.user.role === 'nurse' ? 'nurse' : 'agent';
      const result = await llmAssist(llm, {
        messages: recent.map((m) => ({ from: m.direction === 'inbound' ? ('patient' as const) : ('staff' as const), text: m.body })),
        ...(contact
          ? {
              patient: {
                ...(contact.birthYear ? { age: new Date(now).getUTCFullYear() - contact.birthYear } : {}),
                ...(contact.sex !== 'unknown' ? { sex: contact.sex } : {}),
                conditions: contact.conditions,
                medicines: contact.medicines,
                allergies: contact.allergies,
                names: [contact.displayName],
              },
            }
          : {}),
        readings,
        role,
        lang: lang ?? 'zh-CN',
        now,
      });
      const strip = (e: { code: string; message: { 'zh-CN': string; en?: string } } | null) => (e ? { code: e.code, message: e.message } : null);
      return {
        cards: result.cards,
        redFlags: result.redFlags,
        compliance: [...(result.summary?.hits ?? []), ...(result.reply?.hits ?? [])],
        unavailable: { summary: strip(result.unavailable.summary), reply: strip(result.unavailable.reply) },
      };
    },
  };
}

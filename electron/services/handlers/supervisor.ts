import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import type { Channel } from '../../../shared/domain/types';
import { thresholdsFor } from '../../../shared/domain/thresholds';
import { knowledgeItemSchema, scoreMessage, type KnowledgeItem } from '../../../shared/engine';
import { isSupervisorRole } from '../../../shared/sync/rules';
import {
  calibrationSchema,
  dashboardSchema,
  DAY_MS,
  fillQueueResultSchema,
  isDeviceAlert,
  keywordTide,
  lifecycleSeries,
  qaFormSchema,
  qaReviewSchema,
  reviewDetailSchema,
  sentimentDrill,
  sentimentTimeline,
  sentimentTrends,
  silenceAlerts,
  surveyResultsSchema,
  surveySettingsSchema,
  topicCache,
  topicTerms,
  type ConvMessage,
  type ScoredConversation,
} from '../../../shared/supervisor';
import { z } from 'zod';
import { audit, contacts, conversationEvents, conversations, deviceReadings, knowledgeItems, messages, settings, teams, users } from '../../../db/replica/schema';
import type { SyncClient } from '../sync/client';
import { HubError } from '../sync/http';
import type { ServiceContext } from './context';
import { loadSeedKnowledge } from './knowledge';

const CACHE_PREFIX = 'supervisor.cache:';
const PENDING_AUDIT = 'supervisor.pendingAudit';

/** The hub could not be reached (and nothing cached): the UI says "needs the hub connection". */
export const SupervisorErrorCode = {
  offline: 'supervisor.offline',
  forbidden: 'supervisor.forbidden',
  hubRequired: 'supervisor.hub_required',
  badAnswer: 'supervisor.bad_answer',
  notFound: 'supervisor.not_found',
} as const;

class Offline extends Error {}

const envelope = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })]);

type Cached<T> = { value: T; asOf: number; stale: boolean };

/**
 * Supervisor views on the workstation. Hub-backed methods call the hub's /qa API
 * with the sync session's token and keep the last good answer in the replica's
 * settings table, so the views still show something ("as of …") when the hub is
 * unreachable. Replica-backed methods read what sync brought (a supervisor's
 * replica holds every conversation of their teams) and run the engine here.
 */
export function supervisorHandlers(ctx: ServiceContext, sync: SyncClient | null, knowledgeDir: string | null = null): Handlers<Contract>['supervisor'] {
  const { db } = ctx.replica;
  const user = () => ctx.session.user;
  const requireSupervisor = () => {
    if (!isSupervisorRole(user().role)) throw new LanternError(SupervisorErrorCode.forbidden, 'Supervisor or admin role required');
  };

  // ---- the hub --------------------------------------------------------------------
  async function hubCall<T>(path: string, schema: z.ZodType<T>, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
    if (!sync) throw new LanternError(SupervisorErrorCode.hubRequired, 'Supervisor views need a hub (this is the demo clinic)');
    let res: Response;
    try {
      res = await sync.authorizedFetch(path, init);
    } catch (e) {
      if (e instanceof HubError && e.kind !== 'network') throw new LanternError(e.error.code, e.error.message);
      throw new Offline(e instanceof Error ? e.message : String(e));
    }
    if (res.status >= 500) throw new Offline(`HTTP ${res.status}`);
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new LanternError(SupervisorErrorCode.badAnswer, `HTTP ${res.status} without a JSON body from ${path}`);
    }
    const env = envelope.safeParse(json);
    if (!env.success) throw new LanternError(SupervisorErrorCode.badAnswer, `Not a Lantern answer from ${path}`);
    if (!env.data.ok) throw new LanternError(env.data.error.code, env.data.error.message, env.data.error.details);
    const value = schema.safeParse(env.data.value);
    if (!value.success) throw new LanternError(SupervisorErrorCode.badAnswer, `Unexpected answer from ${path}: ${value.error.issues[0]?.path.join('.')} ${value.error.issues[0]?.message}`);
    // The hub answered: a good moment to send opens recorded while offline.
    if (!path.startsWith('/qa/audit/')) void flushAudit();
    return value.data;
  }

  const readSetting = <T>(key: string): T | null => (db.select().from(settings).where(eq(settings.key, key)).get()?.value as T | undefined) ?? null;
  const writeSetting = (key: string, value: unknown) => db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();

  /** Hub answer, cached per user and path; the cached copy (stale) when the hub is unreachable. */
  async function cachedCall<T>(path: string, schema: z.ZodType<T>): Promise<Cached<T>> {
    const key = `${CACHE_PREFIX}${user().id}:${path}`;
    try {
      const value = await hubCall(path, schema);
      const asOf = ctx.now();
      writeSetting(key, { asOf, value });
      return { value, asOf, stale: false };
    } catch (e) {
      if (!(e instanceof Offline)) throw e;
      const hit = readSetting<{ asOf: number; value: unknown }>(key);
      const parsed = hit ? schema.safeParse(hit.value) : null;
      if (!hit || !parsed?.success) throw new LanternError(SupervisorErrorCode.offline, `The hub cannot be reached and ${path} was never loaded on this workstation`);
      return { value: parsed.data, asOf: hit.asOf, stale: true };
    }
  }

  async function write<T>(path: string, schema: z.ZodType<T>, body: unknown): Promise<T> {
    try {
      return await hubCall(path, schema, { method: 'POST', body });
    } catch (e) {
      if (e instanceof Offline) throw new LanternError(SupervisorErrorCode.offline, 'The hub cannot be reached: this needs the connection');
      throw e;
    }
  }

  // ---- audit of conversations opened in replica-computed views ------------------------
  let flushing: Promise<void> | null = null;
  function flushAudit(): Promise<void> {
    if (flushing) return flushing;
    const run = (async () => {
      const pending = readSetting<{ conversationId: string; view: string; at: number }[]>(PENDING_AUDIT) ?? [];
      if (!pending.length || !sync) return;
      const batch = pending.slice(0, 200);
      try {
        await hubCall('/qa/audit/open', z.object({ recorded: z.number() }), { method: 'POST', body: { items: batch } });
      } catch {
        return; // still offline: keep them for the next time the hub answers
      }
      // Opens recorded meanwhile stay queued.
      writeSetting(PENDING_AUDIT, (readSetting<typeof pending>(PENDING_AUDIT) ?? []).slice(batch.length));
    })();
    flushing = run;
    void run.finally(() => {
      if (flushing === run) flushing = null;
    });
    return run;
  }
  /** Recorded locally at once (replica audit) and at the hub (now, or when it is reachable again). */
  async function auditOpen(conversationId: string, view: string) {
    const at = ctx.now();
    ctx.replica.sqlite.transaction(() => {
      db.insert(audit).values({ at, actor: user().id, action: 'supervisor.open', objectType: 'conversation', objectId: conversationId, detail: { view } }).run();
      writeSetting(PENDING_AUDIT, [...(readSetting<unknown[]>(PENDING_AUDIT) ?? []), { conversationId, view, at }]);
    })();
    if (sync) await flushAudit();
  }

  // ---- the replica ------------------------------------------------------------------
  const scores = new Map<string, number>();
  const levelOf = (id: string, body: string) => {
    const key = `${id}:${body.length}`;
    let l = scores.get(key);
    if (l === undefined) {
      l = scoreMessage(body).level;
      scores.set(key, l);
    }
    return l;
  };
  const topics = topicCache();
  const names = () => new Map(db.select({ id: users.id, name: users.displayName }).from(users).all().map((u) => [u.id, u.name]));
  const teamNames = () => new Map(db.select({ id: teams.id, name: teams.name }).from(teams).all().map((t) => [t.id, t.name]));
  const toMsg = (m: typeof messages.$inferSelect): ConvMessage => ({ id: m.id, direction: m.direction, authorId: m.authorId, authorName: m.authorName, body: m.body, contentType: m.contentType, createdAt: m.createdAt, recalledAt: m.recalledAt });

  /** Patient messages (not device alerts, not recalled) since `since`, with their conversation. */
  function patientMessages(since: number) {
    return db
      .select({ id: messages.id, conversationId: messages.conversationId, body: messages.body, createdAt: messages.createdAt, contentType: messages.contentType, channel: conversations.channel, teamId: conversations.teamId, assigneeId: conversations.assigneeId, contactId: conversations.contactId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.direction, 'inbound'), gte(messages.createdAt, since)))
      .all()
      .filter((m) => m.body.trim() !== '' && !isDeviceAlert({ direction: 'inbound', contentType: m.contentType, body: m.body }, m.channel as Channel));
  }

  function scored(since: number): ScoredConversation[] {
    const contactNames = new Map(db.select({ id: contacts.id, name: contacts.displayName }).from(contacts).all().map((c) => [c.id, c.name]));
    const by = new Map<string, ScoredConversation>();
    for (const m of patientMessages(since)) {
      let c = by.get(m.conversationId);
      if (!c) {
        c = { conversationId: m.conversationId, contactName: contactNames.get(m.contactId) ?? '—', teamId: m.teamId, agentId: m.assigneeId, levels: [] };
        by.set(m.conversationId, c);
      }
      c.levels.push({ at: m.createdAt, level: levelOf(m.id, m.body) });
    }
    return [...by.values()];
  }

  let seedItems: KnowledgeItem[] | null = null;
  function knowledge(): KnowledgeItem[] {
    seedItems ??= knowledgeDir ? loadSeedKnowledge(knowledgeDir).items : [];
    const byId = new Map<string, KnowledgeItem>(seedItems.map((i) => [i.id, i]));
    for (const row of db.select().from(knowledgeItems).all()) {
      const p = knowledgeItemSchema.safeParse(row.body);
      if (p.success) byId.set(p.data.id, p.data);
    }
    return [...byId.values()];
  }
  function candidatesFor(topicId: string): KnowledgeItem[] {
    const terms = topicTerms(topicId);
    return knowledge().filter((k) => {
      const text = [k.title['zh-CN'], k.title.en ?? '', ...(k.keywords ?? []), ...(k.trigger?.text ?? [])].join(' ').toLowerCase();
      return (k.premise?.conditions ?? []).includes(topicId) || (k.trigger?.intents ?? []).includes(topicId) || terms.some((t) => text.includes(t.toLowerCase()));
    });
  }

  const reviewsSchema = z.object({ items: z.array(qaReviewSchema) });
  const formsSchema = z.object({ forms: z.array(qaFormSchema), activeId: z.string() });

  return {
    dashboard: () => {
      requireSupervisor();
      return cachedCall('/qa/dashboard', dashboardSchema);
    },
    reviews: ({ status }) => {
      requireSupervisor();
      return cachedCall(`/qa/reviews?status=${status}`, reviewsSchema);
    },
    fillQueue: (input) => {
      requireSupervisor();
      return write('/qa/queue/fill', fillQueueResultSchema, input);
    },
    review: ({ id }) => cachedCall(`/qa/reviews/${id}`, reviewDetailSchema),
    submitReview: ({ id, answers, comment }) => {
      requireSupervisor();
      return write(`/qa/reviews/${id}/submit`, qaReviewSchema, { answers, comment });
    },
    myReviews: () => cachedCall('/qa/my-reviews', reviewsSchema),
    dispute: ({ id, reason }) => write(`/qa/reviews/${id}/dispute`, qaReviewSchema, { reason }),
    resolveDispute: ({ id, ...body }) => {
      requireSupervisor();
      return write(`/qa/reviews/${id}/resolve`, qaReviewSchema, body);
    },
    startCalibration: ({ conversationId }) => {
      requireSupervisor();
      return write('/qa/calibrations', qaReviewSchema, { conversationId });
    },
    calibration: ({ conversationId }) => {
      requireSupervisor();
      return cachedCall(`/qa/calibrations/${conversationId}`, calibrationSchema);
    },
    forms: () => {
      requireSupervisor();
      return cachedCall('/qa/forms', formsSchema);
    },
    saveForm: ({ form }) => {
      requireSupervisor();
      return write('/qa/forms', qaFormSchema, { form });
    },
    exportCsv: async ({ lang, from, to }) => {
      requireSupervisor();
      if (!sync) throw new LanternError(SupervisorErrorCode.hubRequired, 'Exports need a hub');
      const q = new URLSearchParams({ lang, ...(from !== undefined ? { from: String(from) } : {}), ...(to !== undefined ? { to: String(to) } : {}) });
      let res: Response;
      try {
        res = await sync.authorizedFetch(`/qa/export.csv?${q.toString()}`);
      } catch {
        throw new LanternError(SupervisorErrorCode.offline, 'The hub cannot be reached: exports need the connection');
      }
      if (!res.ok) {
        const env = envelope.safeParse(await res.json().catch(() => null));
        throw env.success && !env.data.ok ? new LanternError(env.data.error.code, env.data.error.message) : new LanternError(SupervisorErrorCode.badAnswer, `HTTP ${res.status}`);
      }
      // Keep the BOM: TextDecoder would strip it by default.
      const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
      const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'qa-reviews.csv';
      return { filename, csv, rows: Math.max(0, csv.split('\r\n').filter(Boolean).length - 1) };
    },
    surveyResults: ({ groupBy, days }) => {
      requireSupervisor();
      return cachedCall(`/qa/surveys/results?groupBy=${groupBy}&days=${days}`, surveyResultsSchema);
    },
    surveySettings: async () => {
      requireSupervisor();
      const r = await cachedCall('/qa/surveys/settings', z.object({ settings: surveySettingsSchema }));
      return { ...r, value: r.value.settings };
    },
    setSurveySettings: async ({ settings: s }) => {
      requireSupervisor();
      return (await write('/qa/surveys/settings', z.object({ settings: surveySettingsSchema }), { settings: s })).settings;
    },
    packCandidates: ({ topicId }) => {
      requireSupervisor();
      return { items: candidatesFor(topicId).map((k) => ({ id: k.id, title: k.title['zh-CN'], kind: k.kind, topic: k.topic })) };
    },
    publishPack: async ({ topicId, itemIds }) => {
      requireSupervisor();
      const all = new Map(knowledge().map((k) => [k.id, k]));
      const items = itemIds.map((id) => {
        const k = all.get(id);
        if (!k) throw new LanternError(SupervisorErrorCode.notFound, `No knowledge item ${id}`);
        return k;
      });
      return write('/qa/knowledge/publish', z.object({ published: z.array(z.string()) }), { topicId, items });
    },

    conversations: ({ query, limit }) => {
      requireSupervisor();
      const contactNames = new Map(db.select({ id: contacts.id, name: contacts.displayName }).from(contacts).all().map((c) => [c.id, c.name]));
      const userNames = names();
      const q = query?.trim().toLowerCase();
      const rows = db.select().from(conversations).orderBy(desc(conversations.lastMessageAt)).all();
      const picked = rows.filter((c) => !q || (contactNames.get(c.contactId) ?? '').toLowerCase().includes(q) || c.id.toLowerCase().includes(q) || (c.subject ?? '').toLowerCase().includes(q)).slice(0, limit);
      const msgs = picked.length ? db.select().from(messages).where(and(inArray(messages.conversationId, picked.map((c) => c.id)), eq(messages.direction, 'inbound'))).all() : [];
      return {
        items: picked.map((c) => {
          const ls = msgs.filter((m) => m.conversationId === c.id && m.body.trim() && !isDeviceAlert(m, c.channel)).map((m) => levelOf(m.id, m.body));
          return {
            id: c.id,
            contactName: contactNames.get(c.contactId) ?? '—',
            channel: c.channel,
            status: c.status,
            teamId: c.teamId,
            assigneeName: c.assigneeId ? (userNames.get(c.assigneeId) ?? c.assigneeId) : null,
            lastMessageAt: c.lastMessageAt,
            mean: ls.length ? Math.round((ls.reduce((a, b) => a + b, 0) / ls.length) * 10) / 10 : null,
            min: ls.length ? Math.min(...ls) : null,
          };
        }),
      };
    },
    sentimentTimeline: async ({ conversationId }) => {
      requireSupervisor();
      const c = db.select().from(conversations).where(eq(conversations.id, conversationId)).get();
      if (!c) throw new LanternError('replica.not_found', `No conversation ${conversationId}`);
      const contact = db.select().from(contacts).where(eq(contacts.id, c.contactId)).get();
      const msgs = db.select().from(messages).where(eq(messages.conversationId, c.id)).orderBy(messages.createdAt).all();
      const events = db.select().from(conversationEvents).where(eq(conversationEvents.conversationId, c.id)).all();
      const userNames = names();
      const transfers = events
        .filter((e) => e.kind === 'transfer' || e.kind === 'assign')
        .map((e) => ({ at: e.createdAt, from: (e.detail.from as string | null | undefined) ?? null, to: (e.detail.to as string | null | undefined) ?? (e.detail.assigneeId as string | null | undefined) ?? null }))
        .filter((t) => t.from !== null && t.to !== null)
        .map((t) => ({ at: t.at, from: userNames.get(t.from!) ?? t.from, to: userNames.get(t.to!) ?? t.to }));
      const readings = db.select().from(deviceReadings).where(eq(deviceReadings.contactId, c.contactId)).all();
      const thresholds = thresholdsFor(contact?.thresholds ?? {});
      const tl = sentimentTimeline(
        { id: c.id, channel: c.channel, status: c.status, priority: c.priority, assigneeId: c.assigneeId, teamId: c.teamId, createdAt: c.createdAt, messages: msgs.map(toMsg), transfers },
        { now: ctx.now(), readings, thresholds },
      );
      await auditOpen(c.id, 'sentiment');
      return {
        conversation: { id: c.id, contactName: contact?.displayName ?? '—', channel: c.channel, status: c.status, assigneeName: c.assigneeId ? (userNames.get(c.assigneeId) ?? c.assigneeId) : null },
        ...tl,
        messages: msgs.map((m) => ({ id: m.id, direction: m.direction, authorName: m.authorName, body: m.body, createdAt: m.createdAt, recalledAt: m.recalledAt })),
      };
    },
    sentimentTrends: ({ groupBy, granularity, periods }) => {
      requireSupervisor();
      const now = ctx.now();
      const span = (granularity === 'day' ? 1 : 7) * (periods + 1) * DAY_MS;
      const t = sentimentTrends(scored(now - span), { now, granularity, periods, groupBy });
      const labels = groupBy === 'team' ? teamNames() : names();
      return { periods: t.periods, groups: t.groups.map((g) => ({ ...g, label: labels.get(g.id) ?? (g.id === '—' ? '—' : g.id) })) };
    },
    sentimentDrill: ({ groupBy, groupId, granularity, period, level }) => {
      requireSupervisor();
      const now = ctx.now();
      return { items: sentimentDrill(scored(now - 400 * DAY_MS), { groupBy, groupId, granularity, period, ...(level !== undefined ? { level } : {}) }) };
    },
    tide: ({ granularity, periods }) => {
      requireSupervisor();
      const now = ctx.now();
      const span = (granularity === 'week' ? 7 : 31) * (periods + 1) * DAY_MS;
      return keywordTide(
        patientMessages(now - span).map((m) => ({ conversationId: m.conversationId, at: m.createdAt, body: m.body })),
        { now, granularity, periods, topics },
      );
    },
    silence: ({ days }) => {
      requireSupervisor();
      const now = ctx.now();
      const open = db.select().from(conversations).where(inArray(conversations.status, ['open', 'pending'])).all();
      const contactNames = new Map(db.select({ id: contacts.id, name: contacts.displayName }).from(contacts).all().map((c) => [c.id, c.name]));
      const msgs = open.length ? db.select().from(messages).where(inArray(messages.conversationId, open.map((c) => c.id))).all() : [];
      const userNames = names();
      const items = silenceAlerts(
        open.map((c) => ({
          conversationId: c.id,
          contactId: c.contactId,
          contactName: contactNames.get(c.contactId) ?? '—',
          channel: c.channel,
          status: c.status,
          assigneeId: c.assigneeId,
          createdAt: c.createdAt,
          messages: msgs.filter((m) => m.conversationId === c.id),
        })),
        { now, days },
      );
      return { days, items: items.map(({ assigneeId, ...a }) => ({ ...a, assigneeName: assigneeId ? (userNames.get(assigneeId) ?? assigneeId) : null })) };
    },
    lifecycle: ({ weeks }) => {
      requireSupervisor();
      const all = db.select({ id: contacts.id, createdAt: contacts.createdAt }).from(contacts).all();
      const msgs = patientMessages(0);
      const byContact = new Map<string, { at: number; conversationId: string }[]>();
      for (const m of msgs) byContact.set(m.contactId, [...(byContact.get(m.contactId) ?? []), { at: m.createdAt, conversationId: m.conversationId }]);
      const s = lifecycleSeries(
        all.map((c) => ({ contactId: c.id, createdAt: c.createdAt, messages: byContact.get(c.id) ?? [] })),
        { now: ctx.now(), weeks },
      );
      return { ...s, contacts: all.length };
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { contract } from '../../shared/contract';
import { createClient, type Client } from '../../shared/contract/client';
import { questionsOf, suggestionFor } from '../../shared/supervisor';
import { seedRealistic, type RealisticOutcome } from '../../hub/qa/seed-realistic';
import { startQaHub, type QaTestHub } from '../../hub/qa/testing';
import { tempDir } from '../support/tmp';

const KNOWLEDGE = join(import.meta.dirname, '..', '..', 'resources', 'knowledge');

/** The supervisor views end to end in Node: workstation services + a real in-process hub with the QA API. */
describe('supervisor views: workstation ↔ hub', () => {
  let hub: QaTestHub;
  let hubDir: ReturnType<typeof tempDir>;
  let seeded: RealisticOutcome;
  const cleanups: (() => Promise<void> | void)[] = [];

  async function station(username: string, password: string): Promise<{ ws: Workstation; client: Client<typeof contract> }> {
    const t = tempDir('lantern-sup-ws-');
    const ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl: hub.url, knowledgeDir: KNOWLEDGE, sync: { pollMs: 200 } });
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    const client = createClient(contract, { invoke: ws.dispatch });
    expect((await client.sync.login({ username, password })).ok).toBe(true);
    for (let i = 0; i < 100; i++) {
      ws.sync!.kick();
      await ws.sync!.idle();
      if (ws.sync!.snapshot().status === 'online') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return { ws, client };
  }

  let sup: Awaited<ReturnType<typeof station>>;
  let agent: Awaited<ReturnType<typeof station>>;

  beforeAll(async () => {
    hubDir = tempDir('lantern-sup-hub-');
    hub = await startQaHub({ dataDir: hubDir.dir, seed: async (ctx) => (seeded = await seedRealistic(ctx.store, { now: Date.now() })) });
    sup = await station('supervisor', 'supervisor-demo');
    agent = await station('agent', 'agent-demo');
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await hub?.close();
    hubDir?.cleanup();
  });

  it('gates supervisor views by role on the workstation too', async () => {
    expect(await agent.client.supervisor.dashboard()).toMatchObject({ ok: false, error: { code: 'supervisor.forbidden' } });
    expect(await agent.client.supervisor.sentimentTrends({ groupBy: 'team', granularity: 'week' })).toMatchObject({ ok: false, error: { code: 'supervisor.forbidden' } });
    // An agent's own reviews are theirs to read.
    expect(await agent.client.supervisor.myReviews()).toMatchObject({ ok: true, value: { stale: false, value: { items: [] } } });
  });

  it('shows the live dashboard from the hub, with the connected supervisor and agent', async () => {
    const r = await sup.client.supervisor.dashboard();
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.stale).toBe(false);
    const d = r.value.value;
    expect(d.presenceAvailable).toBe(true);
    // The agent's workstation holds a WebSocket: not offline.
    expect(d.agents.find((a) => a.id === 'u-agent')!.state).not.toBe('offline');
    expect(d.agents.find((a) => a.id === 'u-nurse2')!.state).toBe('offline');
    expect(d.queues.map((q) => q.teamId).sort()).toEqual(['t-chronic', 't-outpatient']);
    expect(d.surges.map((s) => s.topicId)).toContain('dizziness');
  });

  it('fills the queue, opens and scores a review, the agent disputes it', async () => {
    const fill = await sup.client.supervisor.fillQueue({ percent: 15 });
    if (!fill.ok) throw new Error(fill.error.code);
    expect(fill.value.created).toBeGreaterThan(0);
    const list = await sup.client.supervisor.reviews({ status: 'queued' });
    if (!list.ok) throw new Error(list.error.code);
    const mine = list.value.value.items.find((x) => x.agentId === 'u-agent');
    expect(mine).toBeDefined();
    const d = await sup.client.supervisor.review({ id: mine!.id });
    if (!d.ok) throw new Error(d.error.code);
    const answers = questionsOf(d.value.value.form).map((q) => ({ questionId: q.id, value: suggestionFor(q, d.value.value.review.prescore) ?? q.max }));
    const done = await sup.client.supervisor.submitReview({ id: mine!.id, answers, comment: '整体良好' });
    expect(done).toMatchObject({ ok: true, value: { status: 'submitted' } });
    const theirs = await agent.client.supervisor.myReviews();
    expect(theirs.ok && theirs.value.value.items.map((x) => x.id)).toContain(mine!.id);
    expect(await agent.client.supervisor.dispute({ id: mine!.id, reason: '患者当时已在电话中确认身份' })).toMatchObject({ ok: true, value: { status: 'disputed' } });
    const csv = await sup.client.supervisor.exportCsv({ lang: 'en' });
    if (!csv.ok) throw new Error(csv.error.code);
    expect(csv.value.csv.startsWith('\uFEFFReview,Period,Conversation')).toBe(true);
    expect(csv.value.rows).toBe(1);
    expect(csv.value.csv).toContain(mine!.id);
  });

  it('computes sentiment, keyword tide, silence and lifecycle from the supervisor’s replica', async () => {
    const tl = await sup.client.supervisor.sentimentTimeline({ conversationId: seeded.special.surge[0]! });
    if (!tl.ok) throw new Error(tl.error.code);
    expect(tl.value.points.length).toBeGreaterThan(0);
    expect(tl.value.markers.some((m) => m.kind === 'reply')).toBe(true);
    // Opening it was audited at the hub and in the replica.
    await expect
      .poll(() => hub.ctx.store.read(async (r) => (await r.auditPage(0, 100_000)).some((a) => a.action === 'qa.conversation.open' && a.objectId === seeded.special.surge[0] && a.userId === 'u-supervisor')))
      .toBe(true);
    expect(sup.ws.replica.sqlite.prepare("SELECT count(*) AS n FROM audit WHERE action = 'supervisor.open' AND object_id = ?").get(seeded.special.surge[0])).toEqual({ n: 1 });

    const transferred = await sup.client.supervisor.sentimentTimeline({ conversationId: seeded.special.transferred.at(-1)! });
    expect(transferred.ok).toBe(true);

    const trends = await sup.client.supervisor.sentimentTrends({ groupBy: 'team', granularity: 'week', periods: 10 });
    if (!trends.ok) throw new Error(trends.error.code);
    expect(trends.value.groups.map((g) => g.label).sort()).toEqual(['慢病管理组', '门诊服务组']);
    const out = trends.value.groups.find((g) => g.id === 't-outpatient')!;
    expect(out.total).toBeGreaterThan(50);
    const busiest = out.rows.reduce((a, b) => (b.n > a.n ? b : a));
    expect(busiest.dist.reduce((a, b) => a + b, 0)).toBe(busiest.n);
    expect(busiest.dist[0]! + busiest.dist[1]!).toBeGreaterThan(0); // complaints exist
    const drill = await sup.client.supervisor.sentimentDrill({ groupBy: 'team', groupId: 't-outpatient', granularity: 'week', period: busiest.period });
    expect(drill.ok && drill.value.items.length).toBeGreaterThan(0);

    const tide = await sup.client.supervisor.tide({ granularity: 'week', periods: 8 });
    if (!tide.ok) throw new Error(tide.error.code);
    const dizzy = tide.value.terms.find((t) => t.id === 'dizziness')!;
    expect(dizzy.rising).toBe(true);
    expect(dizzy.label['zh-CN']).toBe('头晕');

    const silence = await sup.client.supervisor.silence({ days: 3 });
    if (!silence.ok) throw new Error(silence.error.code);
    const ids = silence.value.items.map((s) => s.conversationId);
    expect(ids).toEqual(expect.arrayContaining([...seeded.special.silent, seeded.special.neverWrote]));
    expect(silence.value.items.find((s) => s.conversationId === seeded.special.neverWrote)!.kind).toBe('never_wrote');

    const life = await sup.client.supervisor.lifecycle({ weeks: 12 });
    if (!life.ok) throw new Error(life.error.code);
    // The replica only holds patients with a conversation in the supervisor's teams: "registered"
    // here is the one who opened a chat and never wrote (patients with no conversation never sync).
    expect(life.value.current.registered).toBe(1);
    expect(life.value.current.returned).toBeGreaterThan(0);
    expect(life.value.current.silent).toBeGreaterThan(0);
  });

  it('pushes a knowledge pack for a surge to every agent', async () => {
    const cands = await sup.client.supervisor.packCandidates({ topicId: 'dizziness' });
    if (!cands.ok) throw new Error(cands.error.code);
    expect(cands.value.items.length).toBeGreaterThan(0);
    const ids = cands.value.items.slice(0, 2).map((i) => i.id);
    expect(await sup.client.supervisor.publishPack({ topicId: 'dizziness', itemIds: ids })).toMatchObject({ ok: true, value: { published: ids } });
    // The agent's replica receives them by sync.
    await expect.poll(() => (agent.ws.replica.sqlite.prepare(`SELECT count(*) AS n FROM knowledge_items WHERE id IN (${ids.map(() => '?').join(',')})`).get(...ids) as { n: number }).n, { timeout: 8000 }).toBe(ids.length);
    const d = await sup.client.supervisor.dashboard();
    expect(d.ok && d.value.value.pushed.map((p) => p.topicId)).toContain('dizziness');
  });

  it('keeps showing the last answers "as of" when the hub is down, and sends offline audits later', async () => {
    const before = await sup.client.supervisor.dashboard();
    if (!before.ok) throw new Error(before.error.code);
    const port = hub.port;
    await hub.close();
    const stale = await sup.client.supervisor.dashboard();
    expect(stale).toMatchObject({ ok: true, value: { stale: true, asOf: before.value.asOf } });
    expect((await sup.client.supervisor.reviews({ status: 'queued' })).ok).toBe(true);
    expect(await sup.client.supervisor.fillQueue({})).toMatchObject({ ok: false, error: { code: 'supervisor.offline' } });
    expect(await sup.client.supervisor.surveyResults({ groupBy: 'team' })).toMatchObject({ ok: false, error: { code: 'supervisor.offline' } }); // never loaded
    // Replica views keep working; the open is queued for the hub.
    const tl = await sup.client.supervisor.sentimentTimeline({ conversationId: seeded.special.silent[0]! });
    expect(tl.ok).toBe(true);
    const pending = sup.ws.replica.sqlite.prepare("SELECT value FROM settings WHERE key = 'supervisor.pendingAudit'").get() as { value: string };
    expect(JSON.parse(pending.value)).toEqual([expect.objectContaining({ conversationId: seeded.special.silent[0], view: 'sentiment' })]);

    hub = await startQaHub({ dataDir: hubDir.dir, port });
    const fresh = await sup.client.supervisor.dashboard();
    expect(fresh).toMatchObject({ ok: true, value: { stale: false } });
    await expect
      .poll(() => hub.ctx.store.read(async (r) => (await r.auditPage(0, 100_000)).some((a) => a.action === 'qa.conversation.open' && a.objectId === seeded.special.silent[0])))
      .toBe(true);
    expect(JSON.parse((sup.ws.replica.sqlite.prepare("SELECT value FROM settings WHERE key = 'supervisor.pendingAudit'").get() as { value: string }).value)).toEqual([]);
  });
});

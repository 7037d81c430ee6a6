import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, type ServiceContext } from '../../electron/services/handlers/context';
import { knowledgeHandlers, loadSeedKnowledge } from '../../electron/services/handlers/knowledge';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { copyKnowledge, SHIPPED_KNOWLEDGE, startKnowledgeHub, type KnowledgeTestHub } from '../../hub/knowledge/testing';
import { Clock } from '../../hub/testing/harness';
import { contract } from '../../shared/contract';
import { createClient, type Client } from '../../shared/contract/client';
import { createDispatcher } from '../../shared/contract/dispatch';
import { applyKnowledgeDelta, createEngine, knowledgeItemSchema, loadInteractions } from '../../shared/engine';
import { tempDir } from '../support/tmp';
import { settleSync } from '../support/settle';

const ITEM = 'adm-pay-how';

interface Station {
  ws: Workstation;
  client: Client<typeof contract>;
  user: { id: string; role: 'agent' | 'nurse' | 'supervisor'; teamIds: string[] };
}

/**
 * Card feedback from real workstation replicas, pushed by the real sync client to a
 * real in-process hub over HTTP: outbox in the same replica transaction, applied
 * exactly once, retirement published back to every replica, supervisor decisions.
 */
describe('knowledge feedback: workstations → hub → workstations', () => {
  let hub: KnowledgeTestHub;
  const cleanups: (() => Promise<void> | void)[] = [];
  let stations: { agent: Station; agent2: Station; nurse: Station; supervisor: Station };

  const settle = (ws: Workstation) => settleSync(ws);

  async function station(username: string, role: Station['user']['role'], teamIds: string[]): Promise<Station> {
    const t = tempDir('lantern-fb-ws-');
    const ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl: hub.url, knowledgeDir: SHIPPED_KNOWLEDGE, sync: { pollMs: 200 } });
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    const client = createClient(contract, { invoke: ws.dispatch });
    expect((await client.sync.login({ username, password: `${username}-demo` })).ok).toBe(true);
    await settle(ws);
    return { ws, client, user: { id: `u-${username}`, role, teamIds } };
  }

  /**
   * The station's knowledge domain with its sync client passed in (what session-runtime
   * does once wired), behind the real dispatcher and typed client.
   */
  function knowledgeOf(s: Station) {
    const ctx: ServiceContext = {
      replica: s.ws.replica,
      appVersion: 't',
      hubUrl: hub.url,
      now: Date.now,
      session: { user: { ...DEMO_USER, id: s.user.id, role: s.user.role, teamIds: s.user.teamIds }, locked: false },
      autoLockMinutes: 5,
      demoAccounts: null,
    };
    const domain = { knowledge: contract.knowledge };
    return createClient(domain, { invoke: createDispatcher(domain, { knowledge: knowledgeHandlers(ctx, loadSeedKnowledge(SHIPPED_KNOWLEDGE), { sync: s.ws.sync, llm: null }) }) }).knowledge;
  }

  beforeAll(async () => {
    const k = copyKnowledge();
    cleanups.push(k.cleanup);
    hub = await startKnowledgeHub({ clock: new Clock(Date.now()), knowledge: { dir: k.dir, watch: false } });
    cleanups.push(() => hub.close());
    stations = {
      agent: await station('agent', 'agent', ['t-outpatient']),
      agent2: await station('agent2', 'agent', ['t-outpatient']),
      nurse: await station('nurse', 'nurse', ['t-chronic']),
      supervisor: await station('supervisor', 'supervisor', ['t-outpatient', 't-chronic']),
    };
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a vote is written with its outbox entry in one replica transaction and reaches the hub exactly once, even when resent', async () => {
    const { ws, client } = stations.agent;
    ws.sync!.stop();
    expect(await client.knowledge.feedback({ itemId: ITEM, useful: false, conversationId: 'v-zhang-appt' })).toEqual({ ok: true, value: { recorded: true } });
    const local = ws.replica.sqlite.prepare('SELECT item_id AS itemId, useful FROM knowledge_feedback').all();
    expect(local).toEqual([{ itemId: ITEM, useful: 0 }]);
    const outbox = ws.replica.sqlite.prepare("SELECT id, kind, payload, created_at AS createdAt FROM outbox WHERE kind = 'knowledge.feedback'").all() as { id: string; kind: string; payload: string; createdAt: number }[];
    expect(outbox.map((o) => [o.kind, JSON.parse(o.payload)])).toEqual([['knowledge.feedback', { itemId: ITEM, kind: 'useless', conversationId: 'v-zhang-appt' }]]);
    // Waiting for the hub, as a background record: not among the user's "N queued".
    expect(await client.sync.status()).toMatchObject({ ok: true, value: { queued: 0, background: 1 } });

    ws.sync!.start();
    await settle(ws);
    const atHub = await hub.ctx.store.read((r) => r.knowledgeFeedbackOf(ITEM, 0));
    expect(atHub).toEqual([expect.objectContaining({ id: outbox[0]!.id, kind: 'useless', userId: 'u-agent', workstationId: expect.any(String), conversationId: 'v-zhang-appt' })]);

    // The answer was "lost": the entry is back in the outbox and sent again — the hub applies nothing twice.
    ws.replica.sqlite.prepare('INSERT INTO outbox (id, kind, payload, created_at) VALUES (?, ?, ?, ?)').run(outbox[0]!.id, outbox[0]!.kind, outbox[0]!.payload, outbox[0]!.createdAt);
    await settle(ws);
    expect(await hub.ctx.store.read((r) => r.knowledgeFeedbackOf(ITEM, 0))).toHaveLength(1);
  });

  it('three agents marking a card useless retire it everywhere; a supervisor sees usage and the review queue and restores it', async () => {
    const { agent, agent2, nurse, supervisor } = stations;
    await agent2.client.knowledge.feedback({ itemId: ITEM, useful: false, conversationId: 'v-liu-report' });
    await agent2.client.knowledge.track({ itemId: ITEM, event: 'inserted', conversationId: 'v-liu-report' });
    // "shown" is counted once per item and conversation however often the card re-renders.
    expect(await agent2.client.knowledge.track({ itemId: ITEM, event: 'shown', conversationId: 'v-liu-report' })).toEqual({ ok: true, value: { recorded: true } });
    expect(await agent2.client.knowledge.track({ itemId: ITEM, event: 'shown', conversationId: 'v-liu-report' })).toEqual({ ok: true, value: { recorded: false } });
    await settle(agent2.ws);
    // Nothing retired yet: two users.
    await settle(agent.ws);
    expect(await agent.client.knowledge.bundle()).toMatchObject({ ok: true, value: { retired: [] } });

    await nurse.client.knowledge.feedback({ itemId: ITEM, useful: false, conversationId: 'v-chen-glucose' });
    await settle(nurse.ws);
    // Every replica receives the retirement and keeps the item out of its engine.
    for (const s of [agent, agent2, nurse, supervisor]) {
      await settle(s.ws);
      const b = await s.client.knowledge.bundle();
      expect(b.ok && b.value.retired).toEqual([ITEM]);
      expect(b.ok && (b.value.items as { id: string }[]).some((i) => i.id === ITEM)).toBe(true); // retired, not deleted
    }

    // The supervisor views (through the workstation's handlers and the hub API).
    const sup = knowledgeOf(supervisor);
    const usage = await sup.usage({ days: 7 });
    if (!usage.ok) throw new Error(usage.error.code);
    expect(usage.value.items.find((i) => i.itemId === ITEM)).toMatchObject({ shown: 1, inserted: 1, useful: 0, useless: 3, uselessUsers: 3, status: 'retired' });
    const queue = await sup.reviewQueue({ status: 'pending' });
    expect(queue).toMatchObject({ ok: true, value: { items: [expect.objectContaining({ itemId: ITEM, status: 'pending', reason: 'users', uselessUsers: 3, itemStatus: 'retired' })] } });
    expect(await knowledgeOf(agent).reviewQueue({ status: 'pending' })).toMatchObject({ ok: false, error: { code: 'supervisor.forbidden' } });
    expect(await knowledgeOf(agent).usage()).toMatchObject({ ok: false, error: { code: 'supervisor.forbidden' } });

    // The agent's running engine, built while the item was retired, does not suggest it.
    const retiredBundle = await agent.client.knowledge.bundle();
    if (!retiredBundle.ok) throw new Error(retiredBundle.error.code);
    const engine = createEngine({ items: retiredBundle.value.items.map((i) => knowledgeItemSchema.parse(i)), interactions: loadInteractions(JSON.stringify(retiredBundle.value.interactions)).table, retired: retiredBundle.value.retired });
    const payCards = () => engine.suggest({ draft: '', lastPatientMessages: ['门诊怎么缴费？'], role: 'agent', now: Date.now() }).cards.map((c) => c.sourceItemId);
    expect(payCards()).not.toContain(ITEM);

    expect(await sup.review({ itemId: ITEM, decision: 'restore', comment: '已改写' })).toMatchObject({ ok: true, value: { itemId: ITEM, review: 'restored', itemStatus: 'active' } });
    for (const s of [agent, nurse]) {
      await settle(s.ws);
      const b = await s.client.knowledge.bundle();
      expect(b.ok && b.value.retired).toEqual([]);
    }
    // …and learns about the restore incrementally.
    const delta = await agent.client.knowledge.changes({ since: retiredBundle.value.version });
    if (!delta.ok) throw new Error(delta.error.code);
    expect(delta.value).toMatchObject({ items: [expect.objectContaining({ id: ITEM })], removed: [], retired: [] });
    applyKnowledgeDelta(engine, delta.value);
    expect(payCards()).toContain(ITEM);

    // Audited at the hub: each vote once (the resent one is not applied or audited again), the retirement, the restore.
    const audit = (await hub.ctx.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.objectId === ITEM && a.action !== 'knowledge.reload').map((a) => a.action);
    expect(audit).toEqual(['knowledge.feedback', 'knowledge.feedback', 'knowledge.feedback', 'knowledge.feedback', 'knowledge.retire', 'knowledge.feedback', 'knowledge.restore']);
  });

  it('a dismissal is kept per user and conversation, reported once, and counted with copies in the supervisor’s usage', async () => {
    const { agent, agent2, supervisor } = stations;
    const DRUG = 'interaction:warfarin-nsaid';
    const dismiss = (s: Station, conversationId: string) => s.client.knowledge.dismiss({ conversationId, cardId: DRUG, itemId: DRUG });
    expect(await dismiss(agent, 'v-sun-inr')).toEqual({ ok: true, value: { dismissed: true, recorded: true } });
    // Clicked again (a second window): still dismissed, not counted twice.
    expect(await dismiss(agent, 'v-sun-inr')).toEqual({ ok: true, value: { dismissed: true, recorded: false } });
    expect(await agent.client.knowledge.track({ itemId: DRUG, event: 'copied', conversationId: 'v-sun-inr' })).toEqual({ ok: true, value: { recorded: true } });
    expect(await agent.client.knowledge.dismissed({ conversationId: 'v-sun-inr' })).toEqual({ ok: true, value: { cardIds: [DRUG] } });
    // Another conversation, or a colleague on the same conversation: not dismissed.
    expect(await agent.client.knowledge.dismissed({ conversationId: 'v-wang-bp' })).toEqual({ ok: true, value: { cardIds: [] } });
    expect(await agent2.client.knowledge.dismissed({ conversationId: 'v-sun-inr' })).toEqual({ ok: true, value: { cardIds: [] } });
    expect(await dismiss(agent2, 'v-sun-inr')).toMatchObject({ ok: true, value: { recorded: true } });
    await settle(agent.ws);
    await settle(agent2.ws);

    const atHub = await hub.ctx.store.read((r) => r.knowledgeFeedbackOf(DRUG, 0));
    expect(atHub.map((e) => [e.userId, e.kind]).sort()).toEqual([
      ['u-agent', 'copied'],
      ['u-agent', 'dismissed'],
      ['u-agent2', 'dismissed'],
    ]);
    const usage = await knowledgeOf(supervisor).usage({ days: 7 });
    if (!usage.ok) throw new Error(usage.error.code);
    // Counted, never a vote: a dismissal does not make a card "useless".
    expect(usage.value.items.find((i) => i.itemId === DRUG)).toMatchObject({ copied: 1, dismissed: 2, useful: 0, useless: 0 });
  });
});

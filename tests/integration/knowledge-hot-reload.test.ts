import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { copyKnowledge, SHIPPED_KNOWLEDGE, startKnowledgeHub } from '../../hub/knowledge/testing';
import { Clock } from '../../hub/testing/harness';
import { contract } from '../../shared/contract';
import { createClient, type Client } from '../../shared/contract/client';
import { applyKnowledgeDelta, createEngine, knowledgeItemSchema, loadInteractions, type Engine } from '../../shared/engine';
import { tempDir } from '../support/tmp';
import { settleSync } from '../support/settle';

const NEW_ITEM = {
  id: 'adm-roof-garden',
  kind: 'answer',
  topic: 'admin',
  title: { 'zh-CN': '屋顶花园开放时间', en: 'Roof garden opening hours' },
  keywords: ['屋顶花园', '花园开放', '花园几点开'],
  intervention: {
    text: { 'zh-CN': '住院部屋顶花园每天8:00至18:00开放，雨天关闭。（具体以本院最新公告为准）', en: 'The inpatient roof garden is open daily 8:00–18:00, closed when raining.' },
    actions: [{ type: 'suggest_reply', text: { 'zh-CN': '您好，住院部屋顶花园每天8:00至18:00开放，雨天关闭。' } }],
  },
};

type Bundle = { items: unknown[]; interactions: unknown; retired: string[]; errors: string[]; version: number };

function engineFrom(b: Bundle): Engine {
  const items = b.items.map((i) => knowledgeItemSchema.parse(i));
  return createEngine({ items, interactions: loadInteractions(JSON.stringify(b.interactions)).table, retired: b.retired });
}

const itemCards = (engine: Engine, message: string) =>
  engine.suggest({ draft: '', lastPatientMessages: [message], role: 'agent', now: Date.now() }).cards.filter((c) => c.kind === 'answer' || c.kind === 'guidance');

/**
 * Hub file edit → hub change log → a real workstation replica via the sync client →
 * the workstation's knowledge bundle / incremental changes → the engine's index.
 */
describe('knowledge hot reload reaches the workstation engine', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function station(hubUrl: string): Promise<{ ws: Workstation; client: Client<typeof contract> }> {
    const t = tempDir('lantern-kn-ws-');
    const ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl, knowledgeDir: SHIPPED_KNOWLEDGE, sync: { pollMs: 200 } });
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    const client = createClient(contract, { invoke: ws.dispatch });
    expect((await client.sync.login({ username: 'agent', password: 'agent-demo' })).ok).toBe(true);
    await settle(ws);
    return { ws, client };
  }

  const settle = (ws: Workstation) => settleSync(ws);

  it('a new, a changed and a deleted item in the hub’s files arrive by sync and update the running engine incrementally', async () => {
    const k = copyKnowledge();
    cleanups.push(k.cleanup);
    const hub = await startKnowledgeHub({ clock: new Clock(Date.now()), knowledge: { dir: k.dir, debounceMs: 100, pollMs: 0 } });
    cleanups.push(() => hub.close());
    const { ws, client } = await station(hub.url);

    const first = await client.knowledge.bundle();
    if (!first.ok) throw new Error(first.error.code);
    expect(first.value.version).toBeGreaterThan(0);
    expect(first.value.errors.filter((e) => !e.startsWith('hub:k-'))).toEqual([]); // the demo seed's two non-engine items only
    const engine = engineFrom(first.value);
    expect(itemCards(engine, '屋顶花园几点开门？').map((c) => c.sourceItemId)).not.toContain('adm-roof-garden');
    expect(itemCards(engine, '医院里有便利店吗？').map((c) => c.sourceItemId)).toContain('adm-wifi-other');

    // Someone edits the hub's files: one item added, one reworded, one deleted.
    const admin = join(k.dir, 'admin.jsonl');
    const lines = readFileSync(admin, 'utf8').trimEnd().split('\n').filter((l) => !l.includes('"id": "adm-wifi-other"'));
    const i = lines.findIndex((l) => l.includes('"id": "adm-pay-how"'));
    lines[i] = lines[i]!.replace('可通过', '本院现已支持刷脸支付，也可通过');
    writeFileSync(admin, `${[...lines, JSON.stringify(NEW_ITEM)].join('\n')}\n`);

    // Watcher → change log → poke/poll → pull into the encrypted replica.
    await expect.poll(() => hub.knowledge.last?.added, { timeout: 5000 }).toEqual(['adm-roof-garden']);
    expect(hub.knowledge.last).toMatchObject({ changed: ['adm-pay-how'], removed: ['adm-wifi-other'] });
    let delta: { version: number; items: unknown[]; removed: string[]; retired: string[]; errors: string[] } | null = null;
    await expect
      .poll(
        async () => {
          ws.sync!.kick();
          await ws.sync!.idle();
          const r = await client.knowledge.changes({ since: first.value.version });
          delta = r.ok ? r.value : null;
          return delta?.removed ?? [];
        },
        { timeout: 10_000 },
      )
      .toEqual(['adm-wifi-other']);
    const d = delta!;
    expect(d.version).toBeGreaterThan(first.value.version);
    expect((d.items as { id: string }[]).map((x) => x.id).sort()).toEqual(['adm-pay-how', 'adm-roof-garden']);
    expect(ws.replica.sqlite.prepare("SELECT value FROM settings WHERE key = 'knowledge_status:adm-wifi-other'").get()).toEqual({ value: '"removed"' });

    // Incremental update of the running engine (what the renderer's worker does with `changes`).
    expect(applyKnowledgeDelta(engine, d)).toEqual({ upserted: expect.arrayContaining(['adm-pay-how', 'adm-roof-garden']), removed: ['adm-wifi-other'], invalid: [] });
    const garden = itemCards(engine, '屋顶花园几点开门？');
    expect(garden[0]).toMatchObject({ sourceItemId: 'adm-roof-garden', title: '屋顶花园开放时间' });
    expect(garden[0]!.actions).toEqual([{ type: 'suggest_reply', text: '您好，住院部屋顶花园每天8:00至18:00开放，雨天关闭。' }]);
    expect(itemCards(engine, '医院里有便利店吗？').map((c) => c.sourceItemId)).not.toContain('adm-wifi-other');
    expect(itemCards(engine, '怎么缴费').find((c) => c.sourceItemId === 'adm-pay-how')?.body).toContain('刷脸支付');

    // A fresh bundle (a restarted window) agrees — and the deleted item stays hidden although the app bundles a copy of it.
    const again = await client.knowledge.bundle();
    if (!again.ok) throw new Error(again.error.code);
    const ids = (again.value.items as { id: string }[]).map((x) => x.id);
    expect(ids).toContain('adm-roof-garden');
    expect(ids).not.toContain('adm-wifi-other');
    expect(JSON.stringify((again.value.items as { id: string }[]).find((x) => x.id === 'adm-pay-how'))).toContain('刷脸支付');
    expect(again.value.version).toBe(d.version);
    // Nothing newer: an empty delta.
    expect(await client.knowledge.changes({ since: again.value.version })).toMatchObject({ ok: true, value: { items: [], removed: [], retired: [] } });

    // A broken save on the hub changes nothing on the workstation.
    writeFileSync(admin, `${readFileSync(admin, 'utf8')}{"id": "adm-broken", "kind": "answer"\n`);
    await expect.poll(() => hub.knowledge.last?.ok, { timeout: 5000 }).toBe(false);
    await settle(ws);
    expect(await client.knowledge.changes({ since: again.value.version })).toMatchObject({ ok: true, value: { items: [], removed: [] } });
  });
});

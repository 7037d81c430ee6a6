import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp';
import { createStaticKeyStore } from '../replica/keystore';
import { setKnowledgeStatus } from '../sync/knowledge-status';
import { createWorkstation, type Workstation } from '../workstation';

const demoDataPath = fileURLToPath(new URL('../../../resources/demo/demo.json', import.meta.url));
const DRUG = 'interaction:warfarin-nsaid';

/** knowledge.dismiss / dismissed / source / track('copied') on the demo clinic's encrypted replica. */
describe('knowledge card actions', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  /** A demo workstation; `reopen` closes it and opens the same replica file again (an app restart). */
  async function demo(): Promise<{ ws: () => Workstation; reopen: () => Promise<void> }> {
    const t = tempDir('lantern-kc-');
    const key = randomBytes(32);
    const open = (created: boolean) => createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(key, created), appVersion: '9.8.7', hubUrl: null, demoDataPath });
    let ws = await open(true);
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    return {
      ws: () => ws,
      reopen: async () => {
        await ws.close();
        ws = await open(false);
      },
    };
  }
  const call = async <T>(ws: Workstation, method: string, input: unknown): Promise<T> => {
    const r = await ws.dispatch(method, input);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as T;
  };

  it('keeps a dismissed card per conversation across a restart; nothing is queued without a hub', async () => {
    const d = await demo();
    expect(await call(d.ws(), 'knowledge.dismiss', { conversationId: 'v-sun-inr', cardId: DRUG, itemId: DRUG })).toEqual({ dismissed: true, recorded: true });
    expect(await call(d.ws(), 'knowledge.dismiss', { conversationId: 'v-sun-inr', cardId: 'item:adm-pay-how', itemId: 'adm-pay-how' })).toEqual({ dismissed: true, recorded: true });
    expect(await call(d.ws(), 'knowledge.dismiss', { conversationId: 'v-sun-inr', cardId: DRUG, itemId: DRUG })).toEqual({ dismissed: true, recorded: false });
    await d.reopen();
    expect(await call(d.ws(), 'knowledge.dismissed', { conversationId: 'v-sun-inr' })).toEqual({ cardIds: [DRUG, 'item:adm-pay-how'] });
    expect(await call(d.ws(), 'knowledge.dismissed', { conversationId: 'v-wang-bp' })).toEqual({ cardIds: [] });
    // A dismissal is not a vote: the feedback table (and the local retirement rule) never sees it.
    expect(d.ws().replica.sqlite.prepare('SELECT count(*) AS n FROM knowledge_feedback').get()).toEqual({ n: 0 });
    expect(d.ws().replica.sqlite.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'knowledge.feedback'").get()).toEqual({ n: 0 });
    expect(await call(d.ws(), 'knowledge.track', { itemId: DRUG, event: 'copied', conversationId: 'v-sun-inr' })).toEqual({ recorded: false });
  });

  it('refuses to keep red flags, wording, tone and AI cards dismissed', async () => {
    const d = await demo();
    for (const cardId of ['red_flag:chest_pain', 'compliance:cure_promise', 'tone:anxious', 'llm:reply']) {
      expect(await d.ws().dispatch('knowledge.dismiss', { conversationId: 'v-sun-inr', cardId, itemId: 'x' })).toMatchObject({ ok: false, error: { code: 'knowledge.not_dismissable' } });
    }
    expect(await call(d.ws(), 'knowledge.dismissed', { conversationId: 'v-sun-inr' })).toEqual({ cardIds: [] });
  });

  it('reads a bundled item as premise → trigger → intervention with its file, line and app version', async () => {
    const d = await demo();
    const s = await call<Record<string, unknown>>(d.ws(), 'knowledge.source', { sourceItemId: 'dm-hypo-mild' });
    expect(s).toMatchObject({
      sourceItemId: 'dm-hypo-mild',
      type: 'item',
      label: 'guidance',
      topic: 'diabetes',
      title: { 'zh-CN': '低血糖（血糖低于3.9）的处理', en: 'Low blood sugar (below 3.9 mmol/L)' },
      body: { 'zh-CN': expect.stringContaining('15-15原则') },
      premise: [{ key: 'conditions', values: [expect.objectContaining({ 'zh-CN': expect.any(String), en: expect.any(String) })] }],
      trigger: [
        { key: 'phrases', values: expect.arrayContaining([{ 'zh-CN': '低血糖' }]) },
        { key: 'readings', values: [{ 'zh-CN': '血糖 < 3.9 mmol/L', en: 'Glucose < 3.9 mmol/L' }] },
      ],
      replies: [expect.objectContaining({ 'zh-CN': expect.stringContaining('3–4块糖') })],
      links: [],
      origin: { kind: 'bundled', file: 'diabetes.jsonl', line: 1, appVersion: '9.8.7' },
      status: 'active',
    });
    // Keywords and trigger phrases are listed once.
    const phrases = (s.trigger as { key: string; values: { 'zh-CN': string }[] }[])[0]!.values.map((v) => v['zh-CN']);
    expect(new Set(phrases).size).toBe(phrases.length);
  });

  it('reads the interaction table with its citation, and a red-flag rule as built in', async () => {
    const d = await demo();
    expect(await call(d.ws(), 'knowledge.source', { sourceItemId: DRUG })).toMatchObject({
      type: 'interaction',
      label: 'major',
      title: { 'zh-CN': expect.stringContaining('华法林') },
      premise: [{ key: 'drugs', values: [{ 'zh-CN': '华法林', en: 'warfarin' }, { 'zh-CN': expect.stringContaining('布洛芬') }] }],
      origin: { kind: 'table', reference: expect.stringContaining('package inserts'), licence: expect.any(String), updated: '2026-11-25', appVersion: '9.8.7' },
    });
    expect(await call(d.ws(), 'knowledge.source', { sourceItemId: 'redflag:severe_hypoglycemia' })).toMatchObject({
      type: 'red_flag',
      label: 'emergency',
      trigger: [{ key: 'readings', values: [{ 'zh-CN': '血糖 < 3 mmol/L' }] }],
      origin: { kind: 'builtin', appVersion: '9.8.7' },
    });
    for (const id of ['rule:cure_promise', 'tone:anxious', 'llm:qwen', 'no-such-item', 'interaction:nope', 'redflag:nope']) {
      expect(await d.ws().dispatch('knowledge.source', { sourceItemId: id })).toMatchObject({ ok: false, error: { code: 'knowledge.source_not_found' } });
    }
  });

  it('prefers the hub’s synced copy (version, date, links) and honours its retired / removed status', async () => {
    const d = await demo();
    const ws = d.ws();
    const body = {
      id: 'adm-pay-how',
      kind: 'answer',
      topic: 'admin',
      title: { 'zh-CN': '门诊怎么缴费（新版）' },
      keywords: ['缴费'],
      intervention: { text: { 'zh-CN': '以本院最新公告为准。' }, actions: [{ type: 'link', url: 'https://www.nhc.gov.cn/fees', label: { 'zh-CN': '收费公示', en: 'Fee notice' } }] },
    };
    ws.replica.sqlite.prepare("INSERT INTO knowledge_items (id, lang, title, body, updated_at, hub_seq) VALUES ('adm-pay-how', 'zh-CN', 't', ?, 1700000000000, 42)").run(JSON.stringify(body));
    expect(await call(ws, 'knowledge.source', { sourceItemId: 'adm-pay-how' })).toMatchObject({
      title: { 'zh-CN': '门诊怎么缴费（新版）' },
      links: [{ url: 'https://www.nhc.gov.cn/fees', label: { 'zh-CN': '收费公示', en: 'Fee notice' } }],
      origin: { kind: 'hub', seq: 42, updatedAt: 1700000000000 },
      status: 'active',
    });
    setKnowledgeStatus(ws.replica, 'adm-pay-how', 'retired');
    expect(await call(ws, 'knowledge.source', { sourceItemId: 'adm-pay-how' })).toMatchObject({ status: 'retired' });
    setKnowledgeStatus(ws.replica, 'adm-pay-how', 'removed');
    expect(await ws.dispatch('knowledge.source', { sourceItemId: 'adm-pay-how' })).toMatchObject({ ok: false, error: { code: 'knowledge.source_not_found' } });
  });
});

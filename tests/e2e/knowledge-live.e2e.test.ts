import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { copyKnowledge, SHIPPED_KNOWLEDGE, startKnowledgeHub, type KnowledgeTestHub } from '../../hub/knowledge/testing';
import { Clock } from '../../hub/testing/harness';
import { contract } from '../../shared/contract';
import { createClient } from '../../shared/contract/client';
import { tempDir } from '../support/tmp';
import { expectNoSeriousA11yViolations, installBridge, launchBrowser, SCREENSHOT_DIR, startRendererServer, watchErrors } from './harness';

const NEW_ITEM = {
  id: 'adm-roof-garden',
  kind: 'answer',
  topic: 'admin',
  title: { 'zh-CN': '屋顶花园开放时间', en: 'Roof garden opening hours' },
  keywords: ['屋顶花园', '花园开放', '花园几点开'],
  intervention: {
    text: { 'zh-CN': '住院部屋顶花园每天8:00至18:00开放，雨天关闭。（具体以本院最新公告为准）', en: 'The inpatient roof garden is open daily 8:00–18:00, closed when raining.' },
    actions: [{ type: 'suggest_reply', text: { 'zh-CN': '您好，住院部屋顶花园每天8:00至18:00开放，雨天关闭。', en: 'Hello, the inpatient roof garden is open daily 8:00–18:00 and closed when it rains.' } }],
  },
};
const PAY = 'adm-pay-how';
const shot = (name: string) => join(SCREENSHOT_DIR, `${name}.png`);
const card = (page: Page, source: string) => page.locator(`[data-testid=knowledge-card][data-source="${source}"]`);
const sources = (page: Page) => page.getByTestId('knowledge-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-source')));
/** The agent signs in through the workstation; only the expected 401 of a refreshed token may show in the console. */
const realErrors = (errors: string[]) => errors.filter((e) => !e.includes('401'));

/**
 * Live knowledge in real Chromium: a real hub watching a knowledge directory, the
 * agent's and the supervisor's workstation services over encrypted replicas synced
 * from it. Hub file edits and feedback-driven retirement reach the agent's open
 * sidebar without a reload; the supervisor reads usage counts and decides the review queue.
 */
describe('live knowledge updates and the supervisor’s knowledge view (Chromium, real hub)', () => {
  let hub: KnowledgeTestHub;
  let knowledge: ReturnType<typeof copyKnowledge>;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  const stations: { ws: Workstation; dir: ReturnType<typeof tempDir> }[] = [];
  let agent: Workstation;
  let sup: Workstation;

  /**
   * The hospital's on-prem LLM server (vLLM speaks the OpenAI chat-completions shape):
   * no model runs here, so a loopback server answers the summary and the reply prompts.
   */
  let llm: Server;
  let llmUrl = '';
  const llmRequests: string[] = [];
  const LLM_SUMMARY = '患者原约明天上午妇科门诊，因出差希望改到下周三，尚未答复。';
  const LLM_REPLY = '您好，可以为您改约到下周三的妇科门诊，请问您方便上午还是下午？';

  async function station(username: string, password: string, withLlm = false): Promise<Workstation> {
    const dir = tempDir('lantern-e2e-kl-');
    const ws = await createWorkstation({
      dataDir: dir.dir,
      keyStore: createStaticKeyStore(randomBytes(32), true),
      appVersion: 'e2e',
      hubUrl: hub.url,
      knowledgeDir: SHIPPED_KNOWLEDGE,
      sync: { pollMs: 300 },
      llm: withLlm ? { baseUrl: llmUrl, model: 'qwen2.5-7b-instruct' } : null,
    });
    stations.push({ ws, dir });
    const r = await createClient(contract, { invoke: ws.dispatch }).sync.login({ username, password });
    if (!r.ok) throw new Error(r.error.code);
    for (let i = 0; i < 200; i++) {
      ws.sync!.kick();
      await ws.sync!.idle();
      const s = ws.sync!.snapshot();
      if (s.status === 'online' && s.queued === 0 && s.background === 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    return ws;
  }

  beforeAll(async () => {
    llm = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        llmRequests.push(raw);
        const body = JSON.parse(raw) as { messages: { role: string; content: string }[] };
        const content = /摘要|summar/i.test(body.messages[0]?.content ?? '') ? LLM_SUMMARY : LLM_REPLY;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'qwen2.5-7b-instruct', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
      });
    });
    await new Promise<void>((r) => llm.listen(0, '127.0.0.1', () => r()));
    llmUrl = `http://127.0.0.1:${(llm.address() as AddressInfo).port}`;
    knowledge = copyKnowledge();
    hub = await startKnowledgeHub({ clock: new Clock(Date.now()), knowledge: { dir: knowledge.dir, debounceMs: 100, pollMs: 0 } });
    agent = await station('agent', 'agent-demo', true);
    sup = await station('supervisor', 'supervisor-demo');
    server = await startRendererServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const s of stations) {
      await s.ws.close();
      s.dir.cleanup();
    }
    await hub?.close();
    knowledge?.cleanup();
    llm?.closeAllConnections();
    await new Promise<void>((r) => (llm ? llm.close(() => r()) : r()));
  });

  async function openPage(ws: Workstation, language: 'zh-CN' | 'en'): Promise<{ page: Page; errors: string[] }> {
    await ws.dispatch('session.setLanguage', { language });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: language });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    return { page, errors };
  }

  async function openConversation(language: 'zh-CN' | 'en', conversationId: string, draft: string): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(agent, language);
    const { page } = opened;
    await page.locator(`[data-conversation-id="${conversationId}"]`).first().click();
    await page.getByTestId('timeline').waitFor();
    await page.locator('[data-testid=knowledge-panel][data-ready=true]').waitFor({ timeout: 15_000 });
    await page.getByTestId('composer-input').fill(draft);
    return opened;
  }

  async function openKnowledgeTab(language: 'zh-CN' | 'en'): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(sup, language);
    await opened.page.getByTestId('page-supervisor').click();
    await opened.page.getByTestId('sup-tab-knowledge').click();
    await opened.page.getByTestId('sup-knowledge').waitFor();
    return opened;
  }

  it('shows a card the hub’s knowledge file gained a moment ago, for the draft already typed, without reloading', async () => {
    const { page, errors } = await openConversation('zh-CN', 'v-zhang-appt', '您好，住院部的屋顶花园几点开放？');
    // The engine has answered for this draft (the draft's own words raise other admin cards), and the item does not exist yet.
    await expect.poll(() => page.getByTestId('knowledge-card').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await card(page, NEW_ITEM.id).count()).toBe(0);
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

    // Someone at the hub saves the knowledge file with one more item.
    const admin = join(knowledge.dir, 'admin.jsonl');
    writeFileSync(admin, `${readFileSync(admin, 'utf8').trimEnd()}\n${JSON.stringify(NEW_ITEM)}\n`);
    await expect.poll(() => hub.knowledge.last?.added, { timeout: 5000 }).toEqual([NEW_ITEM.id]);

    // Hub change log → the agent's replica → knowledge.changes → the worker's index → the cards of the current draft.
    await expect.poll(() => card(page, NEW_ITEM.id).count(), { timeout: 15_000 }).toBe(1);
    const garden = card(page, NEW_ITEM.id);
    await expect(garden.locator('strong').textContent()).resolves.toBe('屋顶花园开放时间');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await page.screenshot({ path: shot('knowledge-live-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'knowledge panel with live cards (zh-CN)');

    // Its reply goes into the composer only; nothing is sent.
    const sent = (agent.replica.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    await garden.getByTestId('card-insert').click();
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toContain('屋顶花园每天8:00至18:00开放');
    expect((agent.replica.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(sent);
    expect(realErrors(errors)).toEqual([]);
    await page.context().close();

    // The same item in English (a new window loads the bundle, which now holds it).
    const en = await openConversation('en', 'v-zhang-appt', '屋顶花园几点开？');
    await expect.poll(() => card(en.page, NEW_ITEM.id).locator('strong').textContent(), { timeout: 10_000 }).toBe('Roof garden opening hours');
    await en.page.screenshot({ path: shot('knowledge-live-en') });
    await expectNoSeriousA11yViolations(en.page, 'knowledge panel with live cards (en)');
    expect(realErrors(en.errors)).toEqual([]);
    await en.page.context().close();
    await agent.dispatch('session.setLanguage', { language: 'zh-CN' });
  });

  it('takes a card out of the agent’s sidebar when colleagues retire it, and a supervisor sees the counts and restores it', async () => {
    const { page, errors } = await openConversation('zh-CN', 'v-zhang-appt', '请问在哪里缴费？怎么缴费？');
    await expect.poll(() => card(page, PAY).count(), { timeout: 10_000 }).toBe(1);

    // Two colleagues on their own workstations have marked it useless already …
    const [agent2, nurse] = await Promise.all([hub.signIn('agent2'), hub.signIn('nurse')]);
    expect((await agent2.mutate('knowledge.feedback', { itemId: PAY, kind: 'useless', conversationId: 'v-liu-report' })).status).toBe('applied');
    expect((await nurse.mutate('knowledge.feedback', { itemId: PAY, kind: 'useless', conversationId: 'v-chen-glucose' })).status).toBe('applied');
    // … and the agent's own click is the third user: the hub retires the item and every replica learns it.
    await card(page, PAY).getByTestId('card-useless').click();
    await expect.poll(() => card(page, PAY).count(), { timeout: 15_000 }).toBe(0);
    await page.screenshot({ path: shot('knowledge-retired-zh-CN') });

    // The supervisor: usage counts per item and the review queue.
    const s = await openKnowledgeTab('zh-CN');
    const row = s.page.locator(`[data-testid=knowledge-review-row][data-item="${PAY}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-status')).toBe('pending');
    await expect(row.textContent()).resolves.toContain('3 位同事标记没用');
    const usage = s.page.locator(`[data-testid=knowledge-usage-row][data-item="${PAY}"]`);
    await expect.poll(() => usage.locator('[data-count=useless]').textContent(), { timeout: 10_000 }).toBe('3');
    expect(await usage.locator('[data-count=useful]').textContent()).toBe('0');
    expect(await usage.textContent()).toContain('已退出建议');
    expect(await s.page.getByTestId('knowledge-rule').textContent()).toContain('7 天内有 3 位同事或累计 5 次');
    await s.page.screenshot({ path: shot('supervisor-knowledge-zh-CN') });
    await expectNoSeriousA11yViolations(s.page, 'supervisor knowledge tab (zh-CN)');

    // Restore: gone from the pending queue, active at the hub, and back in the agent's sidebar without a reload.
    await row.getByTestId('knowledge-restore').click();
    await expect.poll(() => s.page.getByTestId('knowledge-note').textContent()).toContain('已恢复推荐');
    await s.page.getByTestId('knowledge-queue-empty').waitFor();
    const decided = (await hub.ctx.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'knowledge.restore');
    expect(decided).toHaveLength(1);
    await expect.poll(() => card(page, PAY).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => usage.textContent(), { timeout: 10_000 }).toContain('使用中');

    // A second decision on the same review is refused by the hub (the panel would show it as already decided).
    const again = await createClient(contract, { invoke: sup.dispatch }).knowledge.review({ itemId: PAY, decision: 'confirm' });
    expect(again.ok ? null : again.error.code).toBe('qa.invalid_state');
    expect(realErrors(errors)).toEqual([]);
    expect(realErrors(s.errors)).toEqual([]);
    await page.context().close();
    await s.page.context().close();

    // English, with every decision listed.
    const en = await openKnowledgeTab('en');
    await en.page.getByTestId('knowledge-queue-all').click();
    const restored = en.page.locator(`[data-testid=knowledge-review-row][data-item="${PAY}"]`);
    await expect.poll(() => restored.getAttribute('data-status'), { timeout: 10_000 }).toBe('restored');
    await expect(restored.textContent()).resolves.toContain('3 colleagues marked it not useful');
    expect(await en.page.getByTestId('sup-tab-knowledge').textContent()).toBe('Knowledge');
    await en.page.screenshot({ path: shot('supervisor-knowledge-en') });
    await expectNoSeriousA11yViolations(en.page, 'supervisor knowledge tab, all decisions (en)');
    expect(realErrors(en.errors)).toEqual([]);
    await en.page.context().close();
  });

  it('counts the cards the agent saw and inserted for the supervisor, and asks the on-prem LLM only when the agent presses the button', async () => {
    const { page, errors } = await openConversation('zh-CN', 'v-zhang-appt', '您好，改约的话需要怎么操作？');
    const insertable = page.locator('[data-testid=knowledge-card]:has([data-testid=card-insert])').first();
    await insertable.waitFor({ timeout: 10_000 });
    const source = (await insertable.getAttribute('data-source'))!;
    await insertable.getByTestId('card-insert').click();
    // Typing and cards never reach the LLM by themselves.
    expect(llmRequests).toHaveLength(0);

    await page.getByTestId('assist-ask').click();
    const assist = page.getByTestId('assist-cards');
    await assist.waitFor({ timeout: 10_000 });
    await expect(assist.locator('[data-card="llm:summary"]').textContent()).resolves.toContain(LLM_SUMMARY);
    const reply = assist.locator('[data-card="llm:reply"]');
    await expect(reply.textContent()).resolves.toContain(LLM_REPLY);
    expect(llmRequests).toHaveLength(2);
    // The transcript went to the model with the patient's name masked.
    expect(llmRequests.join('\n')).toContain('下周三');
    expect(llmRequests.join('\n')).not.toContain('张晓梅');
    await page.screenshot({ path: shot('knowledge-assist-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'knowledge panel with LLM assist cards (zh-CN)');

    // Its reply lands in the composer; nothing is sent.
    const sent = (agent.replica.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    await reply.getByTestId('card-insert').click();
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toContain(LLM_REPLY);
    expect((agent.replica.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(sent);
    expect(realErrors(errors)).toEqual([]);
    await page.context().close();

    // "shown" and "inserted" travel as sync mutations; the supervisor's usage view counts them.
    const supClient = createClient(contract, { invoke: sup.dispatch }).knowledge;
    const counts = async () => {
      agent.sync!.kick();
      const r = await supClient.usage({ days: 7 });
      const row = r.ok ? r.value.items.find((i) => i.itemId === source) : undefined;
      return row ? { shown: row.shown > 0, inserted: row.inserted > 0 } : null;
    };
    await expect.poll(counts, { timeout: 15_000 }).toEqual({ shown: true, inserted: true });
    const s = await openKnowledgeTab('zh-CN');
    const usage = s.page.locator(`[data-testid=knowledge-usage-row][data-item="${source}"]`);
    await usage.waitFor({ timeout: 10_000 });
    expect(Number(await usage.locator('[data-count=shown]').textContent())).toBeGreaterThan(0);
    expect(Number(await usage.locator('[data-count=inserted]').textContent())).toBeGreaterThan(0);
    expect(realErrors(s.errors)).toEqual([]);
    await s.page.context().close();

    // English: the same button and cards.
    const en = await openConversation('en', 'v-zhang-appt', 'Can I move my appointment?');
    await en.page.getByTestId('assist-ask').click();
    await en.page.getByTestId('assist-cards').waitFor({ timeout: 10_000 });
    await expect(en.page.locator('[data-card="llm:reply"]').textContent()).resolves.toContain('AI suggested reply');
    await en.page.screenshot({ path: shot('knowledge-assist-en') });
    await expectNoSeriousA11yViolations(en.page, 'knowledge panel with LLM assist cards (en)');
    expect(realErrors(en.errors)).toEqual([]);
    await en.page.context().close();
    await agent.dispatch('session.setLanguage', { language: 'zh-CN' });
  });

  it('counts copied and dismissed cards for the supervisor; a dismissed card stays hidden in that conversation', async () => {
    const { page, errors } = await openConversation('zh-CN', 'v-zhang-appt', '请问在哪里缴费？怎么缴费？');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const pay = card(page, PAY);
    await pay.waitFor({ timeout: 10_000 });
    const shown = await sources(page);
    await pay.getByTestId('card-copy').click();
    await expect.poll(() => pay.getByTestId('card-copied').textContent()).toBe('已复制');
    await pay.getByTestId('card-dismiss').click();
    await expect.poll(() => pay.count()).toBe(0);
    expect(realErrors(errors)).toEqual([]);
    await page.context().close();

    // Both travel as sync mutations; the hub counts them per item (a dismissal is not a "useless" vote).
    const supClient = createClient(contract, { invoke: sup.dispatch }).knowledge;
    const counts = async () => {
      agent.sync!.kick();
      const r = await supClient.usage({ days: 7 });
      const row = r.ok ? r.value.items.find((i) => i.itemId === PAY) : undefined;
      return row ? { copied: row.copied, dismissed: row.dismissed } : null;
    };
    await expect.poll(counts, { timeout: 15_000 }).toEqual({ copied: 1, dismissed: 1 });
    const s = await openKnowledgeTab('en');
    const usage = s.page.locator(`[data-testid=knowledge-usage-row][data-item="${PAY}"]`);
    await usage.waitFor({ timeout: 10_000 });
    expect(await usage.locator('[data-count=copied]').textContent()).toBe('1');
    expect(await usage.locator('[data-count=dismissed]').textContent()).toBe('1');
    expect(await s.page.locator('[data-testid=knowledge-usage] thead').textContent()).toContain('Dismissed');
    expect(realErrors(s.errors)).toEqual([]);
    await s.page.context().close();

    // Reopened: the same draft, the card stays hidden in this conversation.
    const again = await openConversation('zh-CN', 'v-zhang-appt', '请问在哪里缴费？怎么缴费？');
    await expect.poll(() => sources(again.page), { timeout: 10_000 }).toEqual(shown.filter((x) => x !== PAY));
    expect(await card(again.page, PAY).count()).toBe(0);
    await again.page.context().close();
    await sup.dispatch('session.setLanguage', { language: 'zh-CN' });
  });

  it('keeps the knowledge tab to supervisors: an agent has no such tab, and the hub refuses the agent’s usage call', async () => {
    const { page } = await openPage(agent, 'zh-CN');
    await page.getByTestId('page-supervisor').click();
    await page.getByTestId('supervisor-view').waitFor();
    expect(await page.getByTestId('supervisor-view').getAttribute('data-role')).toBe('agent');
    expect(await page.getByTestId('sup-tab-knowledge').count()).toBe(0);
    const denied = await createClient(contract, { invoke: agent.dispatch }).knowledge.usage({ days: 7 });
    expect(denied.ok ? null : denied.error.code).toBe('supervisor.forbidden');
    await page.context().close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Workstation } from '../../electron/services/workstation';
import { expectNoSeriousA11yViolations, installBridge, startDemoApp, SCREENSHOT_DIR, type startRendererServer, watchErrors } from './harness';

const PAY = 'adm-pay-how';
const PAY_DRAFT = '请问在哪里缴费？怎么缴费？';
const PAY_REPLY = '您好，门诊费用可以在公众号里直接缴费，也可以用自助机或到收费窗口缴纳，医保和微信、支付宝都可以。';
const card = (page: Page, source: string) => page.locator(`[data-testid=knowledge-card][data-source="${source}"]`);
const sources = (page: Page) => page.getByTestId('knowledge-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-source')));

/** Knowledge cards from the local engine (in a Web Worker) while the agent reads and types. */
describe('knowledge-card sidebar', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let ws: Workstation;
  let app: Awaited<ReturnType<typeof startDemoApp>>;

  beforeAll(async () => {
    app = await startDemoApp('lantern-e2e-kn-');
    ({ ws, server, browser } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function open(conversationId: string, options: BrowserContextOptions = {}): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', ...options });
    const page = await context.newPage();
    page.on('close', () => void context.close());
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await openConversation(page, conversationId);
    return { page, errors };
  }
  async function openConversation(page: Page, conversationId: string): Promise<void> {
    await page.locator(`[data-conversation-id="${conversationId}"]`).first().click();
    await page.getByTestId('timeline').waitFor();
  }
  /** Types a draft once the engine is loaded; the cards follow the draft. */
  async function draft(page: Page, text: string): Promise<void> {
    await page.locator('[data-testid=knowledge-panel][data-ready=true]').waitFor({ timeout: 15_000 });
    await page.getByTestId('composer-input').fill(text);
  }
  const kinds = (page: Page) => page.getByTestId('knowledge-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));

  it('warns about warfarin + ibuprofen from the patient’s own medicines and message, citing the source', async () => {
    const { page, errors } = await open('v-sun-inr');
    await expect.poll(() => kinds(page), { timeout: 10_000 }).toContain('interaction');
    const card = page.locator('[data-testid=knowledge-card][data-kind=interaction]').first();
    await expect(card.textContent()).resolves.toMatch(/华法林/);
    expect(await card.getAttribute('data-source')).toMatch(/^interaction:/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'knowledge-interaction-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'knowledge panel with an interaction card (zh-CN)');
    // The same card in English.
    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => page.locator('[data-testid=knowledge-card][data-kind=interaction]').first().textContent(), { timeout: 10_000 }).toMatch(/Warfarin \+ NSAIDs/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'knowledge-interaction-en.png') });
    await expectNoSeriousA11yViolations(page, 'knowledge panel with an interaction card (en)');
    await ws.dispatch('session.setLanguage', { language: 'zh-CN' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('puts a red flag first for a low glucose reading and lets the agent escalate; it cannot be dismissed', async () => {
    const { page } = await open('v-chen-glucose');
    await expect.poll(() => kinds(page), { timeout: 10_000 }).toContain('red_flag');
    expect((await kinds(page))[0]).toBe('red_flag');
    const red = page.locator('[data-testid=knowledge-card][data-kind=red_flag]').first();
    expect(await red.getByTestId('card-dismiss').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'knowledge-redflag-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'knowledge panel with a red flag first (zh-CN)');
    await page.getByTestId('language-switch').selectOption('en');
    // The cards follow the language too (the engine runs again for it).
    await expect.poll(() => page.locator('[data-testid=knowledge-card][data-kind=red_flag]').first().textContent(), { timeout: 10_000 }).toMatch(/hypoglycaemia/i);
    expect((await kinds(page))[0]).toBe('red_flag');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'knowledge-redflag-en.png') });
    await expectNoSeriousA11yViolations(page, 'knowledge panel with a red flag first (en)');
    await ws.dispatch('session.setLanguage', { language: 'zh-CN' });
    await page.close();
  });

  it('blocks a reply that promises a cure until it is reworded, and inserts card text only into the composer', async () => {
    const { page } = await open('v-wang-bp');
    await page.getByTestId('composer-input').fill('放心，我们保证治好您的高血压');
    await expect.poll(() => page.getByTestId('composer-hint').textContent(), { timeout: 10_000 }).toContain('必须修改');
    expect(await page.getByTestId('composer-send').isDisabled()).toBe(true);
    await expectNoSeriousA11yViolations(page, 'composer blocked by a must-fix hint (zh-CN)');
    // A wording card has no knowledge item behind it: its source says so.
    const lint = page.locator('[data-testid=knowledge-card][data-kind=compliance]').first();
    await lint.getByTestId('card-source').click();
    await page.getByTestId('knowledge-source-none').waitFor();
    await page.getByTestId('knowledge-source-close').click();
    await page.getByTestId('knowledge-source').waitFor({ state: 'detached' });
    // A question the shipped knowledge answers (in a conversation whose own messages do not crowd it out):
    // its card must be there, and "insert" puts its reply after the draft.
    await openConversation(page, 'v-zhang-appt');
    await draft(page, PAY_DRAFT);
    const before = (ws.replica.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    await card(page, PAY).waitFor({ timeout: 10_000 });
    expect(await card(page, PAY).count()).toBe(1);
    await card(page, PAY).getByTestId('card-insert').click();
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe(`${PAY_DRAFT}\n${PAY_REPLY}`);
    // Nothing was sent by the panel.
    expect((ws.replica.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(before);
    await page.close();
  });

  it('copies a card’s reply to the clipboard with a confirmation, and records useful, then useless, in the replica', async () => {
    const { page, errors } = await open('v-zhang-appt', { permissions: ['clipboard-read', 'clipboard-write'] });
    await draft(page, PAY_DRAFT);
    const pay = card(page, PAY);
    await pay.waitFor({ timeout: 10_000 });
    await pay.getByTestId('card-copy').click();
    await expect.poll(() => pay.getByTestId('card-copied').textContent()).toBe('已复制');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(PAY_REPLY);

    const votes = () => ws.replica.sqlite.prepare('SELECT useful, conversation_id AS conversationId FROM knowledge_feedback WHERE item_id = ?').all(PAY);
    await pay.getByTestId('card-useful').click();
    await expect.poll(votes).toEqual([{ useful: 1, conversationId: 'v-zhang-appt' }]);
    expect(await pay.getByTestId('card-useful').getAttribute('aria-pressed')).toBe('true');
    // A mis-click corrected: one vote per item and conversation, the latest wins.
    await pay.getByTestId('card-useless').click();
    await expect.poll(votes).toEqual([{ useful: 0, conversationId: 'v-zhang-appt' }]);
    expect(await pay.getByTestId('card-useless').getAttribute('aria-pressed')).toBe('true');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dismisses a card in this conversation: gone at once, still gone after a reload, shown again in another conversation', async () => {
    const { page, errors } = await open('v-zhang-appt');
    await draft(page, PAY_DRAFT);
    await card(page, PAY).waitFor({ timeout: 10_000 });
    const shown = await sources(page);
    await card(page, PAY).getByTestId('card-dismiss').click();
    await expect.poll(() => card(page, PAY).count()).toBe(0);
    // Kept in the replica, read back through the bridge.
    await expect.poll(() => ws.dispatch('knowledge.dismissed', { conversationId: 'v-zhang-appt' })).toEqual({ ok: true, value: { cardIds: [`item:${PAY}`] } });

    // A reload (a new renderer): the same draft brings the same cards, except the dismissed one.
    await page.reload();
    await openConversation(page, 'v-zhang-appt');
    await draft(page, PAY_DRAFT);
    await expect.poll(() => sources(page), { timeout: 10_000 }).toEqual(shown.filter((s) => s !== PAY));
    expect(await card(page, PAY).count()).toBe(0);

    // Another conversation: the card is there.
    await openConversation(page, 'v-he-insurance');
    await draft(page, PAY_DRAFT);
    await expect.poll(() => card(page, PAY).count(), { timeout: 10_000 }).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the source of a card: the item’s title, premise → trigger → intervention and origin, in zh-CN and en', async () => {
    for (const language of ['zh-CN', 'en'] as const) {
      await ws.dispatch('session.setLanguage', { language });
      const { page, errors } = await open('v-wang-bp', { locale: language });
      await draft(page, '我血糖低，心慌手抖');
      const hypo = card(page, 'dm-hypo-mild');
      await hypo.waitFor({ timeout: 10_000 });
      await hypo.getByTestId('card-source').click();
      const dialog = page.getByTestId('knowledge-source');
      await expect.poll(() => dialog.getAttribute('data-phase')).toBe('done');
      // Modal: the rest of the window is inert until it closes; focus is inside it.
      expect(await dialog.evaluate((d) => d.matches(':modal') && d.contains(document.activeElement))).toBe(true);
      const en = language === 'en';
      expect(await dialog.locator('h2').textContent()).toBe(en ? 'Low blood sugar (below 3.9 mmol/L)' : '低血糖（血糖低于3.9）的处理');
      await expect(dialog.getByTestId('knowledge-source-body').textContent()).resolves.toContain(en ? 'the 15-15 rule' : '“15-15原则”');
      const text = (await dialog.textContent()) ?? '';
      expect(text).toContain(en ? 'Glucose < 3.9 mmol/L' : '血糖 < 3.9 mmol/L');
      await expect(dialog.getByTestId('knowledge-source-origin').textContent()).resolves.toContain(en ? 'diabetes.jsonl, line 1' : 'diabetes.jsonl 第 1 行');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `knowledge-source-${language}.png`) });
      await expectNoSeriousA11yViolations(page, `knowledge source dialog (${language})`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(errors).toEqual([]);
      await page.close();
    }
    await ws.dispatch('session.setLanguage', { language: 'zh-CN' });
  });

  it('hands a source’s reference link to the shell as a new-window request; the app page never navigates', async () => {
    // An item the hub published with a link (as sync writes it into the replica).
    const item = {
      id: 'adm-fee-notice',
      kind: 'answer',
      topic: 'admin',
      title: { 'zh-CN': '收费标准公示', en: 'Published fees' },
      keywords: ['收费标准', '收费公示'],
      intervention: { text: { 'zh-CN': '收费标准按国家和本省规定执行，可在医院大厅和官网查看公示。（具体以本院最新公告为准）' }, actions: [{ type: 'link', url: 'https://www.nhc.gov.cn/fees', label: { 'zh-CN': '国家卫健委收费公示' } }] },
    };
    ws.replica.sqlite.prepare("INSERT INTO knowledge_items (id, lang, title, body, updated_at, hub_seq) VALUES (?, 'zh-CN', ?, ?, ?, 7)").run(item.id, item.title['zh-CN'], JSON.stringify(item), Date.now());
    const { page } = await open('v-zhang-appt');
    await page.context().route('https://www.nhc.gov.cn/**', (r) => r.abort());
    await draft(page, '收费标准在哪里公示？');
    await card(page, item.id).waitFor({ timeout: 10_000 });
    await card(page, item.id).getByTestId('card-source').click();
    const link = page.getByTestId('knowledge-source-link');
    await link.waitFor();
    expect(await page.getByTestId('knowledge-source-origin').textContent()).toContain('由院内枢纽发布 · 第 7 版');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    const appUrl = page.url();
    // In Electron, main's window-open handler passes only allow-listed https hosts to the OS browser (navigation.test.ts).
    const [popup, request] = await Promise.all([page.waitForEvent('popup'), page.context().waitForEvent('request', (r) => r.url().startsWith('https://www.nhc.gov.cn/')), link.click()]);
    expect(request.url()).toBe('https://www.nhc.gov.cn/fees');
    expect(popup).not.toBe(page);
    expect(page.url()).toBe(appUrl);
    await page.close();
  });
});

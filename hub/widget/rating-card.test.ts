import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../testing/harness';

const CHROMIUM = process.env.LANTERN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The widget's rating card in real Chromium (the page the hub serves at
 * /widget/demo, widget.js over the real WebSocket): a CSAT survey shows as buttons
 * 1–5 under its message; a click answers it at the hub and locks the card, which
 * stays answered after a reload.
 */
describe('widget rating card (Chromium ⇄ hub)', () => {
  let t: TestHub;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium or set LANTERN_CHROMIUM.`);
    t = await startHub({ config: { channels: { webchat: { teamId: 't-outpatient' } }, routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } }, surveys: { tickSeconds: 3600 } } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the survey with 1–5 buttons; a click records the answer and locks the card, also after a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}/widget/demo`);
    await page.getByTestId('lw-launcher').click();
    await page.getByTestId('lw-skip').click();
    await expect.poll(() => page.getByTestId('lw-status').getAttribute('data-state')).toBe('online');
    await page.getByTestId('lw-input').fill('你好，想咨询一下体检套餐');
    await page.getByTestId('lw-input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=sent]').count()).toBe(1);

    const conv = await t.hub.store.read(async (r) => {
      const rows = await r.conversationsOfTeams(['t-outpatient'], 0);
      for (const c of rows) if ((await r.messagesOf(c.id)).some((m) => m.body === '你好，想咨询一下体检套餐')) return c.id;
      return null;
    });
    expect(conv).not.toBeNull();
    const agent = await t.signIn('agent');
    expect((await agent.mutate('conversation.setStatus', { conversationId: conv, status: 'resolved' })).status).toBe('applied');
    t.clock.advance(60_000);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 1 });

    const card = page.getByTestId('lw-rating');
    await card.waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid=lw-msg-agent]').last().textContent()).resolves.toContain('请为本次服务打分');
    await expect(card.getAttribute('aria-label')).resolves.toBe('服务评分');
    expect(await card.getByTestId('lw-rate').allTextContents()).toEqual(['1', '2', '3', '4', '5']);
    await expect(card.textContent()).resolves.toContain('5 = 非常满意');

    t.clock.advance(1000);
    await card.locator('[data-testid=lw-rate][value="4"]').click();
    await expect.poll(async () => (await t.hub.store.read((r) => r.surveyRecordsSince(0))).find((s) => s.conversationId === conv)?.score ?? null).toBe(4);
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=sent]').count()).toBe(2);
    expect(await card.locator('[data-testid=lw-rate][aria-pressed=true]').allTextContents()).toEqual(['4']);
    expect(await card.locator('[data-testid=lw-rate]:disabled').count()).toBe(5);
    await expect(page.getByTestId('lw-rating-note').textContent()).resolves.toBe('感谢您的评价');
    const stored = await t.hub.store.read((r) => r.messagesOf(conv!));
    expect(stored.at(-1)).toMatchObject({ direction: 'inbound', body: '4' });

    await page.reload();
    await page.getByTestId('lw-launcher').click();
    await expect.poll(() => page.getByTestId('lw-status').getAttribute('data-state')).toBe('online');
    const again = page.getByTestId('lw-rating');
    await again.waitFor();
    expect(await again.locator('[data-testid=lw-rate][aria-pressed=true]').allTextContents()).toEqual(['4']);
    expect(await again.locator('[data-testid=lw-rate]:disabled').count()).toBe(5);
    expect(errors).toEqual([]);
    await context.close();
  });
});

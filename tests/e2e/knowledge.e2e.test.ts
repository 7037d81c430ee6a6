import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Workstation } from '../../electron/services/workstation';
import { expectNoSeriousA11yViolations, installBridge, startDemoApp, SCREENSHOT_DIR, type startRendererServer, watchErrors } from './harness';

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

  async function open(conversationId: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.locator(`[data-conversation-id="${conversationId}"]`).first().click();
    await page.getByTestId('timeline').waitFor();
    return { page, errors };
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
    await page.close();
  });

  it('blocks a reply that promises a cure until it is reworded, and inserts card text only into the composer', async () => {
    const { page } = await open('v-wang-bp');
    await page.getByTestId('composer-input').fill('放心，我们保证治好您的高血压');
    await expect.poll(() => page.getByTestId('composer-hint').textContent(), { timeout: 10_000 }).toContain('必须修改');
    expect(await page.getByTestId('composer-send').isDisabled()).toBe(true);
    await expectNoSeriousA11yViolations(page, 'composer blocked by a must-fix hint (zh-CN)');
    await page.getByTestId('composer-input').fill('');
    const before = (ws.replica.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    const insert = page.getByTestId('card-insert').first();
    if (await insert.count()) {
      await insert.click();
      await expect.poll(() => page.getByTestId('composer-input').inputValue()).not.toBe('');
    }
    // Nothing was sent by the panel.
    expect((ws.replica.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(before);
    await page.close();
  });

  it('records useful/useless feedback in the replica', async () => {
    const { page } = await open('v-he-insurance');
    await expect.poll(() => page.getByTestId('knowledge-card').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const card = page.locator('[data-testid=knowledge-card]:has([data-testid=card-useless])').first();
    const source = await card.getAttribute('data-source');
    await card.getByTestId('card-useless').click();
    await expect.poll(() => ws.replica.sqlite.prepare('SELECT useful FROM knowledge_feedback WHERE item_id = ?').get(source)).toEqual({ useful: 0 });
    await page.close();
  });
});

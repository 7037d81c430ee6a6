import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createHub, type Hub } from '../../hub/app/create-hub';
import type { Workstation } from '../../electron/services/workstation';
import { tempDir } from '../support/tmp';
import { expectNoSeriousA11yViolations, hubWorkstation, installBridge, launchBrowser, SCREENSHOT_DIR, startRendererServer, watchErrors } from './harness';
import { join } from 'node:path';

/** The workspace against a real hub: sign-in, sync, and network honesty when the hub goes away. */
describe('workspace with a hub', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let hub: Hub;
  let ws: Workstation;
  const hubDir = tempDir('lantern-e2e-hub-');
  const wsDir = tempDir('lantern-e2e-wsh-');

  beforeAll(async () => {
    hub = await createHub({ dataDir: hubDir.dir, port: 0, demo: true, logger: false });
    ws = await hubWorkstation(wsDir.dir, hub.url, { pollMs: 500 });
    server = await startRendererServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await ws?.close();
    await hub?.close();
    hubDir.cleanup();
    wsDir.cleanup();
  });

  it('signs in, syncs, shows offline with the queued count, and converges when the hub is back', async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1366, height: 820 }, locale: 'zh-CN' });
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('login-screen').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'login-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'sign-in screen (zh-CN)');
    await page.getByTestId('login-username').fill('agent');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('error-banner').textContent()).toContain('用户名或密码');
    await expectNoSeriousA11yViolations(page, 'sign-in screen with an error (zh-CN)');
    await page.getByTestId('demo-accounts').getByRole('button').first().click();
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('inbox-row').count(), { timeout: 15_000 }).toBe(6);
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
    await expectNoSeriousA11yViolations(page, 'inbox synced from the hub (zh-CN)');

    const port = hub.port;
    await hub.close();
    await page.locator('[data-conversation-id="v-zhang-appt"]').first().click();
    await page.getByTestId('composer-input').fill('张女士您好，已为您改约到周五上午9点。');
    await page.getByTestId('composer-input').press('Control+Enter');
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 15_000 }).toBe('offline');
    await expect.poll(() => page.getByTestId('connection').textContent()).toContain('1 条待发送');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'offline-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'offline with a queued reply (zh-CN)');

    hub = await createHub({ dataDir: hubDir.dir, port, demo: true, logger: false });
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-queued'), { timeout: 30_000 }).toBe('0');
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 30_000 }).toBe('online');
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  });
});

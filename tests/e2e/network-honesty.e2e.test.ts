import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHub, type Hub } from '../../hub/app/create-hub';
import { ingestInbound } from '../../hub/sync/ingest';
import type { Workstation } from '../../electron/services/workstation';
import { FaultProxy } from '../fault/proxy';
import { tempDir } from '../support/tmp';
import { expectNoSeriousA11yViolations, hubWorkstation, installBridge, launchBrowser, SCREENSHOT_DIR, signInAsAgent, startRendererServer, watchErrors } from './harness';

/**
 * The connection indicator tells the truth in every state: the first sync's progress
 * over a slow hospital network (a loopback proxy delays every chunk), an error when a
 * reverse proxy in front of the hub answers 502 with an HTML page (in words, with the
 * code for IT), and online again once the hub answers.
 */
describe('network honesty: first-sync progress, a broken proxy in words, recovery', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let hub: Hub;
  let ws: Workstation;
  let proxy: FaultProxy;
  let badGateway: Server;
  let badGatewayPort = 0;
  const hubDir = tempDir('lantern-e2e-net-hub-');
  const wsDir = tempDir('lantern-e2e-net-ws-');

  beforeAll(async () => {
    hub = await createHub({ dataDir: hubDir.dir, port: 0, demo: true, logger: false });
    // A busy morning's history in the agent's conversations: a first sync of several pages.
    const now = Date.now();
    await hub.write(async (tx) => {
      for (let i = 0; i < 4000; i++) {
        await ingestInbound(tx, { conversationId: i % 2 ? 'v-zhang-appt' : 'v-zhao-fever', messageId: `m-net-${i}`, body: `历史消息 ${i}`, authorName: null, at: now - 4000 + i }, { at: now - 4000 + i });
      }
    });
    proxy = new FaultProxy({ host: '127.0.0.1', port: hub.port });
    await proxy.listen();
    badGateway = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    await new Promise<void>((r) => badGateway.listen(0, '127.0.0.1', () => r()));
    badGatewayPort = (badGateway.address() as { port: number }).port;
    ws = await hubWorkstation(wsDir.dir, `http://127.0.0.1:${proxy.port}`, { pollMs: 300, pullLimit: 250 });
    server = await startRendererServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await ws?.close();
    await proxy?.close();
    badGateway?.close();
    await hub?.close();
    hubDir.cleanup();
    wsDir.cleanup();
  });

  it('shows the first sync as a progress bar, a 502 from a proxy as a sync problem in words, and online once the hub answers again', async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1366, height: 820 }, locale: 'zh-CN' });
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    // A slow network: every chunk each way waits 120 ms.
    proxy.setDelay(120);
    await signInAsAgent(page);

    const progress = page.getByTestId('initial-sync');
    await progress.waitFor({ timeout: 20_000 });
    await expect.poll(() => progress.locator('progress').evaluate((p) => (p as HTMLProgressElement).value), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(progress.textContent()).resolves.toMatch(/首次同步：已接收 \d+ 条 · \d+%/);
    const bar = await progress.locator('progress').evaluate((p) => ({ value: (p as HTMLProgressElement).value, max: (p as HTMLProgressElement).max }));
    expect(bar.value).toBeLessThan(bar.max);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'initial-sync-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'first sync in progress (zh-CN)');
    proxy.heal();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 60_000 }).toBe('online');
    expect(await progress.count()).toBe(0);

    // The hub's reverse proxy answers 502 pages: a sync problem, said in words, never a crash.
    proxy.setTarget(badGatewayPort);
    proxy.cutAll();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 20_000 }).toBe('error');
    await expect(page.getByTestId('connection').textContent()).resolves.toContain('同步出错 · 自动重试中');
    await expect(page.getByTestId('connection-problem').textContent()).resolves.toContain('无法识别的应答');
    await expect(page.getByTestId('connection-problem').textContent()).resolves.toContain('hub.bad_response');
    // The agent keeps working meanwhile.
    await page.locator('[data-conversation-id="v-zhang-appt"]').first().click();
    await page.getByTestId('timeline').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'sync-error-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'sync problem shown (zh-CN)');

    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => page.getByTestId('connection').textContent()).toContain('Sync problem');
    await expect(page.getByTestId('connection-problem').textContent()).resolves.toContain('cannot read');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'sync-error-en.png') });

    proxy.setTarget(hub.port);
    proxy.cutAll();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 30_000 }).toBe('online');
    expect(await page.getByTestId('connection-problem').count()).toBe(0);
    await ws.dispatch('session.setLanguage', { language: 'zh-CN' });
    expect(errors.filter((e) => !/502|Bad Gateway/.test(e))).toEqual([]);
    await page.close();
  });
});

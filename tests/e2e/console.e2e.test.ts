import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { createWorkstationLogger } from '../../electron/services/logs/logger';
import { tempDir } from '../support/tmp';
import { expectNoSeriousA11yViolations, installBridge, launchBrowser, REPO_ROOT, SCREENSHOT_DIR, startRendererServer, watchErrors } from './harness';

const DEMO = join(REPO_ROOT, 'resources', 'demo', 'demo.json');

/** Collects CSP violations from the first script on: xterm.js must style itself without inline styles. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  return () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

async function openConsole(page: Page) {
  await page.getByTestId('open-console').click();
  const dialog = page.getByTestId('diagnostics-console');
  await expect.poll(() => dialog.getAttribute('data-allowed')).toBe('true');
  await expect.poll(() => page.locator('.xterm-rows').textContent()).toContain('lantern>');
  return dialog;
}

/** Types a line into the terminal like a person (keyboard events into xterm.js) and waits for its answer. */
async function run(page: Page, line: string, keys: string[] = ['Enter']) {
  const dialog = page.getByTestId('diagnostics-console');
  const before = Number(await dialog.getAttribute('data-runs'));
  await page.keyboard.type(line);
  for (const k of keys) await page.keyboard.press(k);
  await expect.poll(async () => Number(await dialog.getAttribute('data-runs')), { timeout: 20_000 }).toBe(before + 1);
  await expect.poll(() => dialog.getAttribute('data-busy')).toBe('false');
  return { text: (await page.getByTestId('console-output').textContent()) ?? '', exit: Number(await dialog.getAttribute('data-exit')) };
}

const screenText = (page: Page) => page.locator('.xterm-rows').evaluate((el) => (el as HTMLElement).innerText);

describe('diagnostics console (xterm.js) in the demo clinic', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let ws: Workstation;
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    tmp = tempDir('lantern-e2e-console-');
    const logDir = join(tmp.dir, 'logs');
    mkdirSync(logDir);
    const lines: string[] = [];
    const { log } = createWorkstationLogger({ destination: { write: (l: string) => (lines.push(l), true) } });
    ws = await createWorkstation({
      dataDir: join(tmp.dir, 'data'),
      keyStore: createStaticKeyStore(randomBytes(32), true),
      appVersion: '0.1.0-e2e',
      hubUrl: null,
      demoDataPath: DEMO,
      log,
      console: {
        logDir,
        crashDumpsDir: join(tmp.dir, 'Crashpad'),
        versions: { electron: '39.8.10', chrome: '142.0.7444.59', node: '22.20.0' },
        platform: 'win32',
        arch: 'x64',
        policy: {
          file: 'C:\\ProgramData\\Lantern\\policy.json',
          fileFound: true,
          registryKey: 'HKLM\\SOFTWARE\\Policies\\Lantern',
          registryFound: false,
          settings: {
            hubUrl: { value: null, locked: false, source: 'default' },
            autoLockMinutes: { value: 5, locked: true, source: 'policy' },
            updatesEnabled: { value: false, locked: true, source: 'policy' },
            updateChannel: { value: 'stable', locked: false, source: 'default' },
            allowedChannels: { value: ['stable', 'pilot'], locked: true, source: 'policy' },
            logLevel: { value: 'info', locked: false, source: 'default' },
          },
        },
        updates: () => ({ check: false, reason: 'msi_install', channel: 'stable', feedUrl: null, installKind: 'msi', lockedOff: false, state: 'idle', lastCheckAt: null, availableVersion: null, error: null, rollout: null }),
      },
    });
    log('info', 'sync status demo');
    writeFileSync(join(logDir, 'main.log'), lines.join(''));
    server = await startRendererServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await ws?.close();
    tmp?.cleanup();
  });

  it('runs every command from the keyboard, completes with Tab, recalls with ↑, with no CSP violation', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const csp = await watchCsp(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    // The app's own baseline (zod probes for eval once, refused by script-src): the console must add nothing.
    const baseline = await csp();
    await openConsole(page);
    expect(await screenText(page)).toContain('提灯诊断控制台');

    const help = await run(page, 'help');
    expect(help.exit).toBe(0);
    for (const cmd of ['status', 'sync status', 'sync log', 'sync retry', 'hub ping', 'db check', 'db size', 'outbox list', 'export diagnostics', 'lock']) expect(help.text).toContain(cmd);

    const policy = await run(page, 'policy');
    expect(policy.text).toContain('C:\\ProgramData\\Lantern\\policy.json');
    expect(policy.text).toMatch(/autoLockMinutes\s+5\s+\[策略锁定\]/);

    // Tab completion: "sy" → "sync ", "st" → "sync status ".
    await page.keyboard.type('sy');
    await page.keyboard.press('Tab');
    await expect.poll(() => screenText(page)).toMatch(/lantern> sync\s*$/m);
    await page.keyboard.type('st');
    await page.keyboard.press('Tab');
    await expect.poll(() => screenText(page)).toMatch(/lantern> sync status\s*$/m);
    const dialog = page.getByTestId('diagnostics-console');
    const before = Number(await dialog.getAttribute('data-runs'));
    await page.keyboard.press('Enter');
    await expect.poll(async () => Number(await dialog.getAttribute('data-runs'))).toBe(before + 1);
    expect(await page.getByTestId('console-output').textContent()).toContain('演示模式');

    // Several matches are listed under the line.
    await page.keyboard.type('h');
    await page.keyboard.press('Tab');
    await expect.poll(() => screenText(page)).toMatch(/help\s+history\s+hub/);
    await page.keyboard.press('Backspace');

    expect((await run(page, 'sync log')).text).toContain('sync status demo');
    expect(await run(page, 'sync retry')).toMatchObject({ exit: 1 });
    const ping = await run(page, 'hub ping');
    expect(ping).toMatchObject({ exit: 1 });
    expect(ping.text).toContain('未配置枢纽');
    const check = await run(page, 'db check');
    expect(check).toMatchObject({ exit: 0 });
    expect(check.text).toContain('副本完好');
    expect((await run(page, 'db size')).text).toMatch(/messages \d+/);
    expect((await run(page, 'outbox list')).text).toContain('没有待上传的更改');
    const unknown = await run(page, 'frobnicate');
    expect(unknown.exit).toBe(2);
    await expect.poll(() => screenText(page)).toContain('[退出码 2]');

    const status = await run(page, 'status');
    expect(status.exit).toBe(0);
    expect(status.text).toContain('Lantern 0.1.0-e2e | Electron 39.8.10');
    expect(status.text).toContain('MSI 安装');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'diagnostics console (zh-CN)');

    const exported = await run(page, 'export diagnostics');
    expect(exported.exit).toBe(0);
    const path = /(\S+\.tar\.gz)/.exec(exported.text)![1]!;
    expect(existsSync(path)).toBe(true);

    // ↑ recalls the previous line (export diagnostics); ↑↑ the one before (status).
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => screenText(page)).toMatch(/lantern> status\s*$/m);
    await page.keyboard.press('Control+c');
    const history = await run(page, 'history');
    expect(history.text).toMatch(/help[\s\S]*policy[\s\S]*sync status[\s\S]*export diagnostics/);

    const cleared = await run(page, 'clear');
    expect(cleared.text).toBe('');
    await expect.poll(() => screenText(page)).not.toContain('export diagnostics');

    // `lock` locks the services and the app shows its lock screen (the console goes with the workspace).
    await page.keyboard.type('lock');
    await page.keyboard.press('Enter');
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('diagnostics-console').count()).toBe(0);
    expect(await ws.dispatch('conversations.list', {})).toMatchObject({ ok: false, error: { code: 'session.locked' } });
    await ws.dispatch('session.unlock', { password: 'demo' });

    const violations = await csp();
    expect(violations.filter((v) => v.startsWith('style-src'))).toEqual([]);
    expect(violations).toEqual(baseline);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('speaks English after a language switch; Escape closes it', async () => {
    await ws.dispatch('session.setLanguage', { language: 'en' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    await openConsole(page);
    expect(await screenText(page)).toContain('Lantern diagnostics console');
    const check = await run(page, 'db check');
    expect(check.text).toContain('Replica OK');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-en.png') });
    await expectNoSeriousA11yViolations(page, 'diagnostics console (en)');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('diagnostics-console').count()).toBe(0);
    await ws.dispatch('session.setLanguage', { language: 'zh-CN' });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('diagnostics console at a hub', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let ws: Workstation;
  let hub: { url: string; hubId: string; close(): Promise<void> };
  let hubDir: ReturnType<typeof tempDir>;
  let wsDir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    hubDir = tempDir('lantern-e2e-console-hub-');
    wsDir = tempDir('lantern-e2e-console-wsh-');
    const { createHub } = await import('../../hub/app/create-hub');
    hub = await createHub({ dataDir: hubDir.dir, port: 0, demo: true, logger: false });
    ws = await createWorkstation({ dataDir: wsDir.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'e2e', hubUrl: hub.url, sync: { pollMs: 500 } });
    server = await startRendererServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await ws?.close();
    await hub?.close();
    hubDir?.cleanup();
    wsDir?.cleanup();
  });

  async function signIn(username: string, password: string) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('login-screen').waitFor();
    await expectNoSeriousA11yViolations(page, `sign-in screen before ${username} signs in (zh-CN)`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('lock-now').waitFor({ timeout: 15_000 });
    return page;
  }

  it('an agent has no console button; an admin pings the hub and retries sync', async () => {
    const agent = await signIn('agent', 'agent-demo');
    await expect.poll(() => agent.getByTestId('mode-badge').count()).toBe(1);
    expect(await agent.getByTestId('open-console').count()).toBe(0);
    expect(await ws.dispatch('console.run', { line: 'status' })).toMatchObject({ ok: false, error: { code: 'console.forbidden' } });
    await ws.dispatch('sync.logout', {});
    await agent.context().close();

    const page = await signIn('admin', 'admin-demo');
    const errors = watchErrors(page);
    await openConsole(page);
    const ping = await run(page, 'hub ping');
    expect(ping.exit).toBe(0);
    expect(ping.text).toContain(hub.hubId);
    expect(ping.text.match(/HTTP 200 [\d.]+ ms/g)).toHaveLength(3);
    const retry = await run(page, 'sync retry');
    expect(retry.text).toMatch(/状态\s+online/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-hub-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'diagnostics console at a hub (zh-CN)');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

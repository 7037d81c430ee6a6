import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createHub, type Hub } from '../../hub/app/create-hub';
import { ingestContact, ingestConversation, ingestInbound } from '../../hub/sync/ingest';
import type { Workstation } from '../../electron/services/workstation';
import type { Priority } from '../../shared/domain/types';
import { tempDir } from '../support/tmp';
import { hubWorkstation, installBridge, launchBrowser, signInAsAgent, startRendererServer, watchErrors } from './harness';

type Shown = { title: string; body: string; tag: string; requireInteraction: boolean };

/**
 * Desktop notifications for new urgent/high conversations from the hub, in real Chromium.
 * Two things live outside the app and are stood in for here: the operating system's
 * window focus (headless Chromium always reports focus, so `document.hasFocus` answers
 * what the test sets) and the notification centre (the real `Notification` is still
 * constructed; a subclass records what was shown, and lets the test click it).
 */
describe('desktop notifications: urgent arrivals, only when the window is in the background, muted by do-not-disturb', () => {
  let browser: Browser;
  let context: BrowserContext;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let hub: Hub;
  let ws: Workstation;
  let page: Page;
  const hubDir = tempDir('lantern-e2e-notify-hub-');
  const wsDir = tempDir('lantern-e2e-notify-ws-');
  let n = 0;

  /** A new conversation for the agent arrives at the hub with one patient message. */
  async function arrive(name: string, priority: Priority, body: string): Promise<string> {
    const i = ++n;
    const now = Date.now();
    const id = `v-notify-${i}`;
    await hub.write(async (tx) => {
      await ingestContact(tx, { id: `c-notify-${i}`, displayName: name, sex: 'unknown', birthYear: null, preferredChannel: 'wechat', conditions: [], medicines: [], allergies: [], createdAt: now, updatedAt: now }, [], { at: now });
      await ingestConversation(
        tx,
        { id, contactId: `c-notify-${i}`, channel: 'wechat', subject: null, status: 'open', priority, assigneeId: 'u-agent', teamId: 't-outpatient', tags: [], unreadCount: 0, lastMessageAt: now, lastMessagePreview: '', createdAt: now, updatedAt: now },
        { at: now },
      );
      await ingestInbound(tx, { conversationId: id, messageId: `m-notify-${i}`, body, authorName: name, at: now }, { at: now });
    });
    await page.locator(`[data-testid=inbox-row][data-conversation-id="${id}"]`).first().waitFor({ timeout: 20_000 });
    return id;
  }
  const shown = () => page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown);
  const setFocused = (focused: boolean) => page.evaluate((f) => ((window as unknown as { __focused: boolean }).__focused = f), focused);

  beforeAll(async () => {
    hub = await createHub({ dataDir: hubDir.dir, port: 0, demo: true, logger: false });
    ws = await hubWorkstation(wsDir.dir, hub.url);
    server = await startRendererServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1366, height: 820 }, locale: 'zh-CN', permissions: ['notifications'] });
    await context.addInitScript(() => {
      const w = window as unknown as { __shown: Shown[]; __focused: boolean; __last: Notification | null };
      w.__shown = [];
      w.__focused = true;
      w.__last = null;
      Document.prototype.hasFocus = () => w.__focused;
      const Real = window.Notification;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          w.__shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '', requireInteraction: !!options?.requireInteraction });
          w.__last = this;
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
    });
    page = await context.newPage();
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await signInAsAgent(page);
    await page.locator('[data-testid=connection][data-status=online]').waitFor({ timeout: 20_000 });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await ws?.close();
    await hub?.close();
    hubDir.cleanup();
    wsDir.cleanup();
  });

  it('shows urgent and high arrivals when the window is in the background, never normal ones or while the agent is looking', async () => {
    const errors = watchErrors(page);
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
    // Looking at the inbox: the row is enough, no notification.
    await arrive('钱先生', 'urgent', '胸口痛，出冷汗');
    await new Promise((r) => setTimeout(r, 800));
    expect(await shown()).toEqual([]);

    await setFocused(false);
    const urgent = await arrive('孙女士', 'urgent', '血糖2.8，手抖心慌');
    await expect.poll(shown, { timeout: 10_000 }).toEqual([{ title: '紧急会话：孙女士', body: '血糖2.8，手抖心慌', tag: urgent, requireInteraction: true }]);
    await arrive('周先生', 'normal', '想改一下复诊时间');
    const high = await arrive('吴女士', 'high', '血压170/105，头晕');
    await expect.poll(async () => (await shown()).map((s) => s.tag), { timeout: 10_000 }).toEqual([urgent, high]);
    expect((await shown())[1]).toMatchObject({ title: '新会话：吴女士', requireInteraction: false });

    // Clicking the notification brings the window forward on that conversation.
    await page.evaluate(() => (window as unknown as { __last: Notification }).__last.onclick?.(new Event('click')));
    await expect.poll(() => page.locator('[data-testid=inbox-row][aria-selected=true]').getAttribute('data-conversation-id')).toBe(high);
    expect(errors).toEqual([]);
  });

  it('do-not-disturb mutes them, and is remembered on this workstation across a restart of the window', async () => {
    await page.getByTestId('dnd').check();
    await expect.poll(() => ws.dispatch('session.info', {})).toMatchObject({ ok: true, value: { doNotDisturb: true } });
    await page.reload();
    await page.getByTestId('inbox-row').first().waitFor();
    expect(await page.getByTestId('dnd').isChecked()).toBe(true);
    await setFocused(false);
    await arrive('郑先生', 'urgent', '孩子高烧40度抽搐');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await shown()).toEqual([]);
    // Off again: the next urgent arrival is shown.
    await page.getByTestId('dnd').uncheck();
    const next = await arrive('王女士', 'urgent', '摔倒后头痛呕吐');
    await expect.poll(async () => (await shown()).map((s) => s.tag), { timeout: 10_000 }).toEqual([next]);
  });
});

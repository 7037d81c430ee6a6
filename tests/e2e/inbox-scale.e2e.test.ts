import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { tempDir } from '../support/tmp';
import { installBridge, launchBrowser, RENDERER_DIR, REPO_ROOT, startRendererServer, watchErrors } from './harness';

/**
 * The inbox at a few thousand conversations: rows are virtualized and their DOM nodes are
 * handed from one conversation to the next while scrolling, so what each row shows, where it
 * sits and where the keyboard focus goes must still match the list. Also what the first
 * screen's bundle leaves out.
 */
const GENERATED = 3000;

describe('inbox at scale in real Chromium', () => {
  const tmp = tempDir('lantern-e2e-inbox-scale-');
  let ws: Workstation;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let browser: Browser;
  let order: { id: string; contactName: string }[] = [];

  beforeAll(async () => {
    ws = await createWorkstation({ dataDir: tmp.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'e2e', hubUrl: null, demoDataPath: join(REPO_ROOT, 'resources', 'demo', 'demo.json') });
    const now = Date.now();
    const s = ws.replica.sqlite;
    const insC = s.prepare('INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)');
    const insV = s.prepare("INSERT INTO conversations (id, contact_id, channel, status, priority, last_message_at, last_message_preview, unread_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const channels = ['webchat', 'wechat', 'wecom', 'sms', 'email', 'phone', 'device'];
    const statuses = ['open', 'pending', 'resolved'];
    s.transaction(() => {
      for (let i = 0; i < GENERATED; i++) {
        insC.run(`sc${i}`, `患者${i}`, now, now);
        insV.run(`sv${i}`, `sc${i}`, channels[i % 7], statuses[i % 3], i % 97 === 0 ? 'urgent' : i % 11 === 0 ? 'high' : 'normal', now - i * 60_000, `第${i}条：请问明天上午的门诊还能挂号吗？`, i % 4, now, now);
      }
    })();
    // The order the workspace shows (its default filter), to check every rendered row against.
    const list = await ws.dispatch('conversations.list', { filter: {}, limit: 20_000, offset: 0 });
    if (!list.ok) throw new Error(list.error.code);
    order = (list.value as { items: { id: string; contactName: string }[] }).items;
    server = await startRendererServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await ws?.close();
    tmp.cleanup();
  });

  async function openInbox(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 820 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    // The whole list has arrived once the list is as tall as all its rows.
    await expect
      .poll(() => page.evaluate(`(() => { const r = document.querySelector('[data-testid=inbox-row]'); return document.querySelector('[data-testid=inbox-list]').scrollHeight / r.offsetHeight; })()`))
      .toBe(order.length);
    return { page, errors };
  }

  /** Scrolls the list to `top` and waits two frames (the scroll event renders the new rows). */
  async function scrollTo(page: Page, top: number | 'bottom'): Promise<void> {
    await page.evaluate(`(async () => {
      const el = document.querySelector('[data-testid=inbox-list]');
      el.scrollTop = ${top === 'bottom' ? 'el.scrollHeight' : top};
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    })()`);
  }

  /** Every rendered row: the list position it is drawn at, the conversation it names, its name text, in DOM order. */
  async function rows(page: Page): Promise<{ index: number; id: string; name: string; visible: boolean }[]> {
    return (await page.evaluate(`(() => {
      const list = document.querySelector('[data-testid=inbox-list]').getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid=inbox-row]')].map((r) => {
        const b = r.getBoundingClientRect();
        return { index: Number(/translateY\\(([\\d.]+)px\\)/.exec(r.style.transform)[1]) / r.offsetHeight, id: r.dataset.conversationId, name: r.querySelector('.row-name').textContent, visible: b.bottom > list.top && b.top < list.bottom };
      });
    })()`)) as { index: number; id: string; name: string; visible: boolean }[];
  }

  function expectRowsMatchList(rendered: Awaited<ReturnType<typeof rows>>) {
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThanOrEqual(60);
    for (const r of rendered) {
      expect(Number.isInteger(r.index), `row at ${r.index}`).toBe(true);
      expect({ at: r.index, id: r.id, name: r.name }).toEqual({ at: r.index, id: order[r.index]!.id, name: order[r.index]!.contactName });
    }
    // DOM order is the visual order (screen readers and Tab follow the DOM), without gaps.
    const indexes = rendered.map((r) => r.index);
    expect(indexes).toEqual(indexes.map((_, i) => indexes[0]! + i));
  }

  it('every rendered row shows the conversation at its position, through small steps and jumps', async () => {
    const { page, errors } = await openInbox();
    expectRowsMatchList(await rows(page));
    const rowHeight = (await page.evaluate(`document.querySelector('[data-testid=inbox-row]').offsetHeight`)) as number;
    // Wheel-like steps (rows stay and are reused), then scrollbar-like jumps (every row changes).
    for (const top of [40, 130, 400, 1000, rowHeight * 500, rowHeight * 523 + 17, rowHeight * 1800, rowHeight * 1801, rowHeight * 60, 0]) {
      await scrollTo(page, top);
      const rendered = await rows(page);
      expectRowsMatchList(rendered);
      const first = Math.floor(top / rowHeight);
      expect(rendered.some((r) => r.visible && r.index === first)).toBe(true);
    }
    await scrollTo(page, 'bottom');
    const last = await rows(page);
    expectRowsMatchList(last);
    expect(last.at(-1)!.index).toBe(order.length - 1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps keyboard focus on the conversation the agent focused, never on another one', async () => {
    const { page, errors } = await openInbox();
    const rowHeight = (await page.evaluate(`document.querySelector('[data-testid=inbox-row]').offsetHeight`)) as number;
    const focusedAt = (await page.evaluate(`document.activeElement?.dataset?.conversationId ?? null`)) as string | null;
    expect(focusedAt).toBeNull();
    const third = page.getByTestId('inbox-row').nth(2);
    const id = await third.getAttribute('data-conversation-id');
    await third.focus();
    // A small scroll: the row stays rendered and focused.
    await scrollTo(page, rowHeight);
    expect(await page.evaluate(`document.activeElement?.dataset?.conversationId ?? null`)).toBe(id);
    // Jumps (a scrollbar drag): the focused row's node is handed to other conversations; the
    // focus must not go with it. Focus a row mid-drag, then keep dragging.
    await scrollTo(page, rowHeight * 1200);
    const mid = page.locator('[data-testid=inbox-row]').nth(3);
    const midId = await mid.getAttribute('data-conversation-id');
    await mid.focus();
    for (const step of [1, 2, 3, 4, 5, 6, 7, 8]) {
      await scrollTo(page, rowHeight * (1200 + 37 * step));
      const focused = (await page.evaluate(`document.activeElement?.dataset?.conversationId ?? null`)) as string | null;
      expect(focused === null || focused === midId, `after jump ${step}: focus on ${focused}`).toBe(true);
    }
    // Enter on whatever has focus opens nothing but a conversation the agent focused.
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    const opened = await page.getByTestId('conversation-view').getAttribute('data-conversation-id');
    expect([null, id, midId]).toContain(opened);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the first screen loads without zod, the contract schemas, English or the conversation view', () => {
    const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\.\/(assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeTruthy();
    const main = readFileSync(join(RENDERER_DIR, entry!), 'utf8');
    expect(main).toContain('inbox-row');
    // zod's classes name themselves ("ZodObject"); schemas of the contract carry their summaries.
    expect(main).not.toContain('ZodObject');
    expect(main).not.toContain('queue it in the outbox in one transaction');
    // English is its own chunk (zh-CN is the default and the fallback).
    expect(main).toContain('患者联络工作台');
    expect(main).not.toContain('Patient contact workstation');
    // The conversation view comes after the inbox's first frame.
    expect(main).not.toContain('data-testid":"composer');
  });
});

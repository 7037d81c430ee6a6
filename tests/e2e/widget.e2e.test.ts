import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { createHub, type Hub } from '../../hub/app/create-hub';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { contract } from '../../shared/contract';
import { createClient } from '../../shared/contract/client';
import { launchBrowser, SCREENSHOT_DIR, watchErrors } from './harness';

/** A small real PNG (a 160×100 gradient), encoded here so the test needs no fixture file. */
function png(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([230 - y, 120 + x / 2, 110 + y], y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const PNG = png(160, 100);

describe('web chat widget in real Chromium ⇄ hub ⇄ a real workstation replica', () => {
  let browser: Browser;
  let hub: Hub;
  let ws: Workstation;
  let client: ReturnType<typeof createClient<typeof contract>>;
  const dirs: string[] = [];

  const q = <T,>(sql: string, ...p: unknown[]) => ws.replica.sqlite.prepare(sql).all(...p) as T[];
  async function settle() {
    for (let i = 0; i < 100; i++) {
      ws.sync!.kick();
      await ws.sync!.idle();
      const s = ws.sync!.snapshot();
      if (s.status === 'online' && s.queued === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('workstation did not settle');
  }

  beforeAll(async () => {
    const hubDir = mkdtempSync(join(tmpdir(), 'lantern-widget-hub-'));
    const wsDir = mkdtempSync(join(tmpdir(), 'lantern-widget-ws-'));
    dirs.push(hubDir, wsDir);
    hub = await createHub({ dataDir: hubDir, port: 0, host: '127.0.0.1', demo: true, logger: false, env: {}, config: { channels: { webchat: { teamId: 't-outpatient' } }, routing: { agents: { 'u-agent': { capacity: 50 } } } } });
    ws = await createWorkstation({ dataDir: wsDir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'e2e', hubUrl: hub.url, sync: { pollMs: 200 } });
    client = createClient(contract, { invoke: ws.dispatch });
    const login = await client.sync.login({ username: 'agent', password: 'agent-demo' });
    if (!login.ok) throw new Error(login.error.code);
    await settle();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ws?.close();
    await hub?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function openWidget(page: Page) {
    await page.goto(`${hub.url}/widget/demo`);
    await page.getByTestId('lw-launcher').click();
    await expect.poll(() => page.getByTestId('lw-status').getAttribute('data-state')).toBe('online');
  }

  it('a patient writes (zh-CN, 375 px wide), the agent replica gets it, the agent replies, the widget shows it; reload keeps the visitor', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN', deviceScaleFactor: 2, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await openWidget(page);
    // Full screen on a phone.
    const box = (await page.getByTestId('lw-panel').boundingBox())!;
    expect(box.width).toBe(375);
    await expect(page.getByTestId('lw-launcher').isHidden()).resolves.toBe(true);
    expect(await page.getByTestId('lw-input').getAttribute('placeholder')).toBe('请输入您的问题…');

    await page.getByTestId('lw-name').fill('周女士');
    await page.getByTestId('lw-phone').fill('13812345678');
    await page.getByTestId('lw-start').click();
    await expect.poll(() => page.getByTestId('lw-status').getAttribute('data-state')).toBe('online');
    await page.getByTestId('lw-input').fill('您好，宝宝下周三打疫苗，需要提前预约吗？');
    await page.getByTestId('lw-input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=sent]').count()).toBe(1);

    // The agent's encrypted replica receives it, assigned to the agent (online) with the name given.
    await expect.poll(() => q('SELECT id FROM messages WHERE body = ?', '您好，宝宝下周三打疫苗，需要提前预约吗？'), { timeout: 15_000 }).toHaveLength(1);
    const convId = q<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE body = ?', '您好，宝宝下周三打疫苗，需要提前预约吗？')[0]!.conversation_id;
    expect(q('SELECT c.display_name AS name, v.assignee_id AS assignee FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE v.id = ?', convId)).toEqual([{ name: '周女士', assignee: 'u-agent' }]);

    // An image, checked by its bytes, becomes an image message.
    await page.getByTestId('lw-file').setInputFiles({ name: 'rash.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=sent]').count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => q("SELECT content_type FROM messages WHERE conversation_id = ? AND content_type = 'image'", convId), { timeout: 15_000 }).toHaveLength(1);

    // Typing from the agent side shows in the widget.
    const login = await fetch(`${hub.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent', password: 'agent-demo', workstationId: 'ws-typing' }) });
    const token = ((await login.json()) as { value: { accessToken: string } }).value.accessToken;
    await fetch(`${hub.url}/channels/webchat/typing`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ conversationId: convId }) });
    await expect.poll(() => page.getByTestId('lw-typing').isVisible()).toBe(true);

    // The agent replies through the workstation's own dispatch; the hub sends it after the recall window.
    const reply = await client.messages.queueReply({ conversationId: convId, body: '需要的，请在“预约挂号”里选择预防接种门诊。' });
    if (!reply.ok) throw new Error(reply.error.code);
    await settle();
    const agentMsg = page.locator('[data-testid=lw-msg-agent]', { hasText: '预防接种门诊' });
    await agentMsg.waitFor({ timeout: 20_000 });
    await expect(agentMsg.textContent()).resolves.toContain('客服 小林');
    await expect.poll(() => q<{ delivery_status: string }>('SELECT delivery_status FROM messages WHERE id = ?', reply.value.id)[0]?.delivery_status, { timeout: 15_000 }).toBe('delivered');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'widget-zh-CN.png') });

    // Reload: same visitor (localStorage), history back, no duplicates; a new message joins the same conversation.
    await page.reload();
    await page.getByTestId('lw-launcher').click();
    await expect.poll(() => page.getByTestId('lw-status').getAttribute('data-state')).toBe('online');
    await expect.poll(() => page.locator('[data-testid=lw-msg-agent]').count()).toBe(1);
    expect(await page.locator('[data-testid=lw-msg-visitor]').count()).toBe(2);
    await page.getByTestId('lw-input').fill('好的，谢谢！');
    await page.getByTestId('lw-send').click();
    await expect.poll(() => q('SELECT conversation_id FROM messages WHERE body = ?', '好的，谢谢！'), { timeout: 15_000 }).toEqual([{ conversation_id: convId }]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('messages written while the hub connection is down are sent once after it comes back', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'en-US' });
    const page = await context.newPage();
    await openWidget(page);
    expect(await page.getByTestId('lw-input').getAttribute('placeholder')).toBe('Type your question…');
    await page.getByTestId('lw-skip').click();
    await page.getByTestId('lw-input').fill('first message');
    await page.getByTestId('lw-input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=sent]').count()).toBe(1);
    // The network drops: the socket closes and reconnects fail; the widget queues.
    await context.setOffline(true);
    hub.channels.webchat!.disconnectAll();
    await expect.poll(() => page.getByTestId('lw-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
    await page.getByTestId('lw-input').fill('written while offline');
    await page.getByTestId('lw-input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=pending]').count()).toBe(1);
    // The network is back: the widget reconnects and resends, once.
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=sent]').count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => q('SELECT id FROM messages WHERE body = ?', 'written while offline'), { timeout: 15_000 }).toHaveLength(1);
    expect(q('SELECT id FROM messages WHERE body = ?', 'first message')).toHaveLength(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'widget-en.png') });
    await context.close();
  });
});

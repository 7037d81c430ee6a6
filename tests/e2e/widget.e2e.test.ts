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
import { expectNoSeriousA11yViolations, launchBrowser, SCREENSHOT_DIR, watchErrors } from './harness';
import { settleSync } from '../support/settle';

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
/** A small, well-formed one-page PDF (xref offsets computed). */
function pdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 36 72 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
const PDF = pdf('Fasting blood test: no food after 22:00');

describe('web chat widget in real Chromium ⇄ hub ⇄ a real workstation replica', () => {
  let browser: Browser;
  let hub: Hub;
  let ws: Workstation;
  let client: ReturnType<typeof createClient<typeof contract>>;
  const dirs: string[] = [];

  const q = <T,>(sql: string, ...p: unknown[]) => ws.replica.sqlite.prepare(sql).all(...p) as T[];
  const settle = () => settleSync(ws);

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
    await page.getByTestId('lw-launcher').waitFor();
    await expectNoSeriousA11yViolations(page, 'demo page with the widget closed');
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
    await expectNoSeriousA11yViolations(page, 'widget open with the intro form (zh-CN)');

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
    await expectNoSeriousA11yViolations(page, 'widget conversation with an image and a reply (zh-CN)');

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

  it('the agent replies with a picture and a PDF: the widget shows the picture inline and the PDF as a link, also after a reload (zh-CN)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await openWidget(page);
    await page.getByTestId('lw-name').fill('吴先生');
    await page.getByTestId('lw-start').click();
    await expect.poll(() => page.getByTestId('lw-status').getAttribute('data-state')).toBe('online');
    const question = '明天早上抽血，检查前要注意什么？能把须知发给我吗？';
    await page.getByTestId('lw-input').fill(question);
    await page.getByTestId('lw-input').press('Enter');
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=sent]').count()).toBe(1);
    await expect.poll(() => q('SELECT id FROM messages WHERE body = ?', question), { timeout: 15_000 }).toHaveLength(1);
    const convId = q<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE body = ?', question)[0]!.conversation_id;

    // The agent attaches a real PNG and a real PDF on the workstation and replies with both.
    const stage = async (filename: string, data: Buffer) => {
      const r = await client.attachments.stage({ conversationId: convId, filename, dataBase64: data.toString('base64') });
      if (!r.ok) throw new Error(r.error.code);
      return r.value;
    };
    const img = await stage('抽血须知.png', PNG);
    const doc = await stage('空腹抽血须知.pdf', PDF);
    expect([img.mime, doc.mime]).toEqual(['image/png', 'application/pdf']);
    const body = '吴先生您好，检查须知在附件里：前一晚 22 点后请勿进食。';
    const reply = await client.messages.queueReply({ conversationId: convId, body, attachmentIds: [img.id, doc.id] });
    if (!reply.ok) throw new Error(reply.error.code);
    await settle();

    // After the 5-second recall window the hub sends it to the widget with its files.
    const agentMsg = page.locator('[data-testid=lw-msg-agent]', { hasText: '检查须知在附件里' });
    await agentMsg.waitFor({ timeout: 20_000 });
    expect(await agentMsg.getAttribute('data-id')).toBe(reply.value.id);
    await expect(agentMsg.textContent()).resolves.toContain('客服 小林');
    // The hub's text lines that point at the files are not shown: the files are.
    expect(await agentMsg.textContent()).not.toContain('/attachments/');

    /** The picture as the patient's browser has it, read inside the widget's shadow root. */
    const picture = (id: string) =>
      page.evaluate((attachmentId) => {
        const root = document.querySelector('[data-lantern-widget-host]')?.shadowRoot;
        const a = root?.querySelector<HTMLAnchorElement>(`a.pic[href*="/widget/attachments/${attachmentId}?"]`);
        const im = a?.querySelector('img');
        return im ? { complete: im.complete, naturalWidth: im.naturalWidth, naturalHeight: im.naturalHeight, alt: im.alt, testid: a!.getAttribute('data-testid') } : null;
      }, id);
    const checkFiles = async () => {
      await expect.poll(async () => (await picture(img.id))?.naturalWidth ?? 0, { timeout: 10_000 }).toBe(160);
      expect(await picture(img.id)).toEqual({ complete: true, naturalWidth: 160, naturalHeight: 100, alt: '抽血须知.png', testid: 'lw-file-image' });
      const link = agentMsg.getByTestId('lw-file-link');
      expect(await link.count()).toBe(1);
      expect(await link.textContent()).toMatch(/空腹抽血须知\.pdf \(\d+ KB\)/);
      expect(await link.getAttribute('download')).toBe('空腹抽血须知.pdf');
      const href = (await link.getAttribute('href'))!;
      expect(href).toContain(`/widget/attachments/${doc.id}?token=`);
      // The link gives the patient the very bytes the agent attached.
      const got = await page.request.get(href);
      expect(got.headers()['content-type']).toBe('application/pdf');
      expect((await got.body()).equals(PDF)).toBe(true);
    };
    await checkFiles();
    await agentMsg.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'widget-files-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'widget with an agent reply carrying a picture and a PDF (zh-CN)');

    // A reload: the history (welcome) brings the reply back with its files.
    await page.reload();
    await page.getByTestId('lw-launcher').click();
    await expect.poll(() => page.getByTestId('lw-status').getAttribute('data-state')).toBe('online');
    await expect.poll(() => page.locator('[data-testid=lw-msg-agent]').count()).toBe(1);
    expect(await agentMsg.getAttribute('data-id')).toBe(reply.value.id);
    await checkFiles();
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
    await expectNoSeriousA11yViolations(page, 'widget offline with a pending message (en)');
    // The network is back: the widget reconnects and resends, once.
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => page.locator('[data-testid=lw-msg-visitor][data-state=sent]').count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => q('SELECT id FROM messages WHERE body = ?', 'written while offline'), { timeout: 15_000 }).toHaveLength(1);
    expect(q('SELECT id FROM messages WHERE body = ?', 'first message')).toHaveLength(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'widget-en.png') });
    await expectNoSeriousA11yViolations(page, 'widget conversation (en)');
    await context.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Workstation } from '../../electron/services/workstation';
import { MAX_ATTACHMENT_BYTES } from '../../shared/contract/attachments';
import { expectNoSeriousA11yViolations, installBridge, startDemoApp, SCREENSHOT_DIR, type startRendererServer, watchErrors } from './harness';

// ---- real files, built here --------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid RGB PNG (a warm gradient with a cross) that Chromium decodes. */
function makePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const cross = Math.abs(x - width / 2) < 3 || Math.abs(y - height / 2) < 3;
      const o = row + 1 + x * 3;
      raw[o] = cross ? 255 : 181;
      raw[o + 1] = cross ? 255 : Math.round(80 + (120 * y) / height);
      raw[o + 2] = cross ? 255 : Math.round(29 + (180 * x) / width);
    }
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A minimal but well-formed one-page PDF (offsets in the xref table are computed). */
function makePdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    (() => {
      const stream = `BT /F1 18 Tf 36 72 Td (${text}) Tj ET`;
      return `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
    })(),
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

const PNG = makePng(240, 160);
const PDF = makePdf('Referral letter');
const png = (name: string) => ({ name, mimeType: 'image/png', buffer: PNG });
const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: PDF });

// ---- the tests -----------------------------------------------------------------------

/** Files on replies end to end: real Chromium, the real services, the encrypted replica. */
describe('attachments in the composer and the timeline', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let ws: Workstation;
  let app: Awaited<ReturnType<typeof startDemoApp>>;

  beforeAll(async () => {
    app = await startDemoApp('lantern-e2e-att-');
    ({ ws, server, browser } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  const rows = <T,>(sql: string, ...args: unknown[]) => ws.replica.sqlite.prepare(sql).all(...args) as T[];
  const staged = (conversationId: string) => rows<{ filename: string; mime: string }>("SELECT filename, mime FROM attachments WHERE conversation_id = ? AND state = 'staged' ORDER BY created_at", conversationId);

  /** `csp()` lists CSP violations since the inbox painted (the app's own zod eval probe comes before). */
  async function openApp(language: 'zh-CN' | 'en' = 'zh-CN'): Promise<{ page: Page; errors: string[]; csp: () => Promise<string[]> }> {
    await ws.dispatch('session.setLanguage', { language });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: language });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    const violations = () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    const baseline = (await violations()).length;
    return { page, errors, csp: async () => (await violations()).slice(baseline) };
  }

  async function openConversation(page: Page, id: string) {
    await page.locator(`[data-conversation-id="${id}"]`).first().click();
    await expect.poll(() => page.getByTestId('conversation-view').getAttribute('data-conversation-id')).toBe(id);
    await page.getByTestId('composer').waitFor();
  }

  /** The image decoded (naturalWidth > 0), not just an <img> with a URL. */
  const naturalWidth = (img: Locator) => img.evaluate((el) => ((el as HTMLImageElement).complete ? (el as HTMLImageElement).naturalWidth : 0));

  it('attaches a PNG and a PDF, removes the PDF, sends with Ctrl+Enter; the timeline shows the picture and the replica binds it to the queued reply', async () => {
    const { page, errors, csp } = await openApp();
    await openConversation(page, 'v-zhang-appt');

    await page.getByTestId('attach-input').setInputFiles([png('伤口照片.png'), pdf('转诊单.pdf')]);
    const chips = page.getByTestId('attach-chip');
    await expect.poll(() => chips.count()).toBe(2);
    await expect.poll(() => chips.evaluateAll((els) => els.map((e) => e.getAttribute('data-mime')))).toEqual(['image/png', 'application/pdf']);
    await expect.poll(() => naturalWidth(page.getByTestId('attach-chip-thumb'))).toBe(240);
    expect(await chips.first().textContent()).toContain('伤口照片.png');
    expect(await chips.nth(1).textContent()).toMatch(/转诊单\.pdf.*\d+ B/);
    expect(staged('v-zhang-appt')).toEqual([
      { filename: '伤口照片.png', mime: 'image/png' },
      { filename: '转诊单.pdf', mime: 'application/pdf' },
    ]);
    // Accessible names: the paperclip and each remove button say what they do.
    await expect(page.getByRole('button', { name: '附件', exact: true }).isEnabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: '移除附件 转诊单.pdf' }).count()).resolves.toBe(1);

    await page.getByTestId('composer-input').fill('张女士您好，请看伤口照片，明天复诊时带上转诊单。');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'attachments-composer-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'composer with attachment chips (zh-CN)');

    await page.locator('[data-testid="attach-chip"][data-mime="application/pdf"]').getByTestId('attach-remove').click();
    await expect.poll(() => chips.count()).toBe(1);
    expect(staged('v-zhang-appt')).toEqual([{ filename: '伤口照片.png', mime: 'image/png' }]);

    const before = await page.getByTestId('message').count();
    await page.getByTestId('composer-input').press('Control+Enter');
    await expect.poll(() => page.getByTestId('message').count()).toBe(before + 1);
    await expect.poll(() => page.getByTestId('attach-chips').count()).toBe(0);
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');

    const last = page.getByTestId('message').last();
    await expect.poll(() => last.getAttribute('data-delivery')).toBe('queued');
    const img = last.getByTestId('message-image-img');
    await expect.poll(() => naturalWidth(img)).toBe(240);
    const box = await img.boundingBox();
    expect(box?.width).toBeLessThanOrEqual(200);
    await expect.poll(() => last.getByTestId('attachment-queued').textContent()).toBe('待发送');
    expect(await last.getByTestId('message-file').count()).toBe(0);

    const messageId = await last.getAttribute('data-message-id');
    expect(rows('SELECT message_id AS messageId, filename, state FROM attachments WHERE conversation_id = ?', 'v-zhang-appt')).toEqual([{ messageId, filename: '伤口照片.png', state: 'queued' }]);
    expect(rows('SELECT delivery_status AS d FROM messages WHERE id = ?', messageId)).toEqual([{ d: 'queued' }]);
    await page.getByTestId('timeline').evaluate((el) => el.closest('.timeline-scroll')?.scrollTo({ top: 1e6 }));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'attachments-timeline-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'timeline with a picture on a queued reply (zh-CN)');

    expect(await csp()).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('refuses a text file named fake.png with the localized type message; nothing is staged', async () => {
    const { page, errors } = await openApp();
    await openConversation(page, 'v-zhou-postop');
    await page.getByTestId('attach-input').setInputFiles([{ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('this is only text, not a picture\n') }]);
    await expect.poll(() => page.getByTestId('attach-error').textContent()).toContain('只能附加 PNG、JPEG、WebP 图片或 PDF 文件');
    expect(await page.getByTestId('attach-error').getAttribute('data-code')).toBe('attachments.type_not_allowed');
    await expectNoSeriousA11yViolations(page, 'composer with an attachment error (zh-CN)');
    expect(await page.getByTestId('attach-chip').count()).toBe(0);
    expect(staged('v-zhou-postop')).toEqual([]);
    // A reply with no text and no file cannot be sent.
    expect(await page.getByTestId('composer-send').isDisabled()).toBe(true);
    await page.getByTestId('attach-error').getByRole('button').click();
    await expect.poll(() => page.getByTestId('attach-error').count()).toBe(0);

    // Count and size are checked before a byte is read, with the same reviewed texts.
    await page.getByTestId('attach-input').setInputFiles(Array.from({ length: 6 }, (_, i) => png(`p${i}.png`)));
    await expect.poll(() => page.getByTestId('attach-error').getAttribute('data-code')).toBe('attachments.too_many');
    expect(await page.getByTestId('attach-error').textContent()).toContain('每条回复最多附加 5 个文件');
    await page.getByTestId('attach-input').setInputFiles([{ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 0x20) }]);
    await expect.poll(() => page.getByTestId('attach-error').getAttribute('data-code')).toBe('attachments.too_large');
    expect(await page.getByTestId('attach-error').textContent()).toContain('文件过大');
    expect(staged('v-zhou-postop')).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('disables the paperclip on SMS and phone conversations and says why', async () => {
    const { page, errors } = await openApp();
    for (const [id, text] of [
      ['v-sun-inr', '短信不支持发送附件'],
      ['v-li-call', '电话不支持发送附件'],
    ] as const) {
      await openConversation(page, id);
      const button = page.getByTestId('attach-button');
      expect(await button.isDisabled()).toBe(true);
      const why = page.getByTestId('attach-unsupported');
      await expect.poll(() => why.textContent()).toContain(text);
      expect(await button.getAttribute('aria-describedby')).toBe(await why.getAttribute('id'));
      expect(await button.getAttribute('title')).toContain(text);
    }
    await page.getByTestId('composer').screenshot({ path: join(SCREENSHOT_DIR, 'attachments-unsupported-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'composer with the paperclip disabled (zh-CN)');
    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => page.getByTestId('attach-unsupported').textContent()).toMatch(/cannot carry files/i);
    await page.getByTestId('composer').screenshot({ path: join(SCREENSHOT_DIR, 'attachments-unsupported-en.png') });
    await expectNoSeriousA11yViolations(page, 'composer with the paperclip disabled (en)');
    await page.getByTestId('language-switch').selectOption('zh-CN');
    // A file dropped or pasted anyway is refused in words, not silently.
    await page.getByTestId('attach-input').setInputFiles([png('x.png')]);
    await expect.poll(() => page.getByTestId('attach-error').getAttribute('data-code')).toBe('attachments.channel_unsupported');
    expect(staged('v-li-call')).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('takes a pasted picture and a dropped PDF of almost 10 MB (read in chunks); an internal note takes no files', async () => {
    const { page, errors } = await openApp();
    await openConversation(page, 'v-zhou-postop');
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_ATTACHMENT_BYTES - PDF.length - 1024, 0x20)]);
    await page.getByTestId('composer-input').evaluate((el, b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, PNG.toString('base64'));
    await expect.poll(() => page.getByTestId('attach-chip').count()).toBe(1);
    await page.getByTestId('composer').evaluate((el, b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], '出院小结.pdf', { type: 'application/pdf' }));
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, big.toString('base64'));
    await expect.poll(() => page.getByTestId('attach-chip').count(), { timeout: 20_000 }).toBe(2);
    expect(await page.getByTestId('attach-chip').nth(1).textContent()).toContain('10.0 MB');
    const kept = rows<{ size: number; same: number }>("SELECT size, data = ? AS same FROM attachments WHERE conversation_id = 'v-zhou-postop' AND mime = 'application/pdf'", big);
    expect(kept).toEqual([{ size: big.length, same: 1 }]);

    await page.getByTestId('composer-mode-note').click();
    expect(await page.getByTestId('attach-button').count()).toBe(0);
    await page.getByTestId('composer-input').evaluate((el, b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, PNG.toString('base64'));
    await expect.poll(() => page.getByTestId('attach-error').textContent()).toContain('内部备注不能附加文件');
    expect(staged('v-zhou-postop')).toHaveLength(2);

    // Back in reply mode the files are still there; remove both (keyboard: Tab to ×, Enter).
    await page.getByTestId('composer-mode-reply').click();
    await expect.poll(() => page.getByTestId('attach-chip').count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      await page.getByTestId('attach-remove').first().focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('attach-chip').count()).toBe(1 - i);
    }
    expect(staged('v-zhou-postop')).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps a staged file across a reload (it lives in the replica, like a draft), then sends it without text', async () => {
    const { page, errors } = await openApp();
    await openConversation(page, 'v-liu-report');
    await page.getByTestId('attach-input').setInputFiles([png('化验单.png')]);
    await expect.poll(() => page.getByTestId('attach-chip').count()).toBe(1);
    await page.reload();
    await page.getByTestId('inbox-row').first().waitFor();
    await openConversation(page, 'v-liu-report');
    await expect.poll(() => page.getByTestId('attach-chip').count()).toBe(1);
    expect(await page.getByTestId('attach-chip').textContent()).toContain('化验单.png');
    // After the reload the thumbnail comes from the replica (attachments.open), not the File.
    await expect.poll(() => naturalWidth(page.getByTestId('attach-chip-thumb'))).toBe(240);
    // Files only, no text: a valid reply.
    expect(await page.getByTestId('composer-send').isEnabled()).toBe(true);
    await page.getByTestId('composer-input').press('Control+Enter');
    const last = page.getByTestId('message').last();
    await expect.poll(() => naturalWidth(last.getByTestId('message-image-img'))).toBe(240);
    const id = await last.getAttribute('data-message-id');
    expect(rows('SELECT body, delivery_status AS d FROM messages WHERE id = ?', id)).toEqual([{ body: '', d: 'queued' }]);
    expect(rows('SELECT filename, state FROM attachments WHERE message_id = ?', id)).toEqual([{ filename: '化验单.png', state: 'queued' }]);
    expect(staged('v-liu-report')).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('in English: chips and a picture in the timeline; a PDF on a message downloads its bytes', async () => {
    const { page, errors, csp } = await openApp('en');
    await openConversation(page, 'v-huang-en');
    await expect.poll(() => page.getByTestId('attach-button').textContent()).toBe('Attach');
    await page.getByTestId('attach-input').setInputFiles([png('blood-pressure-log.png'), pdf('discharge-summary.pdf')]);
    await expect.poll(() => page.getByTestId('attach-chip').count()).toBe(2);
    await page.getByTestId('composer-input').fill('Hello Emily, here are your readings and the discharge summary.');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'attachments-composer-en.png') });
    await expectNoSeriousA11yViolations(page, 'composer with attachment chips (en)');
    await page.getByTestId('composer-send').click();
    const last = page.getByTestId('message').last();
    await expect.poll(() => last.getAttribute('data-delivery')).toBe('queued');
    await expect.poll(() => naturalWidth(last.getByTestId('message-image-img'))).toBe(240);
    await expect.poll(() => last.getByTestId('attachment-queued').first().textContent()).toBe('Waiting to send');
    await page.getByTestId('timeline').evaluate((el) => el.closest('.timeline-scroll')?.scrollTo({ top: 1e6 }));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'attachments-timeline-en.png') });
    await expectNoSeriousA11yViolations(page, 'timeline with a picture and a PDF (en)');

    const [download] = await Promise.all([page.waitForEvent('download'), last.getByTestId('message-file-open').click()]);
    expect(download.suggestedFilename()).toBe('discharge-summary.pdf');
    expect(readFileSync(await download.path()).equals(PDF)).toBe(true);

    expect(await csp()).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a file never opened here, with no hub: the localized offline message and a retry in place of the picture', async () => {
    const msg = rows<{ id: string }>("SELECT id FROM messages WHERE conversation_id = 'v-zhou-postop' AND direction = 'inbound' ORDER BY created_at LIMIT 1")[0];
    expect(msg).toBeDefined();
    ws.replica.sqlite
      .prepare("INSERT INTO attachments (id, conversation_id, message_id, filename, mime, size, sha256, data, state, created_at) VALUES ('att-e2e-remote', 'v-zhou-postop', ?, '伤口.jpg', 'image/jpeg', 48213, NULL, NULL, 'stored', ?)")
      .run(msg?.id, Date.now());
    const { page, errors } = await openApp();
    await openConversation(page, 'v-zhou-postop');
    const figure = page.locator('[data-testid="message-image"][data-attachment-id="att-e2e-remote"]');
    await figure.scrollIntoViewIfNeeded();
    await expect.poll(() => figure.getByTestId('attachment-error').textContent()).toContain('网络已断开，且此文件尚未在本机打开过');
    expect(await figure.getByTestId('attachment-error').getAttribute('data-code')).toBe('attachments.offline');
    await figure.getByTestId('attachment-retry').click();
    await expect.poll(() => figure.getByTestId('attachment-error').getAttribute('data-code')).toBe('attachments.offline');
    expect(await figure.locator('img').count()).toBe(0);
    await figure.locator('xpath=ancestor::li[1]').screenshot({ path: join(SCREENSHOT_DIR, 'attachments-offline-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'timeline with a file that cannot be fetched offline (zh-CN)');
    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => figure.getByTestId('attachment-error').textContent()).not.toContain('网络已断开');
    await figure.locator('xpath=ancestor::li[1]').screenshot({ path: join(SCREENSHOT_DIR, 'attachments-offline-en.png') });
    await page.getByTestId('language-switch').selectOption('zh-CN');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

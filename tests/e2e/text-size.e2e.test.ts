import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { installBridge, SCREENSHOT_DIR, startDemoApp, watchErrors } from './harness';

/**
 * Large system text. On Windows, Settings › Accessibility › Text size and display
 * scaling both raise Chromium's device scale factor in Electron (the app never forces
 * it), so a 1920×1080 screen at 150 % gives the page a 1280×720 CSS viewport and at
 * 200 % 960×540; Ctrl+= / Ctrl+- (Electron's default View menu) zoom the same way.
 * The workspace must stay whole there: nothing cut off or pushed out sideways, the
 * composer's send button and the inbox reachable, rows not overlapping.
 */
describe('the workspace with enlarged system text (device scale 1.5 and 2)', () => {
  let app: Awaited<ReturnType<typeof startDemoApp>>;
  beforeAll(async () => {
    app = await startDemoApp('lantern-e2e-text-');
  });
  afterAll(async () => {
    await app?.close();
  });

  async function open(width: number, height: number, scale: number, locale: 'zh-CN' | 'en'): Promise<{ page: Page; errors: string[] }> {
    await app.ws.dispatch('session.setLanguage', { language: locale });
    const context = await app.browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale, locale });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await installBridge(page, app.ws.dispatch);
    await page.goto(app.server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    await page.locator('[data-conversation-id="v-zhang-appt"]').first().click();
    await page.getByTestId('timeline').waitFor();
    return { page, errors };
  }

  /** Boxes of the parts an agent needs, in CSS px. */
  async function layout(page: Page) {
    return page.evaluate(`(() => {
      const box = (sel) => { const el = document.querySelector(sel); if (!el) return null; const r = el.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
      const rows = [...document.querySelectorAll('[data-testid=inbox-row]')].map((e) => e.getBoundingClientRect()).sort((a, b) => a.top - b.top);
      let overlap = 0;
      for (let i = 1; i < rows.length; i++) if (rows[i].top < rows[i - 1].bottom - 1) overlap++;
      return {
        vw: window.innerWidth, vh: window.innerHeight,
        docWidth: document.documentElement.scrollWidth,
        send: box('[data-testid=composer-send]'),
        input: box('[data-testid=composer-input]'),
        search: box('[data-testid=inbox-search]'),
        timeline: box('.timeline-scroll'),
        rowOverlap: overlap,
        tabsCut: [...document.querySelectorAll('.inbox-tabs button')].filter((b) => { const r = b.getBoundingClientRect(), p = b.parentElement.getBoundingClientRect(); return r.right > p.right + 0.5 || r.height > 40; }).length,
        rowsCut: [...document.querySelectorAll('[data-testid=inbox-row] .row-meta')].filter((m) => m.scrollHeight > m.clientHeight + 1).length,
      };
    })()`) as Promise<{ vw: number; vh: number; docWidth: number; send: Box | null; input: Box | null; search: Box | null; timeline: Box | null; rowOverlap: number; tabsCut: number; rowsCut: number }>;
  }
  type Box = { left: number; top: number; right: number; bottom: number };
  const inside = (b: Box | null, vw: number, vh: number) => !!b && b.left >= 0 && b.top >= 0 && b.right <= vw + 0.5 && b.bottom <= vh + 0.5;

  for (const [label, width, height, scale] of [
    ['150 %', 1280, 720, 1.5],
    ['200 %', 960, 540, 2],
  ] as const) {
    for (const locale of ['zh-CN', 'en'] as const) {
      it(`keeps the workspace whole at ${label} (${width}×${height} CSS px), ${locale}`, async () => {
        const { page, errors } = await open(width, height, scale, locale);
        const l = await layout(page);
        expect(l.docWidth).toBeLessThanOrEqual(l.vw);
        expect(inside(l.send, l.vw, l.vh)).toBe(true);
        expect(inside(l.input, l.vw, l.vh)).toBe(true);
        expect(inside(l.search, l.vw, l.vh)).toBe(true);
        expect(l.rowOverlap).toBe(0);
        expect(l.tabsCut).toBe(0);
        // The conversation stays readable between its header and the composer.
        expect(l.timeline!.bottom - Math.max(0, l.timeline!.top)).toBeGreaterThanOrEqual(140);
        // A composed reply can be sent at this size.
        await page.getByTestId('composer-input').fill(locale === 'en' ? 'Wednesday 9:00 is booked for you.' : '已为您改到下周三上午 9:00。');
        await page.getByTestId('composer-send').click();
        await expect.poll(() => page.getByTestId('message').last().textContent()).toContain(locale === 'en' ? 'Wednesday 9:00' : '下周三上午');
        await page.screenshot({ path: join(SCREENSHOT_DIR, `text-size-${scale * 100}-${locale}.png`) });
        expect(errors).toEqual([]);
        await page.context().close();
      });
    }
  }
});

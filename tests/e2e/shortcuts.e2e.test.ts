import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { comboCaps, SHORTCUT_GROUPS, SHORTCUTS } from '../../renderer/src/app/shortcuts';
import { zhCN } from '../../renderer/src/i18n/zh-CN';
import { en } from '../../renderer/src/i18n/en';
import { expectNoSeriousA11yViolations, installBridge, SCREENSHOT_DIR, startDemoApp, watchErrors } from './harness';

/** Keyboard shortcuts end to end: real Chromium, real services, real encrypted replica. */
describe('keyboard shortcuts and their help overlay', () => {
  let app: Awaited<ReturnType<typeof startDemoApp>>;
  beforeAll(async () => {
    app = await startDemoApp('lantern-e2e-keys-');
  });
  afterAll(async () => {
    await app?.close();
  });

  async function openApp(width = 1440, height = 900): Promise<{ page: Page; errors: string[] }> {
    const context = await app.browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await installBridge(page, app.ws.dispatch);
    await page.goto(app.server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    return { page, errors };
  }
  const help = (page: Page) => page.getByTestId('shortcuts-help');
  const openId = (page: Page) => page.getByTestId('conversation-view').getAttribute('data-conversation-id');
  const activeTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
  const conversation = async (id: string) => {
    const r = await app.ws.dispatch('conversations.get', { id });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value as { status: string; assigneeId: string | null };
  };
  async function openConversation(page: Page, id: string) {
    await page.locator(`[data-conversation-id="${id}"]`).first().click();
    await expect.poll(() => openId(page)).toBe(id);
  }

  /** The overlay lists exactly the registry, each with its label in `messages` and its keys as <kbd>. */
  async function expectListsRegistry(page: Page, messages: typeof zhCN | typeof en) {
    const rows = (await help(page)
      .getByTestId('shortcut')
      .evaluateAll((els) =>
        els.map((e) => ({ id: e.getAttribute('data-shortcut-id'), label: e.querySelector('th')?.textContent ?? '', caps: [...e.querySelectorAll('kbd.cap')].map((k) => k.textContent) })),
      )) as { id: string; label: string; caps: string[] }[];
    expect(rows.map((r) => r.id).sort()).toEqual(SHORTCUTS.map((s) => s.id).sort());
    for (const s of SHORTCUTS) {
      const row = rows.find((r) => r.id === s.id);
      const label = messages.shortcuts.actions[s.id];
      expect(label?.trim(), s.id).toBeTruthy();
      expect(row?.label, s.id).toBe(label);
      expect(row?.caps, s.id).toEqual(s.keys.flatMap((c) => comboCaps(c)));
    }
    const headings = await help(page).locator('h3').allTextContents();
    expect(headings).toEqual(SHORTCUT_GROUPS.map((g) => messages.shortcuts.groups[g]));
  }

  it('opens with ? and F1 and from the top bar, lists every registered shortcut, passes axe, traps focus and gives it back on Esc', async () => {
    const { page, errors } = await openApp();
    const row = page.locator('[data-conversation-id="v-wang-bp"]').first();
    await row.focus();
    await page.keyboard.press('?');
    await help(page).waitFor();
    expect(await help(page).getAttribute('aria-modal')).toBe('true');
    expect(await page.getByRole('dialog', { name: zhCN.shortcuts.title }).count()).toBe(1);
    await expectListsRegistry(page, zhCN);
    expect(await activeTestId(page)).toBe('shortcuts-close');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid=shortcuts-help]'))).toBe(true);
    }
    // Keys other than the overlay's own do nothing behind it.
    await page.keyboard.press('j');
    expect(await page.getByTestId('conversation-view').getAttribute('data-conversation-id')).toBeNull();
    await expectNoSeriousA11yViolations(page, 'keyboard shortcuts overlay (zh-CN)');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'shortcuts-help-zh-CN.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => help(page).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-conversation-id'))).toBe('v-wang-bp');

    // F1 works even from a text field, and toggles.
    await page.getByTestId('inbox-search').focus();
    await page.keyboard.press('F1');
    await help(page).waitFor();
    await page.keyboard.press('F1');
    await expect.poll(() => help(page).count()).toBe(0);
    expect(await activeTestId(page)).toBe('inbox-search');

    // Mouse users: the top-bar button, by its accessible name.
    const button = page.getByRole('button', { name: zhCN.shortcuts.open, exact: true });
    await button.click();
    await help(page).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => help(page).count()).toBe(0);
    expect(await activeTestId(page)).toBe('open-shortcuts');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('moves through the inbox with Alt+↓/Alt+↑ and j/k, and focuses search with Ctrl+K and Ctrl+F', async () => {
    const { page, errors } = await openApp();
    const ids = (await page.getByTestId('inbox-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')))) as string[];
    expect(ids.length).toBeGreaterThan(4);
    await page.keyboard.press('Alt+ArrowDown'); // nothing open: opens the first
    await expect.poll(() => openId(page)).toBe(ids[0]);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => openId(page)).toBe(ids[1]);
    await page.keyboard.press('j');
    await expect.poll(() => openId(page)).toBe(ids[2]);
    await page.keyboard.press('j');
    await expect.poll(() => openId(page)).toBe(ids[3]);
    await page.keyboard.press('k');
    await expect.poll(() => openId(page)).toBe(ids[2]);
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => openId(page)).toBe(ids[1]);
    expect(await page.locator(`[data-conversation-id="${ids[1]}"]`).first().getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('Control+k');
    await expect.poll(() => activeTestId(page)).toBe('inbox-search');
    // In the search box j and k are letters; Alt+↓ still moves (modifier shortcuts work in fields).
    await page.keyboard.type('jk');
    expect(await page.getByTestId('inbox-search').inputValue()).toBe('jk');
    expect(await openId(page)).toBe(ids[1]);
    await page.getByTestId('inbox-search').fill('');
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => openId(page)).toBe(ids[2]);
    await page.locator(`[data-conversation-id="${ids[2]}"]`).first().focus();
    await page.keyboard.press('Control+f');
    await expect.poll(() => activeTestId(page)).toBe('inbox-search');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('what the agent types while the stored draft is still loading is kept (joined to the draft), never overwritten', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    // The replica answers drafts.get only when the test says so (a busy workstation).
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    const hold = () => (gate = new Promise<void>((r) => (release = r)));
    await installBridge(page, async (method, input) => {
      if (method === 'drafts.get') await gate;
      return app.ws.dispatch(method, input);
    });
    await page.goto(app.server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    const saved = await app.ws.dispatch('drafts.save', { conversationId: 'v-liu-report', mode: 'reply', body: '刘女士您好，' });
    expect(saved.ok).toBe(true);
    // A conversation without a stored draft: the letters typed before the (empty) draft arrives stay.
    hold();
    await openConversation(page, 'v-zhang-appt');
    await page.keyboard.press('r');
    await expect.poll(() => activeTestId(page)).toBe('composer-input');
    await page.keyboard.type('jk');
    release();
    await page.waitForTimeout(200);
    expect(await page.getByTestId('composer-input').inputValue()).toBe('jk');
    // With a stored draft: the draft comes first, what was typed meanwhile follows, and both are saved.
    hold();
    await openConversation(page, 'v-liu-report');
    await page.keyboard.press('r');
    await expect.poll(() => activeTestId(page)).toBe('composer-input');
    await page.keyboard.type('报告');
    release();
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe('刘女士您好，报告');
    await expect
      .poll(async () => {
        const d = await app.ws.dispatch('drafts.get', { conversationId: 'v-liu-report', mode: 'reply' });
        return d.ok ? (d.value as { body: string }).body : null;
      })
      .toBe('刘女士您好，报告');
    await app.ws.dispatch('drafts.save', { conversationId: 'v-liu-report', mode: 'reply', body: '' });
    await app.ws.dispatch('drafts.save', { conversationId: 'v-zhang-appt', mode: 'reply', body: '' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('r focuses the composer, where single keys are only text; Ctrl+Shift+N toggles the note mode; no shortcut fires while an IME composes', async () => {
    const { page, errors } = await openApp();
    await openConversation(page, 'v-zhang-appt');
    await page.keyboard.press('r');
    await expect.poll(() => activeTestId(page)).toBe('composer-input');
    await page.keyboard.type('jkr?/');
    expect(await page.getByTestId('composer-input').inputValue()).toBe('jkr?/');
    expect(await openId(page)).toBe('v-zhang-appt');
    expect(await help(page).count()).toBe(0);

    await page.keyboard.press('Control+Shift+N');
    await expect.poll(() => page.getByTestId('composer-mode-note').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('composer').getAttribute('class')).toContain('mode-note');
    expect(await activeTestId(page)).toBe('composer-input');
    await page.keyboard.type('已电话联系患者');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('note').last().textContent()).toContain('已电话联系患者');
    await page.keyboard.press('Control+Shift+N');
    await expect.poll(() => page.getByTestId('composer-mode-reply').getAttribute('aria-selected')).toBe('true');

    // Pinyin being composed: keydown events carry isComposing (and keyCode 229 in Chromium).
    await page.locator('[data-conversation-id="v-zhang-appt"]').first().focus();
    await page.evaluate(() => {
      const target = document.activeElement ?? document.body;
      for (const init of [{ key: 'j', isComposing: true }, { key: 'Process', keyCode: 229 }, { key: 'd', ctrlKey: true, shiftKey: true, isComposing: true }, { key: '?', isComposing: true }]) {
        target.dispatchEvent(new KeyboardEvent('keydown', { ...init, bubbles: true, cancelable: true }));
      }
    });
    expect(await openId(page)).toBe('v-zhang-appt');
    expect(await help(page).count()).toBe(0);
    expect((await conversation('v-zhang-appt')).status).toBe('open');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('resolves with Ctrl+Shift+D, snoozes with Ctrl+Shift+S, assigns to me with Ctrl+Shift+A and locks with Ctrl+L', async () => {
    const { page, errors } = await openApp();
    await openConversation(page, 'v-liu-report');
    await page.keyboard.press('r');
    await expect.poll(() => activeTestId(page)).toBe('composer-input');
    await page.keyboard.press('Control+Shift+D'); // works from the text box too
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe(zhCN.status.resolved);
    await expect.poll(async () => (await conversation('v-liu-report')).status).toBe('resolved');

    await openConversation(page, 'v-zhou-postop');
    await page.keyboard.press('Control+Shift+S');
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe(zhCN.status.snoozed);
    await expect.poll(async () => (await conversation('v-zhou-postop')).status).toBe('snoozed');

    const me = await app.ws.dispatch('session.info', {});
    const myId = me.ok ? (me.value as { user: { id: string } | null }).user?.id : undefined;
    expect(myId).toBeTruthy();
    const target = (await conversation('v-wu-gdm')).assigneeId === myId ? 'v-sun-inr' : 'v-wu-gdm';
    expect((await conversation(target)).assigneeId).not.toBe(myId);
    await openConversation(page, target);
    await page.keyboard.press('Control+Shift+A');
    await expect.poll(() => page.getByTestId('assign').inputValue()).toBe(myId);
    await expect.poll(async () => (await conversation(target)).assigneeId).toBe(myId);

    await page.keyboard.press('Control+l');
    await page.getByTestId('lock-screen').waitFor();
    expect(await app.ws.dispatch('conversations.list', {})).toMatchObject({ ok: false, error: { code: 'session.locked' } });
    await page.getByTestId('unlock-password').fill('demo');
    await page.getByTestId('unlock-submit').click();
    await page.getByTestId('inbox-row').first().waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the overlay in English after a language switch, and the top bar still fits at 960 px', async () => {
    const { page, errors } = await openApp();
    await page.getByTestId('language-switch').selectOption('en');
    const button = page.getByRole('button', { name: en.shortcuts.open, exact: true });
    await button.waitFor();
    await button.click();
    await help(page).waitFor();
    expect(await page.getByRole('dialog', { name: en.shortcuts.title }).count()).toBe(1);
    await expectListsRegistry(page, en);
    await expectNoSeriousA11yViolations(page, 'keyboard shortcuts overlay (en)');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'shortcuts-help-en.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => help(page).count()).toBe(0);

    await page.setViewportSize({ width: 960, height: 540 });
    await page.keyboard.press('F1');
    await help(page).waitFor();
    const fit = await page.evaluate(() => {
      const d = document.querySelector('[data-testid=shortcuts-help]')?.getBoundingClientRect();
      const b = document.querySelector('[data-testid=open-shortcuts]')?.getBoundingClientRect();
      return { docWidth: document.documentElement.scrollWidth, vw: window.innerWidth, vh: window.innerHeight, dialogBottom: d?.bottom ?? 1e9, buttonRight: b?.right ?? 1e9 };
    });
    expect(fit.docWidth).toBeLessThanOrEqual(fit.vw);
    expect(fit.buttonRight).toBeLessThanOrEqual(fit.vw);
    expect(fit.dialogBottom).toBeLessThanOrEqual(fit.vh);
    await expectNoSeriousA11yViolations(page, 'keyboard shortcuts overlay at 960×540 (en)');
    await page.keyboard.press('Escape');
    await page.getByTestId('language-switch').selectOption('zh-CN');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

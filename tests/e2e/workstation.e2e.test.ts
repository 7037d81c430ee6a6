import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Workstation } from '../../electron/services/workstation';
import { expectNoSeriousA11yViolations, installBridge, seriousA11yViolations, startDemoApp, SCREENSHOT_DIR, type startRendererServer, watchErrors } from './harness';

describe('workstation UI in real Chromium over an encrypted replica', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let ws: Workstation;
  let app: Awaited<ReturnType<typeof startDemoApp>>;

  beforeAll(async () => {
    app = await startDemoApp('lantern-e2e-');
    ({ ws, server, browser } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function openApp(viewport = { width: 1366, height: 820 }): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    return { page, errors };
  }

  it('shows the demo inbox, read from the encrypted replica, in Chinese', async () => {
    const { page, errors } = await openApp();
    const expected = ws.replica.sqlite.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number };
    expect(expected.n).toBeGreaterThanOrEqual(12);
    await expect.poll(() => page.getByTestId('inbox-row').count()).toBe(expected.n);
    await expect(page.getByTestId('inbox-count').textContent()).resolves.toBe(`${expected.n} 个会话`);
    await expect(page.getByTestId('mode-badge').textContent()).resolves.toContain('演示诊所');
    // The first row is an urgent one (urgent on top), marked in words, not only colour.
    await expect(page.getByTestId('inbox-row').first().getByTestId('priority-tag').textContent()).resolves.toBe('紧急');
    // Every channel of the demo clinic is on one list.
    const channels = await page.locator('[data-testid=inbox-row] [data-channel]').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-channel')))].sort());
    expect(channels).toEqual(['device', 'email', 'phone', 'sms', 'webchat', 'wechat', 'wecom']);
    // Each with its icon (drawn, not a font glyph) beside its name; one icon per channel.
    const icons = await page.locator('[data-testid=inbox-row] [data-channel]').evaluateAll((els) =>
      els.map((e) => ({ channel: e.getAttribute('data-channel'), icon: e.querySelector('svg.channel-icon')?.innerHTML ?? '', box: e.querySelector('svg')?.getBoundingClientRect().width ?? 0 })),
    );
    expect(icons.every((i) => i.icon.length > 0 && i.box >= 10)).toBe(true);
    expect(new Set(icons.map((i) => i.icon)).size).toBe(new Set(icons.map((i) => i.channel)).size);
    await expect.poll(() => page.getByTestId('knowledge-panel').textContent()).toContain('暂无建议');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'inbox-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'inbox (zh-CN)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('starts with the answers early.js asked for: session.info and the first inbox page are each called once', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 820 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const calls: string[] = [];
    await installBridge(page, (method, input) => {
      calls.push(String(method));
      return ws.dispatch(method, input);
    });
    await page.goto(server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    // early.js is deferred (fetched alongside the bundle) yet must still run before it:
    // if it ran after, the bundle would ask for both itself and each would be asked twice.
    expect(calls.filter((m) => m === 'session.info')).toHaveLength(1);
    expect(calls.filter((m) => m === 'conversations.list')).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a conversation and queues a reply with Ctrl+Enter into the outbox', async () => {
    const { page, errors } = await openApp();
    const row = page.getByTestId('inbox-row').first();
    const conversationId = await row.getAttribute('data-conversation-id');
    expect(conversationId).toBeTruthy();
    await row.click();
    const view = page.getByTestId('conversation-view');
    await expect.poll(() => view.getAttribute('data-conversation-id')).toBe(conversationId);
    const stored = ws.replica.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE conversation_id = ?').get(conversationId) as { n: number };
    await expect.poll(() => page.getByTestId('message').count()).toBe(stored.n);

    const reply = '您好，我是值班护士。宝宝高烧不退、精神差，请尽快带宝宝到儿科急诊就诊，路上注意保暖。';
    await page.getByTestId('composer-input').fill(reply);
    await page.getByTestId('composer-input').press('Control+Enter');
    const last = page.getByTestId('message').last();
    await expect.poll(() => last.textContent()).toContain(reply);
    await expect(last.getAttribute('data-delivery')).resolves.toBe('queued');
    await expect(last.getByTestId('delivery-status').textContent()).resolves.toContain('排队中');
    await expect(page.getByTestId('composer-input').inputValue()).resolves.toBe('');

    // The reply and its outbox entry are in the encrypted replica.
    const row2 = ws.replica.sqlite
      .prepare("SELECT m.body AS body, o.state AS status, o.kind AS kind FROM messages m JOIN outbox o ON o.id = m.id WHERE m.conversation_id = ? AND m.direction = 'outbound' ORDER BY m.created_at DESC LIMIT 1")
      .get(conversationId) as { body: string; status: string; kind: string } | undefined;
    expect(row2?.body).toBe(reply);
    expect(row2?.status).toBe("pending");
    expect(row2?.kind).toBe("message.send");
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'conversation-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'open conversation with a queued reply (zh-CN)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('switches to English, remembers it, and every visible label changes', async () => {
    const { page, errors } = await openApp();
    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => page.getByTestId('inbox-count').textContent()).toMatch(/^\d+ conversations$/);
    await expect(page.getByTestId('mode-badge').textContent()).resolves.toBe('Demo clinic · local data');
    await page.getByTestId('inbox-row').nth(1).click();
    await page.getByTestId('message').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'conversation-en.png') });
    await expectNoSeriousA11yViolations(page, 'inbox and open conversation (en)');
    const info = await ws.dispatch('session.info', {});
    expect(info.ok && info.value).toMatchObject({ language: 'en' });
    // A reload comes back in English (stored in the replica's settings).
    await page.reload();
    await expect.poll(() => page.getByTestId('inbox-count').textContent()).toMatch(/conversations$/);
    await ws.dispatch('session.setLanguage', { language: 'zh-CN' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the axe-core check itself reports serious violations on the CSP-locked page, inside open shadow roots too', async () => {
    const { page, errors } = await openApp();
    await page.evaluate(() => {
      const box = document.createElement('div');
      box.id = 'a11y-selftest';
      const img = document.createElement('img');
      img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      const button = document.createElement('button'); // no text, no label
      const host = document.createElement('div');
      host.id = 'a11y-selftest-host';
      // style-src 'self' refuses style attributes in markup; CSSOM assignments are allowed.
      const pale = document.createElement('p');
      pale.textContent = 'low contrast';
      Object.assign(pale.style, { color: '#aaa', background: '#fff', fontSize: '14px' });
      host.attachShadow({ mode: 'open' }).append(pale);
      box.append(img, button, host);
      document.body.append(box);
    });
    // Exactly the three injected problems: the inbox itself has none.
    const found = await seriousA11yViolations(page);
    expect(found.map((v) => v.id).sort()).toEqual(['button-name', 'color-contrast', 'image-alt']);
    // The contrast failure is the paragraph inside the shadow root (its target goes through the host).
    expect(found.find((v) => v.id === 'color-contrast')?.nodes.map((n) => n.target)).toEqual([[['#a11y-selftest-host', 'p']]]);
    const failure = await expectNoSeriousA11yViolations(page, 'self-test').then(
      () => null,
      (e: Error) => e.message,
    );
    expect(failure).toMatch(/^self-test: \d+ serious\/critical accessibility violation/);
    expect(failure).toContain('[critical] image-alt');
    expect(failure).toContain('[critical] button-name');
    expect(failure).toContain('#a11y-selftest');
    // Excluding the injected nodes (and only them) leaves the real page, which has none.
    await expectNoSeriousA11yViolations(page, 'inbox without the injected nodes', { exclude: ['#a11y-selftest'] });
    await page.evaluate(() => document.getElementById('a11y-selftest')?.remove());
    await expectNoSeriousA11yViolations(page, 'inbox after the self-test');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('enforces the Content-Security-Policy: an injected inline script does not run', async () => {
    const { page } = await openApp();
    const response = await page.request.get(server.url);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    const result = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e: SecurityPolicyViolationEvent) => violations.push(e.violatedDirective));
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = true;';
      document.body.appendChild(s);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__pwned2 = true');
      img.src = 'data:,x';
      document.body.appendChild(img);
      const remote = document.createElement('script');
      remote.src = 'https://evil.example/x.js';
      document.body.appendChild(remote);
      await new Promise((r) => setTimeout(r, 300));
      return { pwned: w.__pwned ?? null, pwned2: w.__pwned2 ?? null, violations };
    });
    expect(result.pwned).toBeNull();
    expect(result.pwned2).toBeNull();
    expect(result.violations.filter((v) => v.startsWith('script-src')).length).toBeGreaterThanOrEqual(3);
    await page.context().close();
  });

  it('turns a bad call through the bridge into a typed error, and the page keeps working', async () => {
    const { page, errors } = await openApp();
    const answers = await page.evaluate(async () => {
      const l = (window as unknown as { lantern: { invoke: (m: string, i: unknown) => Promise<{ ok: boolean; error?: { code: string } }> } }).lantern;
      return [await l.invoke('nope.nothing', {}), await l.invoke('messages.queueReply', { conversationId: '../x', body: '' }), Object.isFrozen(l)];
    });
    expect(answers[0]).toMatchObject({ ok: false, error: { code: 'contract.unknown_method' } });
    expect(answers[1]).toMatchObject({ ok: false, error: { code: 'contract.bad_input' } });
    expect(answers[2]).toBe(true);
    await page.getByTestId('inbox-row').nth(2).click();
    await page.getByTestId('message').first().waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

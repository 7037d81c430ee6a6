import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Workstation } from '../../electron/services/workstation';
import { expectNoSeriousA11yViolations, installBridge, startDemoApp, SCREENSHOT_DIR, type startRendererServer, watchErrors } from './harness';

/** The agent workspace end to end: real Chromium, real services, real encrypted replica. */
describe('agent workspace', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let ws: Workstation;
  let app: Awaited<ReturnType<typeof startDemoApp>>;

  beforeAll(async () => {
    app = await startDemoApp('lantern-e2e-ws-');
    ({ ws, server, browser } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function openApp(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('inbox-row').first().waitFor();
    return { page, errors };
  }
  const rowIds = (page: Page) => page.getByTestId('inbox-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')));

  it('searches offline in Chinese with two characters and filters to my conversations', async () => {
    const { page, errors } = await openApp();
    await page.getByTestId('inbox-search').fill('医保');
    await expect.poll(() => rowIds(page)).toEqual(['v-he-insurance']);
    await page.getByTestId('inbox-search').fill('');
    await expect.poll(async () => (await rowIds(page)).length).toBe(12);
    await page.getByTestId('view-mine').click();
    const mine = (ws.replica.sqlite.prepare("SELECT count(*) AS n FROM conversations WHERE assignee_id = 'u-demo-agent'").get() as { n: number }).n;
    expect(mine).toBeGreaterThan(2);
    await expect.poll(() => page.getByTestId('inbox-count').textContent()).toBe(`${mine} 个会话`);
    expect(await page.getByTestId('inbox-row').evaluateAll((els) => els.every((e) => e.textContent?.includes('演示坐席')))).toBe(true);
    await page.getByTestId('view-urgent').click();
    await expect.poll(() => rowIds(page)).toEqual(expect.arrayContaining(['v-chen-glucose', 'v-zhao-fever']));
    // Only urgent ones.
    const urgent = (ws.replica.sqlite.prepare("SELECT id FROM conversations WHERE priority = 'urgent' ORDER BY id").all() as { id: string }[]).map((r) => r.id);
    expect([...(await rowIds(page))].sort()).toEqual(urgent);
    // SLA timers: time left, or overdue in red, as the replica's due times say.
    await page.getByTestId('view-all').click();
    await expect.poll(async () => (await rowIds(page)).length).toBe(12);
    const due = ws.replica.sqlite.prepare("SELECT id, sla_due_at AS at FROM conversations WHERE status != 'resolved' AND sla_due_at IS NOT NULL").all() as { id: string; at: number }[];
    expect(due.some((d) => d.at < Date.now()) && due.some((d) => d.at > Date.now() + 60_000)).toBe(true);
    for (const d of due) {
      const sla = page.locator(`[data-testid=inbox-row][data-conversation-id="${d.id}"] [data-testid=sla]`);
      if (d.at < Date.now()) {
        expect(await sla.getAttribute('class')).toContain('sla-over');
        await expect(sla.textContent()).resolves.toContain('已超时');
      } else if (d.at > Date.now() + 60_000) {
        expect(await sla.getAttribute('class')).not.toContain('sla-over');
        await expect(sla.textContent()).resolves.toContain('内回复');
      }
    }
    // A phone conversation: the PBX's call record and the agent's call-back note in one timeline.
    await page.locator('[data-testid=inbox-row][data-conversation-id="v-li-call"]').click();
    const call = page.getByTestId('message');
    await expect.poll(() => call.first().textContent()).toContain('未接来电');
    expect(await call.first().getAttribute('data-direction')).toBe('inbound');
    await expect(call.nth(1).textContent()).resolves.toContain('已回拨');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the timeline with readings, writes a note, uses a canned reply with /, and recalls within 5 s', async () => {
    const { page, errors } = await openApp();
    await page.locator('[data-conversation-id="v-chen-glucose"]').first().click();
    await page.getByTestId('timeline').waitFor();
    await expect.poll(() => page.getByTestId('reading').count()).toBeGreaterThan(3);

    await page.getByTestId('composer-mode-note').click();
    await page.getByTestId('composer-input').fill('已电话联系家属，正在观察');
    await page.getByTestId('composer-input').press('Control+Enter');
    await expect.poll(() => page.getByTestId('note').last().textContent()).toContain('已电话联系家属');

    await page.getByTestId('composer-mode-reply').click();
    // A variable the replica cannot know stays marked in the text, and the hint names it in words.
    await page.getByTestId('composer-input').fill('/改约');
    await page.getByTestId('canned-item').first().waitFor();
    await page.getByTestId('composer-input').press('Enter');
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toContain('【appointment_time】');
    await expect(page.getByTestId('composer-hint').textContent()).resolves.toContain('请补全：预约时间');
    await page.getByTestId('composer-input').fill('/低血');
    await page.getByTestId('canned-item').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'composer with the canned-reply list open (zh-CN)');
    await page.getByTestId('composer-input').press('Enter');
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toContain('陈志强您好，请立即吃15克含糖食物');
    await page.getByTestId('composer-input').press('Control+Enter');
    const last = page.getByTestId('message').last();
    await expect.poll(() => last.getAttribute('data-delivery')).toBe('queued');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'workspace-timeline-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'timeline with readings, a note and a queued reply (zh-CN)');
    await last.getByTestId('recall').click();
    await expect.poll(() => last.textContent()).toContain('该回复已撤回');
    const id = await last.getAttribute('data-message-id');
    expect(ws.replica.sqlite.prepare('SELECT body FROM messages WHERE id = ?').get(id)).toEqual({ body: '' });
    await expect.poll(() => page.getByTestId('event').last().textContent()).toContain('撤回了一条回复');
    await expectNoSeriousA11yViolations(page, 'timeline with a recalled reply (zh-CN)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps a draft across a reload (stored in the replica)', async () => {
    const { page } = await openApp();
    await page.locator('[data-conversation-id="v-liu-report"]').first().click();
    await page.getByTestId('composer-input').fill('刘女士您好，报告');
    await expect.poll(() => ws.dispatch('drafts.get', { conversationId: 'v-liu-report', mode: 'reply' })).toMatchObject({ ok: true, value: { body: '刘女士您好，报告' } });
    await page.reload();
    await page.locator('[data-conversation-id="v-liu-report"]').first().click();
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe('刘女士您好，报告');
    await page.context().close();
  });

  it('assigns, resolves and tags; the timeline shows each event', async () => {
    const { page, errors } = await openApp();
    await page.locator('[data-conversation-id="v-huang-en"]').first().click();
    await page.getByTestId('assign').selectOption('u-nurse-lin');
    await expect.poll(() => page.getByTestId('event').last().textContent()).toContain('分配给 林护士');
    await page.getByTestId('tag-input').fill('续方');
    await page.getByTestId('tag-input').press('Enter');
    await expect.poll(() => page.getByTestId('tags').textContent()).toContain('续方');
    await page.getByTestId('resolve').click();
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe('已解决');
    await expectNoSeriousA11yViolations(page, 'resolved conversation with tags (zh-CN)');
    const outbox = (ws.replica.sqlite.prepare("SELECT kind FROM outbox WHERE json_extract(payload, '$.conversationId') = 'v-huang-en' ORDER BY id").all() as { kind: string }[]).map((r) => r.kind);
    // The agent's three changes, in order (no hub here: read markers, a background record, are not queued).
    expect(outbox).toEqual(['conversation.assign', 'conversation.setTags', 'conversation.setStatus']);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the patient context: masked identifiers, audited reveal, readings chart with thresholds, past conversations on every channel', async () => {
    // 王秀英 also wrote by SMS last month (a resolved conversation on another channel).
    const earlier = Date.now() - 30 * 86_400_000;
    ws.replica.sqlite
      .prepare("INSERT INTO conversations (id, contact_id, channel, subject, status, priority, tags, unread_count, last_message_at, last_message_preview, created_at, updated_at) VALUES ('v-wang-sms-old', 'c-wang', 'sms', NULL, 'resolved', 'normal', '[]', 0, ?, '降压药吃完了，能续方吗？', ?, ?)")
      .run(earlier, earlier, earlier);
    ws.replica.sqlite
      .prepare("INSERT INTO messages (id, conversation_id, direction, body, delivery_status, created_at) VALUES ('m-wang-sms-old', 'v-wang-sms-old', 'inbound', '降压药吃完了，能续方吗？', 'received', ?)")
      .run(earlier);
    const { page, errors } = await openApp();
    await page.locator('[data-conversation-id="v-wang-bp"]').first().click();
    await page.getByTestId('tab-patient').click();
    const panel = page.getByTestId('patient-panel');
    await panel.waitFor();
    await expect(panel.getByTestId('patient-medicines').textContent()).resolves.toContain('二甲双胍');
    await expect(panel.getByTestId('patient-conditions').textContent()).resolves.toBe('2型糖尿病高血压');
    await expect(panel.getByTestId('patient-allergies').textContent()).resolves.toBe('青霉素');
    expect(await panel.getByTestId('consent').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.consent))).toEqual(['granted', 'granted']);
    // Preferred channel: WeChat, marked on that identity only.
    expect(await panel.getByTestId('identity').filter({ has: page.getByTestId('preferred-channel') }).locator('[data-channel]').getAttribute('data-channel')).toBe('wechat');
    // Past conversations across channels: this WeChat one (open, not a link) and the SMS one, which opens.
    const past = panel.getByTestId('past-conversation');
    expect(await past.evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.conversationId, (e as HTMLButtonElement).disabled]))).toEqual(
      expect.arrayContaining([
        ['v-wang-bp', true],
        ['v-wang-sms-old', false],
      ]),
    );
    await expect(past.filter({ has: page.locator('[data-channel="sms"]') }).textContent()).resolves.toContain('已解决');
    // Located by channel, not by text: the text changes when revealed.
    const sms = panel.getByTestId('identity').filter({ has: page.locator('[data-channel="sms"]') });
    await expect(sms.getByTestId('identity-value').textContent()).resolves.toBe('138****0001');
    await expect.poll(() => panel.getByTestId('reading-chart').count()).toBe(2);
    await expect.poll(() => panel.locator('[data-kind="bp"] .recharts-reference-line').count()).toBe(2);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'workspace-patient-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'patient panel (zh-CN)');
    await sms.getByTestId('reveal').click();
    await expect.poll(() => sms.getByTestId('identity-value').textContent()).toBe('+8613800000001');
    const audit = ws.replica.sqlite.prepare("SELECT action FROM audit WHERE action = 'identifier.reveal'").all();
    expect(audit.length).toBeGreaterThan(0);
    await panel.locator('[data-testid=past-conversation][data-conversation-id="v-wang-sms-old"]').click();
    await expect.poll(() => page.getByTestId('message').first().textContent()).toContain('降压药吃完了');
    // The same panel in English.
    await page.getByTestId('language-switch').selectOption('en');
    await page.locator('[data-conversation-id="v-wang-bp"]').first().click();
    await page.getByTestId('tab-patient').click();
    await expect.poll(() => panel.getByTestId('past-conversation').filter({ has: page.locator('[data-channel="sms"]') }).textContent()).toContain('Resolved');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'workspace-patient-en.png') });
    await expectNoSeriousA11yViolations(page, 'patient panel (en)');
    await ws.dispatch('session.setLanguage', { language: 'zh-CN' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('locks after 5 idle minutes; unlock keeps the draft; a wrong password stays locked', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.clock.install();
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.locator('[data-conversation-id="v-zhang-appt"]').first().click();
    await page.getByTestId('composer-input').fill('张女士您好，改约');
    await expect.poll(() => ws.dispatch('drafts.get', { conversationId: 'v-zhang-appt', mode: 'reply' })).toMatchObject({ ok: true, value: { body: '张女士您好，改约' } });
    await page.clock.fastForward('04:00');
    await expect(page.getByTestId('lock-screen').count()).resolves.toBe(0);
    await page.clock.fastForward('01:05');
    await page.getByTestId('lock-screen').waitFor();
    expect(await ws.dispatch('conversations.list', {})).toMatchObject({ ok: false, error: { code: 'session.locked' } });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'lock-zh-CN.png') });
    await expectNoSeriousA11yViolations(page, 'lock screen (zh-CN)');
    await page.getByTestId('unlock-password').fill('nope');
    await page.getByTestId('unlock-submit').click();
    await expect.poll(() => page.getByTestId('error-banner').textContent()).toContain('密码不正确');
    await expectNoSeriousA11yViolations(page, 'lock screen with a wrong password (zh-CN)');
    await page.getByTestId('unlock-password').fill('demo');
    await page.getByTestId('unlock-submit').click();
    // Back where the agent was: the same conversation, its draft in the composer.
    await page.getByTestId('inbox-row').first().waitFor();
    await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe('张女士您好，改约');
    expect(await page.locator('[data-testid=inbox-row][aria-selected=true]').getAttribute('data-conversation-id')).toBe('v-zhang-appt');
    await context.close();
  });
});

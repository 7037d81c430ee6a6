import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Workstation } from '../../electron/services/workstation';
import { freePort, HubProcess } from '../fault/processes';
import { tempDir } from '../support/tmp';
import { expectNoSeriousA11yViolations, hubWorkstation, installBridge, launchBrowser, SCREENSHOT_DIR, signInAsAgent, startRendererServer, watchErrors } from './harness';

/**
 * Issue #5's "done when", end to end through the UI: a new agent signs in against the hub
 * running as its own OS process (`npm run hub`), a patient writes in the web chat widget
 * (real Chromium), the conversation appears in the inbox, the agent's reply from the
 * composer reaches the patient; the hub is killed (-9) while the agent writes, the reply
 * shows as queued (a second one is cancelled before it leaves), and after the hub comes
 * back the patient gets the queued reply exactly once and never the cancelled one. A
 * recalled reply never reaches the patient. Then the same in English, with lock and unlock
 * against the hub keeping the draft.
 */
describe('an agent shift against a real hub process and a real patient channel', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  let hub: HubProcess;
  let ws: Workstation;
  let agent: Page;
  let patientContext: BrowserContext;
  let patient: Page;
  let agentErrors: string[];
  let conversationId = '';
  const hubDir = tempDir('lantern-e2e-shift-hub-');
  const wsDir = tempDir('lantern-e2e-shift-ws-');

  /** The hub's own database, read-only, as IT would inspect it (WAL allows a reader beside the hub). */
  const atHub = <T,>(query: string, ...params: unknown[]): T[] => {
    const db = new Database(join(hubDir.dir, 'hub.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(query).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  const widgetReplies = (text: string) => patient.locator('[data-testid=lw-msg-agent]', { hasText: text }).count();
  const bubble = (text: string) => agent.getByTestId('message').filter({ hasText: text });
  const send = async (text: string) => {
    await agent.getByTestId('composer-input').fill(text);
    await agent.getByTestId('composer-input').press('Control+Enter');
    await bubble(text).waitFor();
  };

  beforeAll(async () => {
    // The web chat channel routes new patients to the outpatient team; the demo agent takes them.
    writeFileSync(join(hubDir.dir, 'hub.json'), JSON.stringify({ channels: { webchat: { teamId: 't-outpatient' } }, routing: { agents: { 'u-agent': { capacity: 50 } } } }));
    hub = new HubProcess(hubDir.dir, await freePort());
    await hub.start(true);
    ws = await hubWorkstation(wsDir.dir, `http://127.0.0.1:${hub.port}`);
    server = await startRendererServer();
    browser = await launchBrowser();
    agent = await browser.newPage({ viewport: { width: 1366, height: 820 }, locale: 'zh-CN' });
    agentErrors = watchErrors(agent);
    await installBridge(agent, ws.dispatch);
    patientContext = await browser.newContext({ viewport: { width: 420, height: 760 }, locale: 'zh-CN' });
    patient = await patientContext.newPage();
  });
  afterAll(async () => {
    await patientContext?.close();
    await browser?.close();
    await server?.close();
    await ws?.close();
    await hub?.stop();
    hubDir.cleanup();
    wsDir.cleanup();
  });

  it('signs in, gets a patient web chat, replies, keeps working through a hub outage and delivers each reply exactly once (zh-CN)', async () => {
    // The sign-in screen in English first (the language is a workstation setting), then in Chinese.
    await ws.dispatch('session.setLanguage', { language: 'en' });
    await agent.goto(server.url);
    await agent.getByTestId('login-screen').waitFor();
    await expect(agent.getByTestId('login-submit').textContent()).resolves.toMatch(/Sign in/i);
    await agent.screenshot({ path: join(SCREENSHOT_DIR, 'login-en.png') });
    await expectNoSeriousA11yViolations(agent, 'sign-in screen (en)');
    await ws.dispatch('session.setLanguage', { language: 'zh-CN' });
    await agent.reload();
    await signInAsAgent(agent);
    await expect.poll(() => agent.getByTestId('connection').getAttribute('data-status'), { timeout: 20_000 }).toBe('online');

    // A patient opens the web chat on the hospital site and asks a question.
    await patient.goto(`http://127.0.0.1:${hub.port}/widget/demo`);
    await patient.getByTestId('lw-launcher').click();
    await patient.getByTestId('lw-name').fill('周女士');
    await patient.getByTestId('lw-phone').fill('13812345678');
    await patient.getByTestId('lw-start').click();
    await expect.poll(() => patient.getByTestId('lw-status').getAttribute('data-state')).toBe('online');
    const question = '您好，宝宝下周三打疫苗，需要提前预约吗？';
    await patient.getByTestId('lw-input').fill(question);
    await patient.getByTestId('lw-input').press('Enter');

    // It appears in the agent's inbox, and opens into the timeline.
    const row = agent.getByTestId('inbox-row').filter({ hasText: '周女士' });
    await row.first().waitFor({ timeout: 20_000 });
    await expect(row.first().textContent()).resolves.toContain('宝宝下周三打疫苗');
    conversationId = (await row.first().getAttribute('data-conversation-id'))!;
    await row.first().click();
    const inbound = agent.getByTestId('message').filter({ hasText: question });
    await inbound.waitFor();
    expect(await inbound.getAttribute('data-direction')).toBe('inbound');

    // The agent replies from the composer; the patient receives it once; the bubble says delivered.
    const first = '需要的，请在“预约挂号”里选择预防接种门诊。';
    await send(first);
    await patient.locator('[data-testid=lw-msg-agent]', { hasText: '预防接种门诊' }).waitFor({ timeout: 25_000 });
    await expect.poll(() => bubble(first).getAttribute('data-delivery'), { timeout: 25_000 }).toBe('delivered');
    await expect(bubble(first).getByTestId('delivery-status').textContent()).resolves.toContain('已送达');

    // The hub dies. The agent keeps writing: the reply is kept on this computer and shown queued.
    await hub.kill9AndWait();
    const queued = '周三上午8点到12点都可以接种，请带好宝宝的接种本。';
    await send(queued);
    await expect.poll(() => agent.getByTestId('connection').getAttribute('data-status'), { timeout: 20_000 }).toBe('offline');
    expect(await bubble(queued).getAttribute('data-delivery')).toBe('queued');
    // A second one, thought better of, is cancelled before it can leave.
    const regretted = '（这条写错了，不要发）';
    await send(regretted);
    await expect.poll(() => agent.getByTestId('connection').getAttribute('data-queued')).toBe('2');
    await expect.poll(() => agent.getByTestId('connection').textContent()).toContain('2 条待发送');
    await bubble(regretted).getByTestId('cancel-queued').click();
    await expect.poll(() => bubble(regretted).count()).toBe(0);
    // The inbox line no longer shows the cancelled text.
    await expect.poll(() => row.first().textContent()).not.toContain('写错了');
    await expect.poll(() => agent.getByTestId('connection').getAttribute('data-queued')).toBe('1');
    await agent.screenshot({ path: join(SCREENSHOT_DIR, 'agent-shift-offline-zh-CN.png') });
    await expectNoSeriousA11yViolations(agent, 'hub down, one reply queued (zh-CN)');

    // The hub comes back: the queued reply is delivered exactly once; the cancelled one never.
    await hub.startWithRetry(true);
    await expect.poll(() => agent.getByTestId('connection').getAttribute('data-queued'), { timeout: 30_000 }).toBe('0');
    await expect.poll(() => bubble(queued).getAttribute('data-delivery'), { timeout: 30_000 }).toBe('delivered');
    await expect.poll(() => widgetReplies('接种本'), { timeout: 30_000 }).toBe(1);
    expect(atHub('SELECT id FROM messages WHERE body = ?', queued)).toHaveLength(1);
    // One hand-over to the channel, acknowledged by the patient's widget.
    await expect.poll(() => atHub("SELECT o.state FROM channel_outbox o JOIN messages m ON m.id = o.message_id WHERE m.body = ?", queued)).toEqual([{ state: 'delivered' }]);
    expect(atHub('SELECT id FROM messages WHERE body = ?', regretted)).toEqual([]);
    expect(await widgetReplies('写错了')).toBe(0);
    // The first reply was not sent again by the reconnect.
    expect(await widgetReplies('预防接种门诊')).toBe(1);

    // A reply recalled within 5 seconds never reaches the patient, and is shredded at the hub.
    const recalled = '宝宝发烧38.5度的话先不要来接种。';
    await send(recalled);
    await bubble(recalled).getByTestId('recall').click();
    const recalledBubble = agent.locator(`[data-testid=message][data-message-id="${await agent.getByTestId('message').last().getAttribute('data-message-id')}"]`);
    await expect.poll(() => recalledBubble.textContent()).toContain('患者看不到这条消息');
    await expect.poll(() => atHub<{ body: string; recalled: number }>("SELECT m.body, m.recalled_at IS NOT NULL AS recalled FROM messages m WHERE m.id = (SELECT message_id FROM channel_outbox WHERE state = 'cancelled')"), { timeout: 20_000 }).toEqual([{ body: '', recalled: 1 }]);
    // Past the window and a dispatcher round: still nothing at the patient.
    await new Promise((r) => setTimeout(r, 6_500));
    expect(await widgetReplies('38.5')).toBe(0);
    expect(atHub('SELECT id FROM messages WHERE body = ?', recalled)).toEqual([]);
    // Read here is read at the hub: the row shows no unread badge, also after the pulls since.
    await expect.poll(() => row.first().locator('.unread-count').count()).toBe(0);
    expect(atHub<{ unread: number }>('SELECT unread_count AS unread FROM conversations WHERE id = ?', conversationId)).toEqual([{ unread: 0 }]);
    await agent.screenshot({ path: join(SCREENSHOT_DIR, 'agent-shift-delivered-zh-CN.png') });
    await patient.screenshot({ path: join(SCREENSHOT_DIR, 'agent-shift-patient-zh-CN.png') });
    expect(agentErrors.filter((e) => !/401|Failed to fetch|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });

  it('in English: the inbox and conversation, a queued reply during an outage, lock and unlock against the hub keep the draft', async () => {
    await agent.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => agent.getByTestId('inbox-search').getAttribute('placeholder')).toContain('works offline');
    await agent.locator(`[data-testid=inbox-row][data-conversation-id="${conversationId}"]`).first().click();
    await agent.screenshot({ path: join(SCREENSHOT_DIR, 'agent-shift-conversation-en.png') });
    await expectNoSeriousA11yViolations(agent, 'inbox and conversation (en)');

    await hub.kill9AndWait();
    const queued = 'We open at 8:00 on Wednesday; please bring the vaccination record.';
    await send(queued);
    await expect.poll(() => agent.getByTestId('connection').getAttribute('data-status'), { timeout: 20_000 }).toBe('offline');
    await expect.poll(() => agent.getByTestId('connection').textContent()).toContain('1 queued');
    await expect(bubble(queued).getByTestId('delivery-status').textContent()).resolves.toContain('Queued');
    await agent.screenshot({ path: join(SCREENSHOT_DIR, 'offline-en.png') });
    await expectNoSeriousA11yViolations(agent, 'hub down, one reply queued (en)');

    // Lock with a draft in the composer; the hub is back by the time the agent returns.
    const draft = 'Draft: the nurse will call you back at 3 pm.';
    await agent.getByTestId('composer-input').fill(draft);
    await hub.startWithRetry(true);
    await agent.getByTestId('lock-now').click();
    await agent.getByTestId('lock-screen').waitFor();
    expect(await ws.dispatch('conversations.list', {})).toMatchObject({ ok: false, error: { code: 'session.locked' } });
    await agent.screenshot({ path: join(SCREENSHOT_DIR, 'lock-en.png') });
    await expectNoSeriousA11yViolations(agent, 'lock screen (en)');
    await agent.getByTestId('unlock-password').fill('wrong-password');
    await agent.getByTestId('unlock-submit').click();
    await expect.poll(() => agent.getByTestId('error-banner').count()).toBeGreaterThan(0);
    await agent.getByTestId('lock-screen').waitFor();
    await agent.getByTestId('unlock-password').fill('agent-demo');
    await agent.getByTestId('unlock-submit').click();
    await agent.getByTestId('composer-input').waitFor();
    await expect.poll(() => agent.getByTestId('composer-input').inputValue()).toBe(draft);

    await expect.poll(() => bubble(queued).getAttribute('data-delivery'), { timeout: 30_000 }).toBe('delivered');
    await expect.poll(() => widgetReplies('vaccination record'), { timeout: 30_000 }).toBe(1);
    expect(atHub('SELECT id FROM messages WHERE body = ?', queued)).toHaveLength(1);
    await agent.screenshot({ path: join(SCREENSHOT_DIR, 'agent-shift-delivered-en.png') });
    expect(agentErrors.filter((e) => !/401|Failed to fetch|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });
});

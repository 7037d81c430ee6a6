import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Browser, Page } from 'playwright-core';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { contract } from '../../shared/contract';
import { createClient } from '../../shared/contract/client';
import { seedRealistic, type RealisticOutcome } from '../../hub/qa/seed-realistic';
import { weekKey } from '../../shared/supervisor/periods';
import { startQaHub, type QaTestHub } from '../../hub/qa/testing';
import { tempDir } from '../support/tmp';
import { expectNoSeriousA11yViolations, installBridge, launchBrowser, REPO_ROOT, SCREENSHOT_DIR, startRendererServer, watchErrors } from './harness';

const KNOWLEDGE = join(REPO_ROOT, 'resources', 'knowledge');
const shot = (name: string) => join(SCREENSHOT_DIR, `supervisor-${name}.png`);

/**
 * The supervisor views in real Chromium: a real hub (demo clinic + ten weeks of
 * generated conversations) with the QA API, the supervisor's workstation services
 * over an encrypted replica synced from it, and agents connected over WebSockets.
 */
describe('supervisor views (Chromium, real hub)', () => {
  let hub: QaTestHub;
  let hubDir: ReturnType<typeof tempDir>;
  let seeded: RealisticOutcome;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startRendererServer>>;
  const stations: { ws: Workstation; dir: ReturnType<typeof tempDir> }[] = [];
  const sockets: WebSocket[] = [];
  let sup: Workstation;
  let agent: Workstation;

  async function station(username: string, password: string): Promise<Workstation> {
    const dir = tempDir('lantern-e2e-sup-');
    const ws = await createWorkstation({ dataDir: dir.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'e2e', hubUrl: hub.url, knowledgeDir: KNOWLEDGE, sync: { pollMs: 500 } });
    stations.push({ ws, dir });
    const client = createClient(contract, { invoke: ws.dispatch });
    const r = await client.sync.login({ username, password });
    if (!r.ok) throw new Error(r.error.code);
    for (let i = 0; i < 200; i++) {
      ws.sync!.kick();
      await ws.sync!.idle();
      if (ws.sync!.snapshot().status === 'online') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    return ws;
  }

  /** An agent's workstation connected to the hub (presence for the dashboard). */
  async function presence(username: string, password: string) {
    const res = await fetch(`${hub.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password, workstationId: `ws-e2e-${username}` }) });
    const token = ((await res.json()) as { value: { accessToken: string } }).value.accessToken;
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/sync/ws?token=${token}`);
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));
    sockets.push(ws); // signed in just now: online, not "away"
  }

  beforeAll(async () => {
    hubDir = tempDir('lantern-e2e-sup-hub-');
    hub = await startQaHub({ dataDir: hubDir.dir, seed: async (ctx) => (seeded = await seedRealistic(ctx.store, { now: Date.now() })) });
    sup = await station('supervisor', 'supervisor-demo');
    agent = await station('agent', 'agent-demo');
    await presence('agent2', 'agent2-demo');
    await presence('nurse', 'nurse-demo');
    server = await startRendererServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await browser?.close();
    await server?.close();
    for (const s of stations) {
      await s.ws.close();
      s.dir.cleanup();
    }
    await hub?.close();
    hubDir?.cleanup();
  });

  async function open(ws: Workstation, language: 'zh-CN' | 'en'): Promise<{ page: Page; errors: string[] }> {
    await ws.dispatch('session.setLanguage', { language });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: language, acceptDownloads: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await installBridge(page, ws.dispatch);
    await page.goto(server.url);
    await page.getByTestId('page-supervisor').click();
    await page.getByTestId('supervisor-view').waitFor();
    return { page, errors };
  }
  const tab = async (page: Page, name: string) => {
    await page.getByTestId(`sup-tab-${name}`).click();
  };

  it('shows the live dashboard with queues, presence, the bot rate and the 头晕 surge, and pushes a knowledge pack', async () => {
    const { page, errors } = await open(sup, 'zh-CN');
    const surge = page.locator('[data-testid=surge][data-topic=dizziness]');
    await surge.waitFor();
    await expect.poll(() => surge.textContent()).toContain('话题激增：头晕');
    await expect.poll(() => page.getByTestId('queue-row').count()).toBe(2);
    const outpatient = page.locator('[data-testid=queue-row][data-team=t-outpatient]');
    await expect.poll(async () => Number(await outpatient.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(4);
    // Agents connected over WebSocket are not offline; nobody else of the team is.
    await expect.poll(() => page.locator('[data-testid=agent-row][data-agent=u-agent2]').getAttribute('data-state')).not.toBe('offline');
    expect(await page.locator('[data-testid=agent-row][data-agent=u-nurse2]').getAttribute('data-state')).toBe('offline');
    expect(await page.getByTestId('bot-rate').textContent()).toMatch(/\d+(\.\d)?%/);
    expect(await page.getByTestId('sup-asof').getAttribute('data-stale')).toBe('false');
    await page.screenshot({ path: shot('dashboard-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'supervisor dashboard (zh-CN)');

    await surge.getByTestId('push-pack').click();
    await page.getByTestId('pack-item').first().waitFor();
    expect(await page.getByTestId('pack-dialog').textContent()).toContain('头晕');
    await page.screenshot({ path: shot('pack-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'knowledge pack dialog (zh-CN)');
    await page.getByTestId('pack-send').click();
    await expect.poll(() => page.getByTestId('pack-done').textContent()).toMatch(/已推送 \d+ 条知识/);
    const pushed = await hub.ctx.store.read(async (r) => (await r.knowledgePushesSince(0)).map((p) => p.topicId));
    expect(pushed).toEqual(['dizziness']);
    await page.getByTestId('pack-dialog').getByRole('button', { name: '关闭' }).click();
    await expect.poll(() => surge.textContent()).toContain('已推送');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('fills the QA queue, scores a flagged review with a required override comment, exports CSV and prints', async () => {
    const { page, errors } = await open(sup, 'zh-CN');
    await tab(page, 'qa');
    // Configure the form: empathy weighs more now; saving makes version 2.
    await page.getByTestId('edit-form').click();
    await page.getByTestId('weight-empathy').fill('15');
    expect(await page.getByTestId('form-editor').textContent()).toContain('权重合计 105');
    await page.screenshot({ path: shot('forms-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'QA form editor (zh-CN)');
    await page.getByTestId('form-save').click();
    await expect.poll(() => page.getByTestId('form-saved').textContent()).toContain('第 2 版');
    await page.getByTestId('form-editor').getByRole('button', { name: '关闭' }).click();
    // A red flag answered a few hours ago without the emergency script: sample the week of its reply.
    const target = seeded.special.redFlagBad[0]!;
    const replyAt = await hub.ctx.store.read(async (r) => (await r.messagesOf(target)).find((m) => m.direction === 'outbound')!.createdAt);
    await page.getByTestId('fill-period').selectOption(weekKey(replyAt));
    await page.getByTestId('fill-percent').fill('20');
    await page.getByTestId('fill-queue').click();
    await expect.poll(() => page.getByTestId('qa-note').textContent()).toMatch(/新增 \d+ 条/);
    await expect.poll(() => page.getByTestId('review-row').count()).toBeGreaterThan(3);
    const flagged = page.locator(`[data-testid=review-row][data-conversation=${target}]`);
    expect(await flagged.locator('[data-kind=red_flag]').count()).toBe(1);
    await flagged.click();
    const pane = page.getByTestId('review-pane');
    await pane.getByTestId('scorecard').waitFor();
    expect(await pane.textContent()).toContain('（第 2 版）');
    const redflag = pane.locator('[data-testid=question][data-question=redflag]');
    expect(await redflag.getByTestId('suggestion').textContent()).toContain('未建议急诊');
    expect(await pane.getByTestId('preview-score').textContent()).toContain('一票否决');
    // Override the suggestion without saying why: refused by the hub.
    await pane.getByTestId('answer-redflag-1').click();
    await pane.getByTestId('submit-review').click();
    await expect.poll(() => pane.getByTestId('sup-error').getAttribute('data-code')).toBe('qa.comment_required');
    expect(await pane.getByTestId('sup-error').textContent()).toContain('需要填写原因');
    await expectNoSeriousA11yViolations(page, 'QA review pane with an error (zh-CN)');
    await pane.getByTestId('comment-redflag').fill('已电话指导患者立即就医，见通话记录');
    await pane.getByTestId('review-comment').fill('危急信号处置需加强书面话术');
    await pane.getByTestId('submit-review').click();
    await expect.poll(() => pane.getAttribute('data-status')).toBe('submitted');
    await expect.poll(() => pane.getByTestId('review-status').textContent()).toBe('已评分');
    // The reviewer cannot calibrate against themself.
    expect(await pane.getByTestId('calibrate').count()).toBe(0);
    await page.locator('.sup-body').evaluate((e) => (e.scrollTop = 0));
    await page.screenshot({ path: shot('qa-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'QA tab with a submitted review (zh-CN)');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const file = await download.path();
    const bytes = readFileSync(file!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toMatch(/^质检编号,周期,会话,渠道,坐席/);
    expect(text).toContain('已电话指导患者立即就医');
    expect(download.suggestedFilename()).toMatch(/^qa-reviews-\d{4}-\d{2}-\d{2}\.csv$/);

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('print-report-body').isVisible()).toBe(true);
    expect(await page.getByTestId('print-report-body').textContent()).toContain('质检报告');
    await page.screenshot({ path: shot('report-print-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'QA report, print media (zh-CN)');
    await page.emulateMedia({ media: 'screen' });
    expect(await page.getByTestId('print-report-body').isVisible()).toBe(false);

    // Calibration: the admin scores the same conversation (from their own workstation); the comparison shows where they differ.
    const admin = createClient(contract, { invoke: (await station('admin', 'admin-demo')).dispatch });
    const cal = await admin.supervisor.startCalibration({ conversationId: target });
    if (!cal.ok) throw new Error(cal.error.code);
    const d = await admin.supervisor.review({ id: cal.value.id });
    if (!d.ok) throw new Error(d.error.code);
    const { questionsOf, suggestionFor } = await import('../../shared/supervisor');
    const answers = questionsOf(d.value.value.form).map((q) => {
      const s = suggestionFor(q, d.value.value.review.prescore);
      const value = q.id === 'empathy' ? q.max : (s ?? q.max);
      return { questionId: q.id, value, comment: s !== null && s !== value ? '语气其实很体贴' : '' };
    });
    expect((await admin.supervisor.submitReview({ id: cal.value.id, answers })).ok).toBe(true);
    await page.getByTestId('qa-filter-done').click();
    await page.locator(`[data-testid=review-row][data-conversation=${target}]`).first().click();
    await page.getByTestId('review-pane').getByTestId('show-calibration').click();
    await expect.poll(() => page.locator('[data-testid=calibration-row][data-agree=false]').count()).toBeGreaterThanOrEqual(2); // redflag and empathy
    expect(await page.getByTestId('calibration').textContent()).toContain('信息科 王工');
    await page.getByTestId('calibration').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('calibration-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'QA calibration comparison (zh-CN)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets the agent see the review and dispute it, and the supervisor answer', async () => {
    // A review of the agent scored through the API, so the agent has one for sure.
    const client = createClient(contract, { invoke: sup.dispatch });
    const list = await client.supervisor.reviews({ status: 'queued' });
    if (!list.ok) throw new Error(list.error.code);
    const target = list.value.value.items.find((r) => r.agentId === 'u-agent' && r.source !== 'calibration');
    if (target) {
      const d = await client.supervisor.review({ id: target.id });
      if (!d.ok) throw new Error(d.error.code);
      const { questionsOf, suggestionFor } = await import('../../shared/supervisor');
      await client.supervisor.submitReview({ id: target.id, answers: questionsOf(d.value.value.form).map((q) => ({ questionId: q.id, value: suggestionFor(q, d.value.value.review.prescore) ?? q.max })) });
    }
    const { page, errors } = await open(agent, 'zh-CN');
    expect(await page.getByTestId('page-supervisor').textContent()).toBe('我的质检');
    expect(await page.getByTestId('sup-tab-dashboard').count()).toBe(0);
    await page.getByTestId('my-review-row').first().click();
    const pane = page.getByTestId('review-pane');
    await pane.getByTestId('dispute-reason').fill('患者已在电话中核实身份，录音可查');
    await pane.getByTestId('dispute-submit').click();
    await expect.poll(() => pane.getByTestId('review-status').textContent()).toBe('申诉中');
    await page.locator('.sup-body').evaluate((e) => (e.scrollTop = 0));
    await page.screenshot({ path: shot('mine-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'agent’s own QA reviews with a dispute (zh-CN)');
    expect(errors).toEqual([]);
    await page.context().close();

    const s = await open(sup, 'zh-CN');
    await tab(s.page, 'qa');
    await s.page.getByTestId('qa-filter-disputed').click();
    await s.page.getByTestId('review-row').first().click();
    const p2 = s.page.getByTestId('review-pane');
    expect(await p2.getByTestId('dispute').textContent()).toContain('录音可查');
    await p2.getByTestId('resolve-response').fill('已核实录音，维持原判');
    await p2.getByTestId('resolve-submit').click();
    await expect.poll(() => p2.getByTestId('review-status').textContent()).toBe('维持原判');
    await p2.getByTestId('dispute').scrollIntoViewIfNeeded();
    await s.page.screenshot({ path: shot('dispute-zh-CN') });
    await expectNoSeriousA11yViolations(s.page, 'QA dispute resolved (zh-CN)');
    expect(s.errors).toEqual([]);
    await s.page.context().close();
  });

  it('plots a conversation’s sentiment with clickable markers, and team trends with drill-down (opens audited)', async () => {
    const { page, errors } = await open(sup, 'zh-CN');
    await tab(page, 'sentiment');
    // A red flag answered badly: two patient messages, replies and a red-flag marker.
    const target = seeded.special.redFlagBad[0]!;
    await page.locator(`[data-testid=sentiment-conversation][data-conversation=${target}]`).click();
    await page.getByTestId('timeline-chart').waitFor();
    await expect.poll(() => page.getByTestId('sentiment-point').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=sentiment-marker][data-kind=reply]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=sentiment-marker][data-kind=red_flag]').count()).toBeGreaterThan(0);
    const point = page.getByTestId('sentiment-point').first();
    const id = await point.getAttribute('data-message');
    await point.click();
    await expect.poll(() => page.locator(`[data-testid=timeline-message][data-message="${id}"]`).getAttribute('data-highlight')).toBe('true');
    // Hub audit: the supervisor opened this conversation.
    await expect.poll(() => hub.ctx.store.read(async (r) => (await r.auditPage(0, 1_000_000)).some((a) => a.action === 'qa.conversation.open' && a.objectId === target))).toBe(true);
    await page.mouse.move(5, 300); // no tooltip in the picture
    await page.screenshot({ path: shot('sentiment-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'sentiment timeline (zh-CN)');

    const trends = page.getByTestId('sentiment-trends');
    await trends.scrollIntoViewIfNeeded();
    await trends.locator('[data-testid=trend-cell]:not([disabled])').last().click();
    await expect.poll(() => page.getByTestId('drill-row').count()).toBeGreaterThan(0);
    const drillTarget = await page.getByTestId('drill-row').first().getAttribute('data-conversation');
    await page.getByTestId('drill-row').first().getByRole('button').click();
    await expect.poll(async () => (await page.getByTestId('timeline-message').first().getAttribute('data-message'))?.startsWith(`${drillTarget}-`)).toBe(true);
    await page.getByTestId('sentiment-trends').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('sentiment-trends-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'sentiment trends with drill-down (zh-CN)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the keyword tide with 头晕 rising, silence alerts and the lifecycle line', async () => {
    const { page, errors } = await open(sup, 'zh-CN');
    await tab(page, 'ops');
    await expect.poll(() => page.locator('[data-testid=rising-term][data-term=dizziness]').textContent()).toContain('头晕');
    await expect.poll(() => page.getByTestId('silence-row').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator(`[data-testid=silence-row][data-conversation=${seeded.special.neverWrote}]`).getAttribute('data-kind')).toBe('never_wrote');
    expect(Number(await page.getByTestId('stage-returned').locator('.sup-stat-value').textContent())).toBeGreaterThan(0);
    await page.getByTestId('tide-month').click();
    await expect.poll(() => page.locator('[data-testid=tide] .recharts-line').count()).toBeGreaterThan(2);
    await page.getByTestId('tide-week').click();
    await page.screenshot({ path: shot('ops-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'operations tab (zh-CN)');
    await page.getByTestId('lifecycle').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('ops-lifecycle-zh-CN') });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows CSAT and NPS per agent and channel and saves per-channel survey switches', async () => {
    const { page, errors } = await open(sup, 'zh-CN');
    await tab(page, 'surveys');
    await expect.poll(() => page.getByTestId('survey-row').count()).toBeGreaterThan(2);
    expect(await page.getByTestId('overall-csat').locator('.sup-stat-value').textContent()).toMatch(/^\d+(\.\d)?%$/);
    await page.getByTestId('survey-by-channel').click();
    await expect.poll(() => page.getByTestId('survey-table').textContent()).toContain('微信公众号');
    await page.getByTestId('survey-csat-email').check();
    await page.getByTestId('survey-save').click();
    await page.getByTestId('survey-saved').waitFor();
    const settings = JSON.parse((await hub.ctx.store.read((r) => r.getMeta('qa.survey_settings')))!) as { csat: { channels: Record<string, boolean> } };
    expect(settings.csat.channels.email).toBe(true);
    await page.screenshot({ path: shot('surveys-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'surveys tab (zh-CN)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('renders every view in English', async () => {
    const { page, errors } = await open(sup, 'en');
    await page.locator('[data-testid=surge][data-topic=dizziness]').waitFor();
    expect(await page.locator('[data-testid=surge][data-topic=dizziness]').textContent()).toContain('Topic surge: dizzy');
    await page.screenshot({ path: shot('dashboard-en') });
    await expectNoSeriousA11yViolations(page, 'supervisor dashboard (en)');
    await tab(page, 'qa');
    await page.getByTestId('qa-filter-all').click();
    await page.getByTestId('review-row').first().click();
    await page.getByTestId('scorecard').waitFor();
    expect(await page.getByTestId('review-pane').textContent()).toContain("Verified the patient's identity");
    await page.screenshot({ path: shot('qa-en') });
    await expectNoSeriousA11yViolations(page, 'QA tab with a review (en)');
    await tab(page, 'sentiment');
    await page.locator(`[data-testid=sentiment-conversation][data-conversation=${seeded.special.redFlagBad[0]}]`).click();
    await page.getByTestId('sentiment-point').first().waitFor();
    await page.screenshot({ path: shot('sentiment-en') });
    await expectNoSeriousA11yViolations(page, 'sentiment timeline (en)');
    await page.getByTestId('sentiment-trends').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('sentiment-trends-en') });
    await expectNoSeriousA11yViolations(page, 'sentiment trends (en)');
    await tab(page, 'ops');
    await page.locator('[data-testid=rising-term][data-term=dizziness]').waitFor();
    await page.screenshot({ path: shot('ops-en') });
    await expectNoSeriousA11yViolations(page, 'operations tab (en)');
    await tab(page, 'surveys');
    await page.getByTestId('survey-row').first().waitFor();
    await page.screenshot({ path: shot('surveys-en') });
    await expectNoSeriousA11yViolations(page, 'surveys tab (en)');
    expect(errors).toEqual([]);
    await page.context().close();
    await sup.dispatch('session.setLanguage', { language: 'zh-CN' });
  });

  it('degrades to the last answers "as of" when the hub goes away', async () => {
    const { page, errors } = await open(sup, 'zh-CN');
    await page.getByTestId('queue-row').first().waitFor();
    await hub.close();
    await expect.poll(() => page.getByTestId('sup-asof').getAttribute('data-stale'), { timeout: 15_000 }).toBe('true');
    expect(await page.getByTestId('sup-asof').textContent()).toContain('离线 · 数据截至');
    expect(await page.getByTestId('queue-row').count()).toBe(2); // still shown
    await page.screenshot({ path: shot('offline-zh-CN') });
    await expectNoSeriousA11yViolations(page, 'supervisor dashboard offline, as of (zh-CN)');
    // Replica views keep working without the hub.
    await tab(page, 'ops');
    await expect.poll(() => page.getByTestId('silence-row').count()).toBeGreaterThan(0);
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  });
});

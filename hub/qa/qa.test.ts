import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hashPassword } from '../auth/passwords';
import { tempDir } from '../../tests/support/tmp';
import { DEFAULT_QA_FORM, qaAnswerSchema, questionsOf, scoreReview, suggestionFor, weekKey, type DashboardView, type QaReviewView, type ReviewDetail, type SurveyResultsView } from '../../shared/supervisor';
import { seedRealistic, type RealisticOutcome } from './seed-realistic';
import { startQaHub, type QaTestHub } from './testing';

/** Wed 2025-03-12 12:00 Beijing. */
const NOW = Date.UTC(2025, 2, 12, 4, 0);

describe('hub QA API', () => {
  let hub: QaTestHub;
  let tmp: ReturnType<typeof tempDir>;
  let seeded: RealisticOutcome;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    tmp = tempDir('lantern-qa-');
    hub = await startQaHub({
      dataDir: tmp.dir,
      now: () => NOW,
      seed: async (ctx) => {
        seeded = await seedRealistic(ctx.store, { now: NOW });
        // A supervisor of one team only (scope checks).
        const hash = await hashPassword('sup-chronic-demo');
        await ctx.store.write(async (tx) => {
          await tx.insertUser({ id: 'u-sup-chronic', username: 'supchronic', displayName: '慢病组长', role: 'supervisor', passwordHash: hash, disabled: false, failedAttempts: 0, lockedUntil: null, createdAt: NOW, updatedAt: NOW });
          await tx.setTeamMembers('u-sup-chronic', ['t-chronic']);
        });
      },
    });
  });
  afterAll(async () => {
    await hub?.close();
    tmp?.cleanup();
  });

  async function login(username: string, password: string): Promise<string> {
    const known = tokens.get(username);
    if (known) return known;
    const res = await fetch(`${hub.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password, workstationId: `ws-${username}` }) });
    const json = (await res.json()) as { value: { accessToken: string } };
    tokens.set(username, json.value.accessToken);
    return json.value.accessToken;
  }
  const as = {
    supervisor: () => login('supervisor', 'supervisor-demo'),
    admin: () => login('admin', 'admin-demo'),
    agent: () => login('agent', 'agent-demo'),
    nurse: () => login('nurse', 'nurse-demo'),
    supChronic: () => login('supchronic', 'sup-chronic-demo'),
  };
  async function call<T = unknown>(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; ok: boolean; value: T; error?: { code: string } }> {
    const res = await fetch(`${hub.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const json = (await res.json()) as { ok: boolean; value: T; error?: { code: string } };
    return { status: res.status, ...json };
  }
  const auditActions = () => hub.ctx.store.read(async (r) => (await r.auditPage(0, 100_000)).map((a) => ({ action: a.action, outcome: a.outcome, objectId: a.objectId, userId: a.userId })));

  it('refuses agents and nurses with 403 on every supervisor route, and audits the refusal', async () => {
    const agent = await as.agent();
    for (const [m, path, body] of [
      ['GET', '/qa/dashboard'],
      ['GET', '/qa/reviews'],
      ['POST', '/qa/queue/fill', {}],
      ['GET', '/qa/forms'],
      ['GET', '/qa/surveys/results'],
      ['POST', '/qa/knowledge/publish', { topicId: 'x', items: [{}] }],
      ['POST', '/qa/audit/open', { items: [{ conversationId: 'v-zhang-appt', view: 'x', at: NOW }] }],
    ] as const) {
      const r = await call(agent, m, path, body);
      expect([path, r.status, r.error?.code]).toEqual([path, 403, 'qa.forbidden']);
    }
    expect((await call(await as.nurse(), 'GET', '/qa/dashboard')).status).toBe(403);
    expect((await call('nonsense', 'GET', '/qa/dashboard')).status).toBe(401);
    const denied = (await auditActions()).filter((a) => a.action === 'qa.access' && a.outcome === 'denied');
    expect(denied.length).toBeGreaterThanOrEqual(8);
    // An agent may still read their own reviews (none yet).
    expect(await call(agent, 'GET', '/qa/my-reviews')).toMatchObject({ status: 200, value: { items: [] } });
  });

  let queue: QaReviewView[] = [];
  it('fills the queue by seeded sampling and flags, reproducibly and without duplicates', async () => {
    const sup = await as.supervisor();
    const first = await call<{ period: string; considered: number; sampled: number; flagged: number; created: number }>(sup, 'POST', '/qa/queue/fill', { percent: 20 });
    expect(first.status).toBe(200);
    expect(first.value.period).toBe(weekKey(NOW));
    expect(first.value.considered).toBeGreaterThan(10);
    expect(first.value.flagged).toBeGreaterThan(0);
    expect(first.value.created).toBeGreaterThanOrEqual(first.value.flagged);
    const again = await call<{ created: number; sampled: number }>(sup, 'POST', '/qa/queue/fill', { percent: 20 });
    expect(again.value).toMatchObject({ created: 0, sampled: first.value.sampled });
    queue = (await call<{ items: QaReviewView[] }>(sup, 'GET', '/qa/reviews?status=queued')).value.items;
    expect(queue).toHaveLength(first.value.created);
    // Every flagged review says why; the red flags answered without the script are among them.
    const flagged = queue.filter((r) => r.source === 'flag');
    expect(flagged.every((r) => r.flags.length > 0)).toBe(true);
    const bad = queue.filter((r) => seeded.special.redFlagBad.includes(r.conversationId));
    for (const r of bad) expect(r.flags.map((f) => f.kind)).toContain('red_flag');
    // Each agent with conversations this week got at least one sampled review.
    const agents = new Set(queue.map((r) => r.agentId));
    expect(agents.size).toBeGreaterThanOrEqual(3);
    // The one-team supervisor sees only that team's queue.
    const chronic = (await call<{ items: QaReviewView[] }>(await as.supChronic(), 'GET', '/qa/reviews?status=queued')).value.items;
    expect(chronic.length).toBeGreaterThan(0);
    expect(chronic.every((r) => r.teamId === 't-chronic')).toBe(true);
    expect(chronic.length).toBeLessThan(queue.length);
  });

  let scored: QaReviewView;
  it('opens a review (audited), pre-scores it, and needs answers and override comments to submit', async () => {
    const sup = await as.supervisor();
    const target = queue.find((r) => seeded.special.redFlagBad.includes(r.conversationId)) ?? queue[0]!;
    const d = await call<ReviewDetail>(sup, 'GET', `/qa/reviews/${target.id}`);
    expect(d.status).toBe(200);
    expect(d.value.form).toMatchObject({ id: DEFAULT_QA_FORM.id, version: 1 });
    expect(d.value.conversation.messages.length).toBeGreaterThan(1);
    const opened = (await auditActions()).filter((a) => a.action === 'qa.review.open');
    expect(opened.at(-1)).toMatchObject({ objectId: target.conversationId, userId: 'u-supervisor', outcome: 'ok' });
    const pre = d.value.review.prescore;
    expect(pre.find((p) => p.key === 'redflag_script')).toMatchObject({ value: 0, evidence: { code: 'red_flag_script_missing' } });

    const qs = questionsOf(d.value.form);
    const suggested = qs.map((q) => ({ questionId: q.id, value: suggestionFor(q, pre) ?? q.max }));
    // Missing answers → 400 qa.incomplete
    expect(await call(sup, 'POST', `/qa/reviews/${target.id}/submit`, { answers: suggested.slice(1) })).toMatchObject({ status: 400, error: { code: 'qa.incomplete' } });
    // Overriding a suggestion without a comment → 400 qa.comment_required
    const overridden = suggested.map((a) => (a.questionId === 'redflag' ? { ...a, value: 1 } : a));
    expect(await call(sup, 'POST', `/qa/reviews/${target.id}/submit`, { answers: overridden })).toMatchObject({ status: 400, error: { code: 'qa.comment_required' } });
    // Confirm the suggestions (the red-flag miss fails the review) with a comment overall.
    const r = await call<QaReviewView>(sup, 'POST', `/qa/reviews/${target.id}/submit`, { answers: suggested, comment: '胸闷未按话术建议急诊' });
    expect(r.status).toBe(200);
    expect(r.value).toMatchObject({ status: 'submitted', reviewerId: 'u-supervisor', autoFailed: true, score: 0 });
    expect(r.value.answers.find((a) => a.questionId === 'redflag')).toMatchObject({ value: 0, auto: 0 });
    // The hub computed the score from the form: the same as the shared formula.
    expect(scoreReview(d.value.form, suggested.map((a) => qaAnswerSchema.parse(a))).score).toBe(0);
    // Submitting again is refused (it is no longer queued).
    expect(await call(sup, 'POST', `/qa/reviews/${target.id}/submit`, { answers: suggested })).toMatchObject({ status: 409, error: { code: 'qa.invalid_state' } });
    scored = r.value;
  });

  it('lets the agent see and dispute their review, and the supervisor revise it', async () => {
    const agentUser = scored.agentId!;
    const creds: Record<string, [string, string]> = { 'u-agent': ['agent', 'agent-demo'], 'u-agent2': ['agent2', 'agent2-demo'], 'u-agent3': ['agent3', 'agent3-demo'], 'u-nurse': ['nurse', 'nurse-demo'], 'u-nurse2': ['nurse2', 'nurse2-demo'] };
    const [u, pw] = creds[agentUser]!;
    const agent = await login(u, pw);
    const mine = (await call<{ items: QaReviewView[] }>(agent, 'GET', '/qa/my-reviews')).value.items;
    expect(mine.map((r) => r.id)).toContain(scored.id);
    expect(mine.every((r) => r.agentId === agentUser && r.status !== 'queued')).toBe(true);
    expect((await call<ReviewDetail>(agent, 'GET', `/qa/reviews/${scored.id}`)).status).toBe(200);
    // Someone else's review is invisible to this agent; queued ones too.
    const other = queue.find((r) => r.agentId !== agentUser)!;
    expect((await call(agent, 'GET', `/qa/reviews/${other.id}`)).status).toBe(404);
    // The agent cannot submit or resolve.
    expect((await call(agent, 'POST', `/qa/reviews/${scored.id}/resolve`, { outcome: 'upheld', response: 'x' })).status).toBe(403);

    expect(await call(agent, 'POST', `/qa/reviews/${scored.id}/dispute`, { reason: '' })).toMatchObject({ status: 400 });
    const disputed = await call<QaReviewView>(agent, 'POST', `/qa/reviews/${scored.id}/dispute`, { reason: '当时已电话通知患者去急诊，记录在备注里' });
    expect(disputed.value).toMatchObject({ status: 'disputed', dispute: { status: 'open', previousScore: 0 } });
    expect((await call(agent, 'POST', `/qa/reviews/${scored.id}/dispute`, { reason: 'again' })).status).toBe(409);

    const sup = await as.supervisor();
    const detail = (await call<ReviewDetail>(sup, 'GET', `/qa/reviews/${scored.id}`)).value;
    const answers = scored.answers.map((a) => (a.questionId === 'redflag' ? { questionId: 'redflag', value: 1, comment: '核实电话记录，已按话术处理' } : { questionId: a.questionId, value: a.value, comment: a.comment }));
    const revised = await call<QaReviewView>(sup, 'POST', `/qa/reviews/${scored.id}/resolve`, { outcome: 'revised', response: '已核实通话记录，改判', answers });
    expect(revised.status).toBe(200);
    const expected = scoreReview(detail.form, answers.map((a) => qaAnswerSchema.parse(a))).score;
    expect(revised.value).toMatchObject({ status: 'revised', autoFailed: expected === 0, score: expected, dispute: { status: 'revised', response: '已核实通话记录，改判', previousScore: 0 } });
    expect(revised.value.score).not.toBe(0);
    const actions = (await auditActions()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['qa.review.submit', 'qa.review.dispute', 'qa.review.resolve']));
    // The chain still verifies after all of it.
    const { verifyAuditChain } = await import('../audit/audit');
    expect((await verifyAuditChain(hub.ctx.store)).ok).toBe(true);
  });

  it('compares two reviewers on one conversation (calibration)', async () => {
    const sup = await as.supervisor();
    const admin = await as.admin();
    const conversationId = scored.conversationId;
    const cal = await call<QaReviewView>(admin, 'POST', '/qa/calibrations', { conversationId });
    expect(cal.value).toMatchObject({ source: 'calibration', reviewerId: 'u-admin', status: 'queued' });
    expect((await call(admin, 'POST', '/qa/calibrations', { conversationId })).error?.code).toBe('qa.duplicate');
    // The supervisor cannot submit the admin's calibration review.
    const d = (await call<ReviewDetail>(admin, 'GET', `/qa/reviews/${cal.value.id}`)).value;
    const qs = questionsOf(d.form);
    const answers = qs.map((q) => {
      const s = suggestionFor(q, d.review.prescore);
      const value = q.id === 'empathy' ? 0 : (s ?? q.max);
      return { questionId: q.id, value, comment: s !== null && s !== value ? '语气生硬' : '' };
    });
    expect((await call(sup, 'POST', `/qa/reviews/${cal.value.id}/submit`, { answers })).status).toBe(403);
    expect((await call(admin, 'POST', `/qa/reviews/${cal.value.id}/submit`, { answers })).status).toBe(200);
    const c = await call<{ reviews: { reviewerName: string }[]; pairs: { agreement: number; rows: { questionId: string; agree: boolean }[] }[] }>(sup, 'GET', `/qa/calibrations/${conversationId}`);
    expect(c.value.reviews.map((r) => r.reviewerName).sort()).toEqual(['信息科 王工', '护士长 刘敏']);
    expect(c.value.pairs).toHaveLength(1);
    const pair = c.value.pairs[0]!;
    expect(pair.rows.find((r) => r.questionId === 'redflag')!.agree).toBe(false); // revised to 1 vs 0
    expect(pair.agreement).toBeLessThan(100);
    // Other reviews of the conversation show up next to a review.
    expect((await call<ReviewDetail>(sup, 'GET', `/qa/reviews/${scored.id}`)).value.others.map((o) => o.id)).toContain(cal.value.id);
  });

  it('versions forms: a new version scores new reviews, old reviews keep theirs', async () => {
    const sup = await as.supervisor();
    const draft = structuredClone(DEFAULT_QA_FORM);
    draft.sections[1]!.questions.push({ id: 'closing', title: { 'zh-CN': '礼貌结束会话', en: 'Closed politely' }, weight: 5, max: 1, autoFail: false, allowNa: false });
    const saved = await call<{ version: number }>(sup, 'POST', '/qa/forms', { form: draft });
    expect(saved.value.version).toBe(2);
    const forms = (await call<{ forms: { id: string; version: number }[] }>(sup, 'GET', '/qa/forms')).value.forms;
    expect(forms.map((f) => f.version)).toEqual([1, 2]);
    expect((await call<ReviewDetail>(sup, 'GET', `/qa/reviews/${scored.id}`)).value.form.version).toBe(1);
    const fresh = await call<QaReviewView>(await as.supChronic(), 'POST', '/qa/calibrations', { conversationId: queue.find((r) => r.teamId === 't-chronic' && r.id !== scored.id)!.conversationId });
    expect(fresh.value.formVersion).toBe(2);
    expect(await call(sup, 'POST', '/qa/forms', { form: { ...draft, sections: [] } })).toMatchObject({ status: 400, error: { code: 'qa.bad_request' } });
  });

  it('exports reviews as CSV for Excel', async () => {
    const sup = await as.supervisor();
    const res = await fetch(`${hub.url}/qa/export.csv?lang=zh-CN`, { headers: { authorization: `Bearer ${sup}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="qa-reviews-2025-03-12\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^质检编号,周期,会话,渠道,坐席,/);
    expect(lines.length).toBe(1 + 2); // the revised review and the admin's calibration
    expect(text).toContain('revised');
    expect(text).not.toContain(seeded.special.silent[0]); // only scored reviews
    expect((await fetch(`${hub.url}/qa/export.csv`, { headers: { authorization: `Bearer ${await as.agent()}` } })).status).toBe(403);
  });

  it('shows the live dashboard: queues, SLA breaches, presence, bot hand-offs and the 头晕 surge', async () => {
    const sup = await as.supervisor();
    // One agent connected over the WebSocket.
    const agentToken = await as.agent();
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/sync/ws?token=${agentToken}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    try {
      const d = (await call<DashboardView>(sup, 'GET', '/qa/dashboard')).value;
      expect(d.presenceAvailable).toBe(true);
      const out = d.queues.find((q) => q.teamId === 't-outpatient')!;
      expect(out.waiting).toBeGreaterThanOrEqual(4);
      expect(out.unassigned).toBeGreaterThanOrEqual(2);
      expect(out.longestWaitMs).toBeGreaterThanOrEqual(38 * 60_000);
      expect(out.slaBreaches).toBeGreaterThanOrEqual(1);
      const agent = d.agents.find((a) => a.id === 'u-agent')!;
      expect(['online', 'busy', 'away']).toContain(agent.state); // connected (signed in just now: not away)
      expect(agent.state).not.toBe('away');
      expect(d.agents.find((a) => a.id === 'u-nurse2')!.state).toBe('offline');
      expect(d.bot.handled).toBeGreaterThanOrEqual(4);
      expect(d.bot.rate).not.toBeNull();
      const dizzy = d.surges.find((s) => s.topicId === 'dizziness');
      expect(dizzy).toBeDefined();
      expect(dizzy!.current).toBeGreaterThanOrEqual(2 * Math.max(dizzy!.usual, 1));
      // The one-team supervisor sees one queue.
      const one = (await call<DashboardView>(await as.supChronic(), 'GET', '/qa/dashboard')).value;
      expect(one.queues.map((q) => q.teamId)).toEqual(['t-chronic']);
      expect(one.agents.every((a) => a.teamIds.includes('t-chronic'))).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('publishes a knowledge pack to everyone through the change log, validating each item', async () => {
    const sup = await as.supervisor();
    const item = {
      id: 'surge-dizzy-advice',
      kind: 'guidance',
      topic: 'hypertension',
      title: { 'zh-CN': '头晕患者的安全提示', en: 'Safety advice for dizzy patients' },
      keywords: ['头晕'],
      intervention: { text: { 'zh-CN': '请患者坐下或躺下休息，防跌倒；伴胸痛、肢体无力或说话不清请立即拨打120。如有疑问请咨询医生。' } },
    };
    expect(await call(sup, 'POST', '/qa/knowledge/publish', { topicId: 'dizziness', items: [{ ...item, id: 'BAD ID' }] })).toMatchObject({ status: 400, error: { code: 'qa.bad_request' } });
    const r = await call<{ published: string[] }>(sup, 'POST', '/qa/knowledge/publish', { topicId: 'dizziness', items: [item] });
    expect(r.value.published).toEqual(['surge-dizzy-advice']);
    // Every user's pull sees it (knowledge items are visible to all).
    const agent = await as.agent();
    const pull = await call<{ changes: { entity: string; id: string; data: { body: { id: string } } }[] }>(agent, 'POST', '/sync/pull', { cursor: 0, limit: 1000 });
    let cursorChanges = pull.value.changes;
    let cursor = (pull.value as unknown as { cursor: number }).cursor;
    while ((pull.value as unknown as { hasMore: boolean }).hasMore && !cursorChanges.some((c) => c.id === 'surge-dizzy-advice')) {
      const next = await call<{ changes: typeof cursorChanges; cursor: number; hasMore: boolean }>(agent, 'POST', '/sync/pull', { cursor, limit: 1000 });
      cursorChanges = next.value.changes;
      cursor = next.value.cursor;
      if (!next.value.hasMore && !cursorChanges.some((c) => c.id === 'surge-dizzy-advice')) break;
    }
    expect(cursorChanges.find((c) => c.entity === 'knowledge_item' && c.id === 'surge-dizzy-advice')?.data.body.id).toBe('surge-dizzy-advice');
    const d = (await call<DashboardView>(sup, 'GET', '/qa/dashboard')).value;
    expect(d.pushed).toEqual([{ topicId: 'dizziness', at: NOW, items: 1 }]);
  });

  it('audits conversations opened in workstation views, refusing other teams', async () => {
    const sup = await as.supChronic();
    const r = await call<{ recorded: number }>(sup, 'POST', '/qa/audit/open', { items: [{ conversationId: 'v-chen-glucose', view: 'sentiment', at: NOW - 1000 }, { conversationId: 'v-zhang-appt', view: 'sentiment', at: NOW }] });
    expect(r.value.recorded).toBe(1);
    const rows = (await auditActions()).filter((a) => a.action === 'qa.conversation.open').slice(-2);
    expect(rows).toEqual([
      { action: 'qa.conversation.open', outcome: 'ok', objectId: 'v-chen-glucose', userId: 'u-sup-chronic' },
      { action: 'qa.conversation.open', outcome: 'denied', objectId: 'v-zhang-appt', userId: 'u-sup-chronic' },
    ]);
  });

  it('reports CSAT and NPS per agent, team and channel', async () => {
    const sup = await as.supervisor();
    const byAgent = await call<SurveyResultsView>(sup, 'GET', '/qa/surveys/results?groupBy=agent');
    expect(byAgent.status).toBe(200);
    expect(byAgent.value.overall.csat.n).toBeGreaterThan(10);
    expect(byAgent.value.overall.csat.csat).toBeGreaterThan(0);
    expect(byAgent.value.groups.map((g) => g.label)).toEqual(expect.arrayContaining(['客服 小林', '护士 陈静']));
    const n = byAgent.value.groups.reduce((s, g) => s + g.csat.n, 0);
    expect(n).toBe(byAgent.value.overall.csat.n);
    const byChannel = await call<SurveyResultsView>(sup, 'GET', '/qa/surveys/results?groupBy=channel');
    expect(byChannel.value.groups.every((g) => ['webchat', 'wechat', 'wecom', 'sms'].includes(g.key))).toBe(true);
    expect((await call(sup, 'GET', '/qa/surveys/results?groupBy=planet')).status).toBe(400);
  });
});

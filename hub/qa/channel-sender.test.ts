import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveyResultsView } from '../../shared/supervisor';
import { DEFAULT_SURVEY_SETTINGS } from '../../shared/supervisor';
import { StandIn, signedPost } from '../testing/channels';
import { newId, startHub, value, type TestClient, type TestHub } from '../testing/harness';
import { surveyMessageId } from './survey-wording';

const SECRET = 'sms-webhook-secret';
const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Surveys on a real hub (createHub: SQLite, Fastify, the SMS adapter) through the
 * SMS gateway stand-in the SMS channel tests use: the scheduler's sender is the
 * channels' own (hub/qa/channel-sender.ts); ticks are run by hand on the hub's clock.
 */
describe('CSAT/NPS over SMS: sent through the gateway, answered by the patient’s reply', () => {
  let t: TestHub;
  let gw: StandIn;
  let agent: TestClient;
  let answers: { status: number; json: unknown }[] = [];
  let smsNo = 0;

  beforeAll(async () => {
    gw = new StandIn(() => answers.shift() ?? { status: 200, json: { messageId: `gw-${gw.requests.length}` } });
    await gw.start();
    t = await startHub({
      config: {
        channels: { sms: { enabled: true, webhookSecret: SECRET, teamId: 't-outpatient', gateway: { url: `${gw.url}/send`, apiKey: 'k-123' } } },
        routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } },
        // Ticks by hand in this test (the timer is proven in survey-channels.test.ts).
        surveys: { tickSeconds: 3600 },
      },
    });
    agent = await t.signIn('agent');
  });
  afterAll(async () => {
    await t?.close();
    await gw?.close();
  });

  /** A patient's SMS, a second after whatever happened before (messages are ordered by time). */
  const smsIn = async (from: string, text: string) => {
    t.clock.advance(1000);
    const r = await signedPost(`${t.url}/channels/sms/inbound`, SECRET, JSON.stringify({ from, text, messageId: `g-${++smsNo}` }), 'application/json', { now: t.clock.now() });
    expect(r.status).toBe(200);
  };
  const conversationOf = async (phone: string) => {
    const ident = (await t.hub.store.read((r) => r.findIdentity('sms', phone)))!;
    return (await t.hub.store.read((r) => r.threadsOfIdentity(ident.id)))[0]!.conversationId;
  };
  const conversation = (id: string) => t.hub.store.read(async (r) => (await r.getConversation(id))!);
  const messages = (convId: string) => t.hub.store.read((r) => r.messagesOf(convId));
  const survey = async (convId: string, kind: 'csat' | 'nps') => (await t.hub.store.read((r) => r.surveyRecordsSince(0))).find((s) => s.conversationId === convId && s.kind === kind);
  const sendsTo = (phone: string) => gw.requests.filter((r) => r.url === '/send' && (JSON.parse(r.body) as { to: string }).to === phone);
  /** Access tokens live 15 minutes on the hub's clock: sign in again after moving it. */
  const fresh = async (username: string) => {
    const c = await t.signIn(username);
    return c;
  };
  const resolve = async (conversationId: string, who: TestClient = agent) => {
    const r = await who.mutate('conversation.setStatus', { conversationId, status: 'resolved' });
    expect(r.status).toBe('applied');
  };
  const results = async (groupBy: 'agent' | 'team' | 'channel') => value(await (await fresh('supervisor')).req<SurveyResultsView>('GET', `/qa/surveys/results?groupBy=${groupBy}&days=30`));

  let convA = '';

  it('resolve → tick → the CSAT question goes to the patient through the gateway, in the conversation, which stays resolved', async () => {
    await smsIn('13900001111', '请问明天上午内科的号还有吗');
    convA = await conversationOf('+8613900001111');
    expect(await conversation(convA)).toMatchObject({ channel: 'sms', teamId: 't-outpatient', assigneeId: 'u-agent' });
    await resolve(convA);
    t.clock.advance(MIN);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 1, failed: 0, pending: 0 });

    const csat = (await survey(convA, 'csat'))!;
    expect(csat).toMatchObject({ status: 'sent', attempts: 1, channel: 'sms', agentId: 'u-agent', teamId: 't-outpatient' });
    const sends = sendsTo('+8613900001111');
    expect(sends).toHaveLength(1);
    const body = JSON.parse(sends[0]!.body) as { to: string; text: string; clientRef: string };
    expect(body.text).toBe('您好，本次咨询已结束。请为本次服务打分：回复 1–5（5 = 非常满意，1 = 非常不满意）。退订请回复“退订”。');
    // The survey's message id is the idempotency key, like any reply's.
    expect(body.clientRef).toBe(surveyMessageId(csat.id));
    expect(sends[0]!.headers['idempotency-key']).toBe(surveyMessageId(csat.id));

    // The agent sees it in the conversation with its delivery status; the conversation is not reopened.
    const m = (await messages(convA)).at(-1)!;
    expect(m).toMatchObject({ id: surveyMessageId(csat.id), direction: 'outbound', authorId: null, authorName: '满意度回访', contentType: 'survey', body: body.text, deliveryStatus: 'sent' });
    expect(await conversation(convA)).toMatchObject({ status: 'resolved', lastMessagePreview: body.text.slice(0, 120) });
    const pulled = await agent.pullAll(0);
    expect(pulled.some((c) => c.entity === 'message' && c.id === m.id)).toBe(true);
    // The gateway's delivery report reaches it like any reply.
    const o = (await t.hub.store.read((r) => r.getOutbound(m.id)))!;
    const dlr = await signedPost(`${t.url}/channels/sms/status`, SECRET, JSON.stringify({ messageId: o.providerId, status: 'DELIVRD' }), 'application/json', { now: t.clock.now() });
    expect(dlr.status).toBe(200);
    expect((await t.hub.store.read((r) => r.getMessage(m.id)))!.deliveryStatus).toBe('delivered');
    // A second tick sends nothing again.
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 0 });
    expect(sendsTo('+8613900001111')).toHaveLength(1);
  });

  it('the patient replies "５" (full width): recorded as the CSAT answer, kept as their message, results per agent/team/channel change', async () => {
    const before = await results('channel');
    expect(before.overall.csat.n).toBe(0);
    await smsIn('13900001111', '５');
    expect(await survey(convA, 'csat')).toMatchObject({ status: 'answered', score: 5 });
    const five = (await messages(convA)).at(-1)!;
    expect(five).toMatchObject({ direction: 'inbound', body: '５', deliveryStatus: 'received' });
    // Not reopened, not queued again: the NPS in 48 h still applies.
    expect(await conversation(convA)).toMatchObject({ status: 'resolved', assigneeId: 'u-agent' });
    // Changed their mind: the later score replaces the first; still one answer.
    await smsIn('13900001111', '4分');
    expect(await survey(convA, 'csat')).toMatchObject({ status: 'answered', score: 4 });
    expect((await messages(convA)).slice(-2).map((m) => m.body)).toEqual(['５', '4分']);
    expect(await conversation(convA)).toMatchObject({ status: 'resolved' });
    const byChannel = await results('channel');
    expect(byChannel.overall.csat).toMatchObject({ csat: 100, n: 1, satisfied: 1 });
    expect(byChannel.groups.map((g) => [g.key, g.csat.n, g.csat.csat])).toEqual([['sms', 1, 100]]);
    expect((await results('agent')).groups.map((g) => [g.key, g.label, g.csat.csat])).toEqual([['u-agent', '客服 小林', 100]]);
    expect((await results('team')).groups.map((g) => [g.key, g.csat.n])).toEqual([['t-outpatient', 1]]);
    const audit = await t.hub.store.read(async (r) => (await r.auditPage(0, 10_000)).filter((a) => a.action === 'survey.answer'));
    expect(audit.map((a) => a.detail)).toEqual([expect.objectContaining({ kind: 'csat', score: 5, channel: 'sms', messageId: five.id }), expect.objectContaining({ kind: 'csat', score: 4, channel: 'sms' })]);
  });

  it('NPS 48 h after resolution on the hub’s clock; "10分" answers it', async () => {
    t.clock.advance(46 * HOUR);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 0 });
    t.clock.advance(2 * HOUR);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 1 });
    const nps = (await survey(convA, 'nps'))!;
    expect(nps).toMatchObject({ status: 'sent', channel: 'sms' });
    const sends = sendsTo('+8613900001111');
    expect(sends).toHaveLength(2);
    expect((JSON.parse(sends[1]!.body) as { text: string }).text).toContain('请回复 0–10（10 = 非常愿意，0 = 完全不会）');
    await smsIn('+86 139 0000 1111', '10分');
    expect(await survey(convA, 'nps')).toMatchObject({ status: 'answered', score: 10 });
    expect((await messages(convA)).at(-1)).toMatchObject({ direction: 'inbound', body: '10分' });
    expect((await results('agent')).groups.find((g) => g.key === 'u-agent')!.nps).toMatchObject({ nps: 100, n: 1, promoters: 1 });
  });

  it('withdrawn consent: a patient who opted out gets nothing; opting out between attempts stops the retry', async () => {
    agent = await fresh('agent');
    // Opted out before resolution: the planner skips it.
    await smsIn('13900002222', '复诊需要空腹吗');
    await smsIn('13900002222', 'TD');
    const convB = await conversationOf('+8613900002222');
    await resolve(convB);
    t.clock.advance(MIN);
    await t.hub.surveys!.tick();
    expect(await survey(convB, 'csat')).toMatchObject({ status: 'skipped', reason: 'consent_withdrawn' });
    expect(sendsTo('+8613900002222')).toHaveLength(0);

    // Opted out after a failed first attempt: the retry is refused, nothing more is sent.
    await smsIn('13900003333', '检查报告出来了吗');
    const convC = await conversationOf('+8613900003333');
    await resolve(convC);
    t.clock.advance(MIN);
    answers = [{ status: 503, json: { error: 'busy' } }];
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 0, pending: 1 });
    const held = (await survey(convC, 'csat'))!;
    expect(held).toMatchObject({ status: 'pending', attempts: 1, reason: 'channel.sms_http_503' });
    const msgId = surveyMessageId(held.id);
    expect(await t.hub.store.read((r) => r.getMessage(msgId))).toMatchObject({ deliveryStatus: 'sending', failureReason: 'channel.sms_http_503' });
    // Held for the survey scheduler: the reply dispatcher's poll loop does not send it.
    t.clock.advance(10 * MIN);
    expect(await t.hub.channels.dispatcher.runOnce()).toBe(0);
    await smsIn('13900003333', '退订');
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 0, failed: 1 });
    expect(await survey(convC, 'csat')).toMatchObject({ status: 'failed', attempts: 2, reason: 'sync.consent_withdrawn' });
    expect(sendsTo('+8613900003333')).toHaveLength(1);
    expect(await t.hub.store.read((r) => r.getMessage(msgId))).toMatchObject({ deliveryStatus: 'failed', failureReason: 'sync.consent_withdrawn' });
  });

  it('a failing gateway is retried up to the attempt limit (3), with the same idempotency key, then recorded as failed', async () => {
    await smsIn('13900004444', '药费可以医保报销吗');
    const convD = await conversationOf('+8613900004444');
    await resolve(convD);
    answers = [503, 503, 503, 503].map((status) => ({ status, json: { error: 'busy' } }));
    const states: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      t.clock.advance(MIN);
      await t.hub.surveys!.tick();
      const s = (await survey(convD, 'csat'))!;
      states.push([s.status, s.attempts]);
    }
    expect(states).toEqual([
      ['pending', 1],
      ['pending', 2],
      ['failed', 3],
      ['failed', 3],
    ]);
    const s = (await survey(convD, 'csat'))!;
    expect(s.reason).toBe('channel.retries_exhausted:channel.sms_http_503');
    const sends = sendsTo('+8613900004444');
    expect(sends.map((r) => r.headers['idempotency-key'])).toEqual([surveyMessageId(s.id), surveyMessageId(s.id), surveyMessageId(s.id)]);
    expect(await t.hub.store.read((r) => r.getMessage(surveyMessageId(s.id)))).toMatchObject({ deliveryStatus: 'failed', failureReason: 'channel.retries_exhausted:channel.sms_http_503' });
    answers = [];
  });

  it('phone and device conversations cannot carry a survey: refused as channel_unsupported, nothing sent; staff may enter the phone answer', async () => {
    const sup = await fresh('supervisor');
    agent = await fresh('agent');
    const on = { ...DEFAULT_SURVEY_SETTINGS.csat.channels, phone: true, device: true };
    expect((await sup.req('POST', '/qa/surveys/settings', { settings: { ...DEFAULT_SURVEY_SETTINGS, csat: { enabled: true, channels: on } } })).status).toBe(200);
    const before = gw.requests.length;
    await resolve('v-li-call', agent); // demo: a PBX call record (c-li consented on the phone line)
    await resolve('v-chen-glucose', await fresh('nurse')); // demo: glucometer alerts
    t.clock.advance(MIN);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 0, failed: 2 });
    const phone = (await survey('v-li-call', 'csat'))!;
    expect(phone).toMatchObject({ status: 'failed', reason: 'channel_unsupported', attempts: 1 });
    expect(await survey('v-chen-glucose', 'csat')).toMatchObject({ status: 'failed', reason: 'channel_unsupported' });
    expect(gw.requests.length).toBe(before);
    for (const c of ['v-li-call', 'v-chen-glucose']) expect((await messages(c)).some((m) => m.contentType === 'survey')).toBe(false);
    const audit = await t.hub.store.read(async (r) => (await r.auditPage(0, 10_000)).filter((a) => a.action === 'survey.send' && a.objectId === 'v-li-call'));
    expect(audit.at(-1)).toMatchObject({ outcome: 'error', detail: { reason: 'channel_unsupported' } });
    // The agent asked on the call; the supervisor enters the answer.
    const entered = await sup.req('POST', `/qa/surveys/${phone.id}/answer`, { score: 4 });
    expect(entered.status).toBe(200);
    expect(await survey('v-li-call', 'csat')).toMatchObject({ status: 'answered', score: 4 });
  });

  it('out-of-range and non-numeric replies are ordinary messages; a score after the answer window is not recorded', async () => {
    agent = await fresh('agent');
    await smsIn('13900005555', '住院押金怎么交');
    const convE = await conversationOf('+8613900005555');
    await resolve(convE);
    t.clock.advance(MIN);
    await t.hub.surveys!.tick();
    expect(await survey(convE, 'csat')).toMatchObject({ status: 'sent' });
    await smsIn('13900005555', '6');
    await smsIn('13900005555', '谢谢你们');
    expect(await survey(convE, 'csat')).toMatchObject({ status: 'sent', score: null });
    expect((await messages(convE)).slice(-2).map((m) => [m.direction, m.body])).toEqual([
      ['inbound', '6'],
      ['inbound', '谢谢你们'],
    ]);
    // An ordinary message: it reopened the conversation for the agent.
    expect(await conversation(convE)).toMatchObject({ status: 'open' });
    // The agent asks something answered with a digit: "2" answers the agent, not the survey.
    t.clock.advance(1000);
    expect((await agent.mutate('message.send', { conversationId: convE, messageId: newId(), body: '请问您想哪天办理？回复 1 周一，2 周二。' })).status).toBe('applied');
    await smsIn('13900005555', '2');
    expect(await survey(convE, 'csat')).toMatchObject({ status: 'sent', score: null });
    expect((await messages(convE)).at(-1)).toMatchObject({ direction: 'inbound', body: '2' });
    await resolve(convE);

    // Seven days (the default answer window) later a "5" is only a message.
    t.clock.advance(7 * 24 * HOUR + MIN);
    await smsIn('13900005555', '5');
    expect(await survey(convE, 'csat')).toMatchObject({ status: 'sent', score: null });
    const all = await t.hub.store.read(async (r) => {
      const ident = (await r.findIdentity('sms', '+8613900005555'))!;
      const convs = await r.conversationsOfContact(ident.contactId);
      return (await Promise.all(convs.map((c) => r.messagesOf(c.id)))).flat();
    });
    expect(all.filter((m) => m.direction === 'inbound' && m.body === '5')).toHaveLength(1);
  });
});

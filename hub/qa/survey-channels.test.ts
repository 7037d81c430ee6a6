import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginValue } from '../../shared/sync/protocol';
import { createHub, type Hub } from '../app/create-hub';
import { WxBizMsgCrypt } from '../channels/wechat/crypto';
import { StandIn, WidgetClient, type Frame } from '../testing/channels';
import { call, Clock, startHub, TestClient, value, type TestHub } from '../testing/harness';
import { surveyMessageId } from './survey-wording';

const MIN = 60_000;
const HOUR = 60 * MIN;

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const surveysOf = (hub: Hub, conversationId: string) => hub.store.read(async (r) => (await r.surveyRecordsSince(0)).filter((s) => s.conversationId === conversationId));
const messagesOf = (hub: Hub, conversationId: string) => hub.store.read((r) => r.messagesOf(conversationId));
const conversationOf = (hub: Hub, id: string) => hub.store.read(async (r) => (await r.getConversation(id))!);

async function resolveAs(t: TestHub, username: string, conversationId: string): Promise<void> {
  const c = await t.signIn(username);
  expect((await c.mutate('conversation.setStatus', { conversationId, status: 'resolved' })).status).toBe('applied');
}

/** A local SMTP sink standing in for the hospital's outbound relay (as in the e-mail channel tests). */
async function smtpSink() {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      simpleParser(stream).then(
        (m) => {
          mails.push(m);
          cb();
        },
        (e: Error) => cb(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.server.address();
  return { mails, port: typeof a === 'object' && a ? a.port : 0, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('NPS by e-mail (English patient): sent over SMTP, answered by replying to the mail', () => {
  let t: TestHub;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let patient: Transporter;

  beforeAll(async () => {
    sink = await smtpSink();
    t = await startHub({
      config: {
        channels: {
          email: { enabled: true, listen: { port: 0, host: '127.0.0.1' }, inboundAddresses: ['service@hospital.example'], domain: 'hub.hospital.example', teamId: 't-outpatient', outbound: { host: '127.0.0.1', port: sink.port, ignoreTLS: true, from: '示例医院客服 <service@hospital.example>' } },
        },
        routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } },
        surveys: { tickSeconds: 3600 },
      },
    });
    patient = nodemailer.createTransport({ host: '127.0.0.1', port: t.hub.channels.email!.port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    patient?.close();
    await t?.close();
    await sink?.close();
  });

  it('resolve → 48 h → tick: the NPS mail threads on the conversation; the reply "9" above the quote is the answer', async () => {
    await patient.sendMail({ from: 'Emily Carter <emily.carter@example.org>', to: 'service@hospital.example', subject: 'Question about my MRI report', text: 'Hello, is my MRI report ready yet?', messageId: '<mri-1@example.org>' });
    const conv = (await t.hub.store.read((r) => r.getInbound('email', 'mid:mri-1@example.org')))!.conversationId!;
    await resolveAs(t, 'agent', conv);
    t.clock.advance(MIN);
    // CSAT is off for e-mail by default; NPS waits 48 h.
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 0, skipped: 1 });
    expect((await surveysOf(t.hub, conv)).map((s) => [s.kind, s.status, s.reason])).toEqual([['csat', 'skipped', 'channel_off']]);
    t.clock.advance(48 * HOUR);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 1 });
    const nps = (await surveysOf(t.hub, conv)).find((s) => s.kind === 'nps')!;
    expect(nps.status).toBe('sent');

    expect(sink.mails).toHaveLength(1);
    const mail = sink.mails[0]!;
    expect(mail.messageId).toBe(`<${surveyMessageId(nps.id)}@hub.hospital.example>`);
    expect(mail.inReplyTo).toBe('<mri-1@example.org>');
    expect(mail.subject).toBe('Re: Question about my MRI report');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('emily.carter@example.org');
    expect(mail.text?.trim()).toBe(
      'How likely are you to recommend our hospital to a friend or relative? Reply with a number from 0 to 10 (10 = extremely likely, 0 = not at all likely). Just reply to this e-mail with the number on the first line.',
    );
    expect((await messagesOf(t.hub, conv)).at(-1)).toMatchObject({ contentType: 'survey', authorName: 'Patient survey', deliveryStatus: 'sent' });

    t.clock.advance(MIN);
    await patient.sendMail({
      from: 'emily.carter@example.org',
      to: 'service@hospital.example',
      subject: 'Re: Question about my MRI report',
      text: `9\n\nOn Fri, 17 Jan 2025 at 16:01, 示例医院客服 <service@hospital.example> wrote:\n> ${mail.text!.trim()}\n`,
      messageId: '<mri-2@example.org>',
      inReplyTo: mail.messageId!,
      references: ['<mri-1@example.org>', mail.messageId!],
    });
    expect((await t.hub.store.read((r) => r.getInbound('email', 'mid:mri-2@example.org')))!.conversationId).toBe(conv);
    expect((await surveysOf(t.hub, conv)).find((s) => s.kind === 'nps')).toMatchObject({ status: 'answered', score: 9 });
    const reply = (await messagesOf(t.hub, conv)).at(-1)!;
    expect(reply).toMatchObject({ direction: 'inbound', contentType: 'email' });
    expect(reply.body).toContain('9\n\nOn Fri, 17 Jan 2025');
    expect(await conversationOf(t.hub, conv)).toMatchObject({ status: 'resolved' });
  });
});

describe('surveys in the web-chat widget (real WebSocket): a rating card, answered by a click or a typed score', () => {
  let t: TestHub;
  const widgets: WidgetClient[] = [];
  const widget = () => {
    const w = new WidgetClient(t.url);
    widgets.push(w);
    return w;
  };
  let conv = '';
  let token = '';
  let card: Frame = { t: 'msg' };

  beforeAll(async () => {
    t = await startHub({ config: { channels: { webchat: { teamId: 't-outpatient' } }, routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } }, surveys: { tickSeconds: 3600 } } });
  });
  afterAll(async () => {
    for (const w of widgets) await w.close();
    await t?.close();
  });

  it('resolve → tick: the CSAT arrives as a message with a rating card; the widget’s ack marks it delivered', async () => {
    const w = widget();
    token = String((await w.hello({ lang: 'zh-CN' })).token);
    const first = await w.say('c1', '你好，我想预约下周三的骨科门诊');
    conv = (await t.hub.store.read((r) => r.getMessage(first)))!.conversationId;
    await resolveAs(t, 'agent', conv);
    t.clock.advance(MIN);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 1 });
    await w.until(() => w.of('msg').some((f) => f.survey !== undefined));
    card = w.of('msg').find((f) => f.survey !== undefined)!;
    const csat = (await surveysOf(t.hub, conv)).find((s) => s.kind === 'csat')!;
    expect(card).toMatchObject({
      id: surveyMessageId(csat.id),
      name: '满意度回访',
      text: '您好，本次咨询已结束。请为本次服务打分：回复 1–5（5 = 非常满意，1 = 非常不满意）。点击下方分数，或直接输入数字。',
      survey: { id: csat.id, kind: 'csat', min: 1, max: 5, score: null, open: true },
    });
    w.send({ t: 'ack', id: card.id });
    await eventually(
      () => t.hub.store.read((r) => r.getMessage(String(card.id))),
      (m) => m?.deliveryStatus === 'delivered',
    );
  });

  it('a click on "4" is stored as the visitor’s message and recorded; another visitor cannot answer it; a reload shows the card answered', async () => {
    const w = widgets[0]!;
    const surveyId = String((card.survey as { id: string }).id);
    t.clock.advance(1000);
    w.send({ t: 'msg', cid: 'rate-1', text: '4', survey: { id: surveyId, score: 4 } });
    await w.until(() => w.of('ack').some((a) => a.cid === 'rate-1'));
    expect((await surveysOf(t.hub, conv)).find((s) => s.id === surveyId)).toMatchObject({ status: 'answered', score: 4 });
    expect((await messagesOf(t.hub, conv)).at(-1)).toMatchObject({ direction: 'inbound', body: '4' });
    expect(await conversationOf(t.hub, conv)).toMatchObject({ status: 'resolved' });

    // Someone else naming that survey: an ordinary message of theirs, the answer stands.
    const other = widget();
    await other.hello();
    await other.say('o1', '请问停车场在哪里');
    t.clock.advance(1000);
    other.send({ t: 'msg', cid: 'o2', text: '1', survey: { id: surveyId, score: 1 } });
    await other.until(() => other.of('ack').some((a) => a.cid === 'o2'));
    expect((await surveysOf(t.hub, conv)).find((s) => s.id === surveyId)).toMatchObject({ status: 'answered', score: 4 });

    // A malformed survey field is refused as a frame error; the socket stays usable.
    other.send({ t: 'msg', cid: 'o3', text: '5', survey: { id: 'not-a-survey', score: 5 } });
    await other.until(() => other.of('error').length > 0);
    expect(other.of('error')[0]).toMatchObject({ code: 'channel.bad_payload' });
    await other.say('o4', '好的');
    expect(other.closed).toBeNull();

    // Reloaded page: the history carries the card, answered.
    const again = widget();
    const welcome = await again.hello({ token });
    const history = welcome.history as { id: string; survey?: unknown }[];
    expect(history.find((h) => h.id === card.id)?.survey).toEqual({ id: surveyId, kind: 'csat', min: 1, max: 5, score: 4, open: false });
  });

  it('NPS 48 h later comes to the open widget; a typed "９" answers it', async () => {
    const w = widgets[0]!;
    t.clock.advance(48 * HOUR);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 1 });
    await w.until(() => w.of('msg').some((f) => (f.survey as { kind?: string } | undefined)?.kind === 'nps'));
    const nps = w.of('msg').find((f) => (f.survey as { kind?: string } | undefined)?.kind === 'nps')!;
    expect(nps.survey).toMatchObject({ min: 0, max: 10, open: true });
    t.clock.advance(1000);
    await w.say('c9', '９');
    expect((await surveysOf(t.hub, conv)).find((s) => s.kind === 'nps')).toMatchObject({ status: 'answered', score: 9 });
  });
});

describe('surveys on a WeChat official account (safe mode, Tencent stand-in)', () => {
  let t: TestHub;
  let api: StandIn;
  const token = 'lanternTok';
  const aesKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  const appId = 'wxa1b2c3d4e5f60718';
  const crypt = new WxBizMsgCrypt(token, aesKey, appId);
  let n = 0;
  let msgId = 5000;

  /** The patient writes: an encrypted callback as Tencent sends it. */
  async function says(text: string) {
    t.clock.advance(1000);
    const at = Math.floor(t.clock.now() / 1000);
    const inner = `<xml><ToUserName><![CDATA[gh_hosp]]></ToUserName><FromUserName><![CDATA[oPatientSv01]]></FromUserName><CreateTime>${at}</CreateTime><MsgType>text</MsgType><Content><![CDATA[${text}]]></Content><MsgId>${++msgId}</MsgId></xml>`;
    const timestamp = String(at);
    const nonce = String(++n);
    const enc = crypt.encrypt(inner);
    const qs = new URLSearchParams({ signature: crypt.signature(timestamp, nonce), timestamp, nonce, openid: 'oPatientSv01', encrypt_type: 'aes', msg_signature: crypt.signature(timestamp, nonce, enc) });
    const res = await fetch(`${t.url}/channels/wechat/callback?${qs}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<xml><ToUserName><![CDATA[gh_hosp]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>` });
    expect(await res.text()).toBe('success');
    await t.hub.channels.wechat!.idle();
  }
  const sends = () => api.requests.filter((r) => r.url.startsWith('/cgi-bin/message/custom/send')).map((r) => JSON.parse(r.body) as { touser: string; msgtype: string; text: { content: string } });

  beforeAll(async () => {
    api = new StandIn((r) => {
      if (r.url.startsWith('/cgi-bin/token')) return { json: { access_token: 'TOKEN1', expires_in: 7200, errcode: 0 } };
      if (r.url.startsWith('/cgi-bin/message/custom/send')) return { json: { errcode: 0, errmsg: 'ok', msgid: `wx-${r.body.length}` } };
      return { status: 404, json: { errcode: 404 } };
    });
    await api.start();
    t = await startHub({
      config: {
        channels: { wechat: { enabled: true, appId, appSecret: 'app-secret', token, encodingAesKey: aesKey, apiBase: api.url, teamId: 't-outpatient' } },
        routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } },
        surveys: { tickSeconds: 3600 },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
  });

  it('CSAT by the customer-service API, "5星" answers it; NPS 48 h later, "9" answers that', async () => {
    await says('体检报告什么时候可以取？');
    const ident = (await t.hub.store.read((r) => r.findIdentity('wechat', 'oPatientSv01')))!;
    const conv = (await t.hub.store.read((r) => r.threadsOfIdentity(ident.id)))[0]!.conversationId;
    await resolveAs(t, 'agent', conv);
    t.clock.advance(MIN);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 1 });
    expect(sends()).toEqual([{ touser: 'oPatientSv01', msgtype: 'text', text: { content: '您好，本次咨询已结束。请为本次服务打分：回复 1–5（5 = 非常满意，1 = 非常不满意）。' } }]);
    await says('5星');
    expect((await surveysOf(t.hub, conv)).find((s) => s.kind === 'csat')).toMatchObject({ status: 'answered', score: 5 });

    t.clock.advance(48 * HOUR);
    expect(await t.hub.surveys!.tick()).toMatchObject({ sent: 1 });
    expect(sends()[1]!.text.content).toBe('您有多大可能向亲友推荐我院的服务？请回复 0–10（10 = 非常愿意，0 = 完全不会）。');
    await says('9');
    expect((await surveysOf(t.hub, conv)).find((s) => s.kind === 'nps')).toMatchObject({ status: 'answered', score: 9 });
    expect((await messagesOf(t.hub, conv)).filter((m) => m.direction === 'inbound').map((m) => m.body)).toEqual(['体检报告什么时候可以取？', '5星', '9']);
    expect(await conversationOf(t.hub, conv)).toMatchObject({ status: 'resolved' });
  });
});

describe('the scheduler is started by createHub and stopped by close()', () => {
  it('ticks on its own every surveys.tickSeconds; after close() it never ticks again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantern-survey-sched-'));
    const lines: { msg?: string; surveys?: { sent: number } }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as (typeof lines)[number]);
        cb();
      },
    });
    const clock = new Clock();
    const hub = await createHub({
      dataDir: dir,
      port: 0,
      host: '127.0.0.1',
      demo: true,
      env: {},
      now: clock.now,
      logger: pino({ level: 'info' }, sink),
      config: { channels: { webchat: { teamId: 't-outpatient' } }, routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } }, surveys: { tickSeconds: 1 } },
    });
    const w = new WidgetClient(hub.url);
    try {
      expect(hub.surveys).not.toBeNull();
      await w.hello();
      const first = await w.say('c1', '请问周末有门诊吗');
      const conv = (await hub.store.read((r) => r.getMessage(first)))!.conversationId;
      const login = value(await call<LoginValue>(hub.url, 'POST', '/auth/login', { username: 'agent', password: 'agent-demo', workstationId: 'ws-agent' }));
      const agent = new TestClient(hub.url, login, 'ws-agent');
      expect((await agent.mutate('conversation.setStatus', { conversationId: conv, status: 'resolved' })).status).toBe('applied');
      // Nobody calls tick(): the hub's own timer sends it.
      await w.until(() => w.of('msg').some((f) => f.survey !== undefined));
      await eventually(
        () => surveysOf(hub, conv),
        (s) => s.some((x) => x.kind === 'csat' && x.status === 'sent'),
      );
      expect(lines.some((l) => l.msg === 'survey tick' && l.surveys?.sent === 1)).toBe(true);
    } finally {
      await w.close();
      await hub.close();
    }
    const after = lines.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(lines.slice(after).filter((l) => /survey/.test(l.msg ?? ''))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('surveys.enabled=false: no scheduler, but a supervisor can still run a round, which sends through the channels', async () => {
    const t = await startHub({ config: { channels: { webchat: { teamId: 't-outpatient' } }, routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } }, surveys: { enabled: false } } });
    const w = new WidgetClient(t.url);
    try {
      expect(t.hub.surveys).toBeNull();
      await w.hello();
      const first = await w.say('c1', '挂号费多少钱');
      const conv = (await t.hub.store.read((r) => r.getMessage(first)))!.conversationId;
      await resolveAs(t, 'agent', conv);
      t.clock.advance(MIN);
      const sup = await t.signIn('supervisor');
      const run = await sup.req<{ sent: number }>('POST', '/qa/surveys/run', {});
      expect(value(run)).toMatchObject({ sent: 1 });
      await w.until(() => w.of('msg').some((f) => f.survey !== undefined));
    } finally {
      await w.close();
      await t.close();
    }
  });
});

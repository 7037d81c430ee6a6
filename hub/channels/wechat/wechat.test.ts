import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, newId, startHub, type TestClient, type TestHub } from '../../testing/harness';
import { StandIn, type Recorded } from '../../testing/channels';
import { WxBizMsgCrypt } from './crypto';
import { WX_SAMPLE, WX_SAMPLE_POST_BODY } from './vectors';

/** A stand-in for Tencent's API: tokens, the message APIs, scripted errcodes. */
function tencent() {
  let tokenNo = 0;
  const script: number[] = [];
  const s = new StandIn((r: Recorded) => {
    const u = new URL(r.url, 'http://x');
    if (u.pathname === '/cgi-bin/gettoken' || u.pathname === '/cgi-bin/token') return { json: { access_token: `TOKEN${++tokenNo}`, expires_in: 7200, errcode: 0 } };
    if (u.pathname === '/cgi-bin/message/send' || u.pathname === '/cgi-bin/message/custom/send') {
      const errcode = script.shift() ?? 0;
      return { json: { errcode, errmsg: errcode ? 'scripted' : 'ok', ...(errcode ? {} : { msgid: `wxmsg-${r.body.length}` }) } };
    }
    return { status: 404, json: { errcode: 404 } };
  });
  return { s, script, sends: () => s.requests.filter((r) => r.url.includes('/message/')), tokens: () => s.requests.filter((r) => r.url.includes('token?')) };
}

const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });

describe('WeCom callback with the published sample (clock at the sample time)', () => {
  let t: TestHub;
  let api: ReturnType<typeof tencent>;
  let supervisor: TestClient;
  const q = (o: Record<string, string>) => `?${new URLSearchParams(o)}`;
  const m = WX_SAMPLE.message;
  beforeAll(async () => {
    api = tencent();
    await api.s.start();
    t = await startHub({
      clock: new Clock(1409659700_000),
      config: {
        channels: { wecom: { enabled: true, token: WX_SAMPLE.token, encodingAesKey: WX_SAMPLE.encodingAesKey, corpId: WX_SAMPLE.receiveId, corpSecret: 'corp-secret', agentId: 218, apiBase: api.s.url, teamId: 't-outpatient' } },
        routing: { requireOnline: false },
      },
    });
    supervisor = await t.signIn('supervisor');
  });
  afterAll(async () => {
    await t.close();
    await api.s.close();
  });

  it('answers URL verification with the decrypted echostr', async () => {
    const v = WX_SAMPLE.verify;
    const res = await fetch(`${t.url}/channels/wecom/callback${q({ msg_signature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce, echostr: v.echostr })}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1616140317555161061');
    const bad = await fetch(`${t.url}/channels/wecom/callback${q({ msg_signature: '0'.repeat(40), timestamp: v.timestamp, nonce: v.nonce, echostr: v.echostr })}`);
    expect(bad.status).toBe(401);
    expect(await bad.text()).toBe('channel.bad_signature');
  });

  it('acks "success", stores the message once (MsgId de-duplicates Tencent retries), raw kept', async () => {
    const url = `${t.url}/channels/wecom/callback${q({ msg_signature: m.msgSignature, timestamp: m.timestamp, nonce: m.nonce })}`;
    const first = await post(url, WX_SAMPLE_POST_BODY);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('success');
    const retry = await post(url, WX_SAMPLE_POST_BODY);
    expect(await retry.text()).toBe('success');
    await t.hub.channels.wecom!.idle();
    const row = (await t.hub.store.read((r) => r.getInbound('wecom', 'msg:4561255354251345929')))!;
    expect(row).toMatchObject({ state: 'ingested' });
    expect(row.raw).toContain('<Content><![CDATA[hello]]></Content>');
    const conv = (await t.hub.store.read((r) => r.getConversation(row.conversationId!)))!;
    expect(conv).toMatchObject({ channel: 'wecom', teamId: 't-outpatient' });
    const msgs = await t.hub.store.read((r) => r.messagesOf(conv.id));
    expect(msgs.map((x) => x.body)).toEqual(['hello']);
    expect(msgs[0]!.createdAt).toBe(1409659813_000);
    const ident = (await t.hub.store.read((r) => r.findIdentity('wecom', 'mycreate')))!;
    expect(ident).toMatchObject({ contactId: conv.contactId, verified: true, consent: 'granted' });
    // A supervisor's replica gets it through the change log.
    expect((await supervisor.pullAll(0)).some((c) => c.entity === 'message' && (c.data as { body: string }).body === 'hello')).toBe(true);
  });

  it('refuses bad signatures, replays, malformed XML and oversized bodies with a clear status', async () => {
    const url = (o: Partial<Record<string, string>> = {}) => `${t.url}/channels/wecom/callback${q({ msg_signature: m.msgSignature, timestamp: m.timestamp, nonce: m.nonce, ...o } as Record<string, string>)}`;
    expect((await post(url({ msg_signature: 'f'.repeat(40) }), WX_SAMPLE_POST_BODY)).status).toBe(401);
    expect((await post(url({ nonce: '1' }), WX_SAMPLE_POST_BODY)).status).toBe(401);
    const old = await post(url({ timestamp: '1409000000' }), WX_SAMPLE_POST_BODY);
    expect([old.status, await old.text()]).toEqual([409, 'channel.replay']);
    const bad = await post(url(), '<xml><Encrypt>abc</xml>');
    expect([bad.status, await bad.text()]).toEqual([400, 'channel.malformed']);
    expect((await post(url(), `<xml><Encrypt><![CDATA[${'A'.repeat(70_000)}]]></Encrypt></xml>`)).status).toBe(413);
    // Plaintext callbacks are never accepted by WeCom.
    expect((await post(url(), '<xml><ToUserName>x</ToUserName></xml>')).status).toBe(401);
  });

  it('sends replies through /cgi-bin/message/send after the recall window; caches the token; refetches it on 42001', async () => {
    const row = (await t.hub.store.read((r) => r.getInbound('wecom', 'msg:4561255354251345929')))!;
    const convId = row.conversationId!;
    const r1 = newId();
    expect(await supervisor.mutate('message.send', { conversationId: convId, messageId: r1, body: '您好，已收到。' })).toMatchObject({ status: 'applied' });
    await t.hub.channels.dispatcher.runOnce();
    expect(api.sends()).toHaveLength(0);
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(api.sends()).toHaveLength(1);
    expect(JSON.parse(api.sends()[0]!.body)).toEqual({ touser: 'mycreate', msgtype: 'text', agentid: 218, text: { content: '您好，已收到。' } });
    expect(api.sends()[0]!.url).toContain('access_token=TOKEN1');
    expect((await t.hub.store.read((r) => r.getMessage(r1)))!.deliveryStatus).toBe('sent');

    api.script.push(42001); // the cached token expired early at Tencent
    const r2 = newId();
    await supervisor.mutate('message.send', { conversationId: convId, messageId: r2, body: '第二条' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(api.tokens()).toHaveLength(2);
    expect(api.sends().at(-1)!.url).toContain('access_token=TOKEN2');
    expect((await t.hub.store.read((r) => r.getMessage(r2)))!.deliveryStatus).toBe('sent');

    api.script.push(-1); // system busy → retried with backoff
    const r3 = newId();
    await supervisor.mutate('message.send', { conversationId: convId, messageId: r3, body: '第三条' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(await t.hub.store.read((r) => r.getOutbound(r3))).toMatchObject({ state: 'waiting', attempts: 1, lastError: 'channel.wecom_busy:-1' });
    expect((await t.hub.store.read((r) => r.getMessage(r3)))!).toMatchObject({ deliveryStatus: 'sending', failureReason: 'channel.wecom_busy:-1' });
    t.clock.advance(60_000);
    await t.hub.channels.dispatcher.runOnce();
    expect((await t.hub.store.read((r) => r.getMessage(r3)))!).toMatchObject({ deliveryStatus: 'sent', failureReason: null });
    expect(api.tokens()).toHaveLength(2);
  });
});

describe('WeChat official account (safe mode)', () => {
  let t: TestHub;
  let api: ReturnType<typeof tencent>;
  let agent: TestClient;
  const token = 'lanternTok';
  const aesKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  const appId = 'wxa1b2c3d4e5f60718';
  const crypt = new WxBizMsgCrypt(token, aesKey, appId);
  let n = 0;

  async function deliver(inner: string, opts: { sig?: string } = {}) {
    const timestamp = String(Math.floor(t.clock.now() / 1000));
    const nonce = String(++n);
    const enc = crypt.encrypt(inner);
    const msg_signature = opts.sig ?? crypt.signature(timestamp, nonce, enc);
    const qs = new URLSearchParams({ signature: crypt.signature(timestamp, nonce), timestamp, nonce, openid: 'oPatient001', encrypt_type: 'aes', msg_signature });
    const res = await post(`${t.url}/channels/wechat/callback?${qs}`, `<xml><ToUserName><![CDATA[gh_hosp]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`);
    await t.hub.channels.wechat!.idle();
    return res;
  }
  const xml = (body: string, at = Math.floor(t.clock.now() / 1000)) => `<xml><ToUserName><![CDATA[gh_hosp]]></ToUserName><FromUserName><![CDATA[oPatient001]]></FromUserName><CreateTime>${at}</CreateTime>${body}</xml>`;

  beforeAll(async () => {
    api = tencent();
    await api.s.start();
    t = await startHub({
      config: {
        channels: { wechat: { enabled: true, appId, appSecret: 'app-secret', token, encodingAesKey: aesKey, apiBase: api.s.url, teamId: 't-outpatient', menuDepartments: { CONSULT_PEDS: 'pediatrics' } } },
        routing: { requireOnline: false, queues: [{ id: 'q-out', teamId: 't-outpatient' }], agents: { 'u-agent2': { capacity: 0 } } },
      },
    });
    agent = await t.signIn('agent');
  });
  afterAll(async () => {
    await t.close();
    await api.s.close();
  });

  it('plain GET verification echoes echostr when the signature holds', async () => {
    const timestamp = String(Math.floor(t.clock.now() / 1000));
    const ok = await fetch(`${t.url}/channels/wechat/callback?${new URLSearchParams({ signature: crypt.signature(timestamp, '5'), timestamp, nonce: '5', echostr: 'hello-echo' })}`);
    expect(await ok.text()).toBe('hello-echo');
    const bad = await fetch(`${t.url}/channels/wechat/callback?${new URLSearchParams({ signature: 'x', timestamp, nonce: '5', echostr: 'e' })}`);
    expect(bad.status).toBe(401);
  });

  it('subscribe grants consent; text, voice (Recognition), image and CLICK land in one conversation; unsubscribe withdraws', async () => {
    expect(await (await deliver(xml('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>'))).text()).toBe('success');
    const ident = (await t.hub.store.read((r) => r.findIdentity('wechat', 'oPatient001')))!;
    expect(ident.consent).toBe('granted');
    expect(await t.hub.store.read((r) => r.conversationsOfContact(ident.contactId))).toHaveLength(0);

    await deliver(xml('<MsgType>text</MsgType><Content><![CDATA[孩子发烧38.5度怎么办]]></Content><MsgId>1001</MsgId>'));
    await deliver(xml('<MsgType>voice</MsgType><MediaId>mv</MediaId><Format>amr</Format><Recognition><![CDATA[需要挂儿科吗]]></Recognition><MsgId>1002</MsgId>'));
    await deliver(xml('<MsgType>image</MsgType><PicUrl><![CDATA[http://mmbiz.example/p.jpg]]></PicUrl><MediaId>mi</MediaId><MsgId>1003</MsgId>'));
    await deliver(xml('<MsgType>event</MsgType><Event>CLICK</Event><EventKey>CONSULT_PEDS</EventKey>'));
    const convs = await t.hub.store.read((r) => r.conversationsOfContact(ident.contactId));
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ channel: 'wechat', teamId: 't-outpatient', assigneeId: 'u-agent' });
    const msgs = await t.hub.store.read((r) => r.messagesOf(convs[0]!.id));
    expect(msgs.map((x) => [x.contentType, x.body])).toEqual([
      ['text', '孩子发烧38.5度怎么办'],
      ['voice', '[语音] 需要挂儿科吗'],
      ['image', '[图片] http://mmbiz.example/p.jpg'],
      ['event', '[菜单] CONSULT_PEDS'],
    ]);

    // Reply goes through the customer-service API.
    const reply = newId();
    await agent.mutate('message.send', { conversationId: convs[0]!.id, messageId: reply, body: '请带孩子来儿科门诊。' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    const sent = api.sends().at(-1)!;
    expect(new URL(sent.url, 'http://x').pathname).toBe('/cgi-bin/message/custom/send');
    expect(JSON.parse(sent.body)).toEqual({ touser: 'oPatient001', msgtype: 'text', text: { content: '请带孩子来儿科门诊。' } });
    expect(api.tokens()[0]!.url).toContain(`appid=${appId}`);

    // 48 h window closed at Tencent: a permanent failure with a reason the agent sees.
    api.script.push(45015);
    const late = newId();
    await agent.mutate('message.send', { conversationId: convs[0]!.id, messageId: late, body: '复查提醒' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(await t.hub.store.read((r) => r.getMessage(late))).toMatchObject({ deliveryStatus: 'failed', failureReason: 'channel.wechat_window_closed' });

    await deliver(xml('<MsgType>event</MsgType><Event>unsubscribe</Event>'));
    expect((await t.hub.store.read((r) => r.findIdentity('wechat', 'oPatient001')))!.consent).toBe('withdrawn');
    const refused = await agent.mutate('message.send', { conversationId: convs[0]!.id, messageId: newId(), body: '还在吗' });
    expect(refused).toMatchObject({ status: 'rejected', code: 'sync.consent_withdrawn' });
  });

  it('safe mode refuses plaintext and forged signatures', async () => {
    const res = await deliver(xml('<MsgType>text</MsgType><Content>x</Content><MsgId>2001</MsgId>'), { sig: 'a'.repeat(40) });
    expect(res.status).toBe(401);
    const timestamp = String(Math.floor(t.clock.now() / 1000));
    const plain = await post(`${t.url}/channels/wechat/callback?${new URLSearchParams({ signature: crypt.signature(timestamp, '9'), timestamp, nonce: '9' })}`, xml('<MsgType>text</MsgType><Content>x</Content><MsgId>2002</MsgId>'));
    expect([plain.status, await plain.text()]).toEqual([401, 'channel.bad_signature']);
    expect(await t.hub.store.read((r) => r.getInbound('wechat', 'msg:2001'))).toBeNull();
  });

  it('a callback acknowledged but not processed before a crash is finished at the next start', async () => {
    const inner = xml('<MsgType>text</MsgType><Content><![CDATA[重启前的消息]]></Content><MsgId>3001</MsgId>');
    await t.hub.store.write((tx) => tx.insertInbound({ id: 'in-crash', channel: 'wechat', dedupeKey: 'msg:3001', receivedAt: t.clock.now(), state: 'pending', reason: null, contactId: null, conversationId: null, messageId: null, raw: inner, rawBytes: inner.length }));
    await t.restart();
    const row = (await t.hub.store.read((r) => r.getInbound('wechat', 'msg:3001')))!;
    expect(row.state).toBe('ingested');
    expect((await t.hub.store.read((r) => r.getMessage(row.messageId!)))!.body).toBe('重启前的消息');
  });
});

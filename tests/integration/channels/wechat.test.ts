import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandIn } from '../../../hub/testing/channels';
import { WxBizMsgCrypt } from '../../../hub/channels/wechat/crypto';
import { WX_SAMPLE, WX_SAMPLE_POST_BODY } from '../../../hub/channels/wechat/vectors';
import { rig, type Rig } from './support';

/**
 * Tencent's published WeCom sample (vectors in hub/channels/wechat/vectors.ts: LeoEatle/WXBizMsgCryptNode
 * Sample.cpp) end to end into a nurse's replica. Hub and workstation share a clock that runs at real speed
 * but starts at the sample's time, so the sample's timestamp passes the replay check.
 */
describe('WeCom sample vector → hub → replica; reply → Tencent stand-in', () => {
  let r: Rig;
  let api: StandIn;
  const offset = Date.now() - 1409659700_000;
  const now = () => Date.now() - offset;
  beforeAll(async () => {
    api = new StandIn((req) => (req.url.startsWith('/cgi-bin/gettoken') ? { json: { errcode: 0, access_token: 'T1', expires_in: 7200 } } : { json: { errcode: 0, errmsg: 'ok', msgid: 'wx-1' } }));
    await api.start();
    r = await rig({
      now,
      user: 'agent',
      config: {
        channels: { wecom: { enabled: true, token: WX_SAMPLE.token, encodingAesKey: WX_SAMPLE.encodingAesKey, corpId: WX_SAMPLE.receiveId, corpSecret: 'cs', agentId: 218, apiBase: api.url, teamId: 't-outpatient' } },
        routing: { agents: { 'u-agent': { capacity: 50 } } },
      },
    });
  });
  afterAll(async () => {
    await r.close();
    await api.close();
  });

  it('URL verification, the sample message into the replica, a Tencent retry ignored, and the reply sent', async () => {
    const v = WX_SAMPLE.verify;
    const echo = await fetch(`${r.hub.url}/channels/wecom/callback?${new URLSearchParams({ msg_signature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce, echostr: v.echostr })}`);
    expect(await echo.text()).toBe('1616140317555161061');
    const m = WX_SAMPLE.message;
    const url = `${r.hub.url}/channels/wecom/callback?${new URLSearchParams({ msg_signature: m.msgSignature, timestamp: m.timestamp, nonce: m.nonce })}`;
    for (let i = 0; i < 2; i++) expect(await (await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: WX_SAMPLE_POST_BODY })).text()).toBe('success');
    await expect.poll(() => r.q("SELECT body FROM messages WHERE body = 'hello'"), { timeout: 10_000 }).toHaveLength(1);
    const convId = r.q<{ conversation_id: string }>("SELECT conversation_id FROM messages WHERE body = 'hello'")[0]!.conversation_id;
    expect(r.q("SELECT channel, external_id, consent FROM contact_identities WHERE channel = 'wecom' AND external_id = 'mycreate'")).toEqual([{ channel: 'wecom', external_id: 'mycreate', consent: 'granted' }]);

    const reply = await r.client.messages.queueReply({ conversationId: convId, body: '您好，请问有什么可以帮您？' });
    if (!reply.ok) throw new Error(reply.error.code);
    await r.settle();
    await expect.poll(() => api.requests.filter((x) => x.url.startsWith('/cgi-bin/message/send')).length, { timeout: 15_000 }).toBe(1);
    expect(JSON.parse(api.requests.find((x) => x.url.startsWith('/cgi-bin/message/send'))!.body)).toEqual({ touser: 'mycreate', msgtype: 'text', agentid: 218, text: { content: '您好，请问有什么可以帮您？' } });
    await expect.poll(() => r.q<{ delivery_status: string }>('SELECT delivery_status FROM messages WHERE id = ?', reply.value.id)[0]?.delivery_status, { timeout: 10_000 }).toBe('sent');
    // A patient's own new message, encrypted as Tencent does, lands in the same conversation.
    const crypt = new WxBizMsgCrypt(WX_SAMPLE.token, WX_SAMPLE.encodingAesKey, WX_SAMPLE.receiveId);
    const ts = String(Math.floor(now() / 1000));
    const enc = crypt.encrypt(`<xml><ToUserName><![CDATA[${WX_SAMPLE.receiveId}]]></ToUserName><FromUserName><![CDATA[mycreate]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[谢谢，明天上午过去]]></Recognition><MsgId>777</MsgId><AgentID>218</AgentID></xml>`);
    await fetch(`${r.hub.url}/channels/wecom/callback?${new URLSearchParams({ msg_signature: crypt.signature(ts, 'n1', enc), timestamp: ts, nonce: 'n1' })}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>` });
    await expect.poll(() => r.q('SELECT conversation_id, content_type FROM messages WHERE body = ?', '[语音] 谢谢，明天上午过去'), { timeout: 10_000 }).toEqual([{ conversation_id: convId, content_type: 'voice' }]);
  });
});

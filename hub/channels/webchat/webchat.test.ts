import type { Change } from '../../../shared/sync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, startHub, type TestClient, type TestHub } from '../../testing/harness';
import { WidgetClient } from '../../testing/channels';
import { visitorFromToken, visitorToken } from './protocol';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('web chat channel (widget protocol against a real hub)', () => {
  let t: TestHub;
  let agent: TestClient;
  const widgets: WidgetClient[] = [];
  const widget = () => {
    const w = new WidgetClient(t.url);
    widgets.push(w);
    return w;
  };
  beforeAll(async () => {
    t = await startHub({ config: { channels: { webchat: { teamId: 't-outpatient', maxImageBytes: 4096 } }, routing: { requireOnline: false, strategy: 'round_robin' } } });
    agent = await t.signIn('agent');
  });
  afterAll(async () => {
    for (const w of widgets) await w.close();
    await t.close();
  });

  const message = (id: string) => t.hub.store.read((r) => r.getMessage(id));
  const outbound = (id: string) => t.hub.store.read((r) => r.getOutbound(id));

  it('tokens are signed: a forged or foreign token is not a visitor', () => {
    const secret = Buffer.alloc(32, 7);
    const tok = visitorToken(secret, 'wv-01JHMFKY0050H8SAP257AHFD56');
    expect(visitorFromToken(secret, tok)).toBe('wv-01JHMFKY0050H8SAP257AHFD56');
    expect(visitorFromToken(Buffer.alloc(32, 8), tok)).toBeNull();
    expect(visitorFromToken(secret, `${tok.slice(0, -1)}x`)).toBeNull();
    expect(visitorFromToken(secret, 'nonsense')).toBeNull();
  });

  it('accepts each client message once, acks after commit, and routes the new conversation', async () => {
    const w = widget();
    const welcome = await w.hello({ name: '张女士', phone: '138 0013 8000' });
    expect(welcome.visitorId).toMatch(/^wv-/);
    const id = await w.say('c1', '你好，我想预约下周的复诊');
    // The same client id again (a lost ack, a reload): the same answer, nothing new stored.
    w.send({ t: 'msg', cid: 'c1', text: '你好，我想预约下周的复诊' });
    await w.until(() => w.of('ack').filter((a) => a.cid === 'c1').length === 2);
    expect(w.of('ack').map((a) => a.id)).toEqual([id, id]);
    const m = await message(id);
    expect(m).toMatchObject({ direction: 'inbound', body: '你好，我想预约下周的复诊', authorName: '张女士', deliveryStatus: 'received' });
    const conv = (await t.hub.store.read((r) => r.getConversation(m!.conversationId)))!;
    expect(conv).toMatchObject({ channel: 'webchat', teamId: 't-outpatient', status: 'open' });
    // round robin over the outpatient agents: someone took it at once
    expect(['u-agent', 'u-agent2']).toContain(conv.assigneeId);
    const msgs = await t.hub.store.read((r) => r.messagesOf(conv.id));
    expect(msgs).toHaveLength(1);
    const ids = await t.hub.store.read((r) => r.identitiesOf(conv.contactId));
    // the visitor id (consent granted by writing) and the typed phone, unverified, never auto-linked
    expect(ids.map((i) => [i.channel, i.verified, i.consent])).toEqual(
      expect.arrayContaining([
        ['webchat', false, 'granted'],
        ['sms', false, 'unknown'],
      ]),
    );
    const raw = await t.hub.store.read((r) => r.getInbound('webchat', `${welcome.visitorId}:c1`));
    expect(raw).toMatchObject({ state: 'ingested', messageId: id });
    expect(raw!.raw).toContain('你好，我想预约下周的复诊');
    await w.close();
  });

  it('survives reconnects: same visitor, history back, agent replies after the recall window, acked → delivered', async () => {
    const w1 = widget();
    const welcome = await w1.hello();
    const token = String(welcome.token);
    const inId = await w1.say('a1', '请问停车场在哪里？');
    const convId = (await message(inId))!.conversationId;
    await t.hub.store.write((tx) => tx.updateConversation(convId, { assigneeId: 'u-agent' }));
    await w1.close();
    t.clock.advance(30_000);

    const reply = newId();
    expect(await agent.mutate('message.send', { conversationId: convId, messageId: reply, body: '停车场在门诊楼地下一层。' })).toMatchObject({ status: 'applied' });
    const recalled = newId();
    await agent.mutate('message.send', { conversationId: convId, messageId: recalled, body: '发错了' });
    expect(await agent.mutate('message.recall', { messageId: recalled })).toMatchObject({ status: 'applied' });
    // Inside the recall window nothing leaves the hub.
    t.clock.advance(4000);
    await t.hub.channels.dispatcher.runOnce();
    expect((await outbound(reply))!.state).toBe('waiting');
    t.clock.advance(1001);
    await t.hub.channels.dispatcher.runOnce();
    // The visitor is offline: stored at the hub as sent, the recalled one cancelled and never sent.
    expect((await outbound(reply))!.state).toBe('sent');
    expect((await outbound(recalled))!.state).toBe('cancelled');
    expect((await message(reply))!.deliveryStatus).toBe('sent');

    const w2 = widget();
    const again = await w2.hello({ token });
    expect(again.visitorId).toBe(welcome.visitorId);
    const history = again.history as { id: string; from: string; text: string }[];
    expect(history.map((h) => h.text)).toEqual(['请问停车场在哪里？', '停车场在门诊楼地下一层。']);
    // Not yet acknowledged: pushed again after the welcome; the recalled one never.
    await w2.until(() => w2.of('msg').length > 0);
    expect(w2.of('msg').map((m) => m.id)).toEqual([reply]);
    w2.send({ t: 'ack', id: reply });
    await expect.poll(async () => (await outbound(reply))!.state).toBe('delivered');
    expect((await message(reply))!.deliveryStatus).toBe('delivered');
    // The change log holds the status path: a replica pulling as it happens (one change
    // per page here) sees every step; one run that catches up at once gets the first and
    // the current version only (docs/sync.md §4).
    const statuses = (cs: Change[]) => cs.filter((c) => c.entity === 'message' && c.id === reply).map((c) => (c.data as { deliveryStatus: string }).deliveryStatus);
    const live = statuses(await agent.pullAll(0, 1));
    expect(live).toEqual(expect.arrayContaining(['queued', 'sending', 'sent', 'delivered']));
    expect(live.at(-1)).toBe('delivered');
    expect(statuses(await agent.pullAll(0))).toEqual(['queued', 'delivered']);
    // Acking someone else's message does nothing.
    const w3 = widget();
    await w3.hello();
    w3.send({ t: 'ack', id: reply });
    w3.send({ t: 'ping' });
    await w3.until(() => w3.of('pong').length > 0);
  });

  it('checks images by content and size, and binds them to the message', async () => {
    const w = widget();
    const welcome = await w.hello();
    const up = (body: Buffer, type = 'image/png', token = String(welcome.token)) => fetch(`${t.url}/widget/upload`, { method: 'POST', headers: { 'content-type': type, 'x-visitor-token': token }, body });
    const ok = await up(PNG);
    expect(ok.status).toBe(200);
    const { value } = (await ok.json()) as { value: { attachmentId: string; mime: string } };
    expect(value.mime).toBe('image/png');
    expect((await up(Buffer.from('GIF89a....'), 'image/gif')).status).toBe(415);
    expect((await up(PNG, 'image/jpeg')).status).toBe(415); // declared type lies
    expect((await up(Buffer.alloc(5000, 0xff))).status).toBe(413);
    expect((await up(PNG, 'image/png', 'wv-forged.token')).status).toBe(401);
    w.send({ t: 'msg', cid: 'img1', attachmentId: value.attachmentId });
    await w.until(() => w.of('ack').some((a) => a.cid === 'img1'));
    const m = (await message(String(w.of('ack').find((a) => a.cid === 'img1')!.id)))!;
    expect(m.contentType).toBe('image');
    expect(m.body).toContain(`/attachments/${value.attachmentId}`);
    // Someone else's attachment cannot be sent.
    const other = widget();
    await other.hello();
    other.send({ t: 'msg', cid: 'steal', attachmentId: value.attachmentId });
    await other.until(() => other.of('error').length > 0);
    expect(other.of('error')[0]).toMatchObject({ code: 'channel.bad_attachment', cid: 'steal' });
    // The agent fetches it with a Bearer token, within scope.
    await t.hub.store.write((tx) => tx.updateConversation(m.conversationId, { assigneeId: 'u-agent' }));
    const res = await fetch(`${t.url}/attachments/${value.attachmentId}`, { headers: { authorization: `Bearer ${agent.token}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    const nurse = await t.signIn('nurse');
    expect((await fetch(`${t.url}/attachments/${value.attachmentId}`, { headers: { authorization: `Bearer ${nurse.token}` } })).status).toBe(404);
  });

  it('typing both ways', async () => {
    const w = widget();
    await w.hello();
    const id = await w.say('t1', 'hello, anyone there?');
    const convId = (await message(id))!.conversationId;
    await t.hub.store.write((tx) => tx.updateConversation(convId, { assigneeId: 'u-agent' }));
    w.send({ t: 'typing' });
    await expect.poll(async () => ((await agent.req<{ conversationIds: string[] }>('GET', '/channels/webchat/typing')).body as { value: { conversationIds: string[] } }).value.conversationIds).toContain(convId);
    expect((await agent.req('POST', '/channels/webchat/typing', { conversationId: convId })).status).toBe(200);
    await w.until(() => w.of('typing').length > 0);
    expect((await agent.req('POST', '/channels/webchat/typing', { conversationId: 'v-nope' })).status).toBe(404);
  });

  it('bad frames get an error frame and the socket stays usable', async () => {
    const w = widget();
    await w.opened;
    w.send('{not json');
    w.send({ t: 'msg', cid: 'x', text: 'before hello' });
    w.send({ t: 'wat' });
    w.send({ t: 'msg', cid: 'bad id!', text: 'x' });
    await w.until(() => w.of('error').length >= 4);
    expect(w.of('error').map((e) => e.code)).toEqual(['channel.malformed', 'channel.unauthorized', 'channel.bad_payload', 'channel.bad_payload']);
    await w.hello();
    w.send({ t: 'msg', cid: 'long', text: 'x'.repeat(2001) });
    w.send({ t: 'msg', cid: 'empty', text: '   ' });
    await w.until(() => w.of('error').length >= 6);
    expect(w.of('error').slice(4).map((e) => e.code)).toEqual(['channel.too_large', 'channel.bad_payload']);
    expect(await w.say('fine', '现在可以了吗')).toMatch(/^m-/);
    expect((await fetch(`${t.url}/widget/ws`)).status).toBe(400);
  });
});

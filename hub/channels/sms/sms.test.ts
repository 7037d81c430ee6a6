import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, startHub, type TestClient, type TestHub } from '../../testing/harness';
import { StandIn, signedPost } from '../../testing/channels';

const SECRET = 'sms-webhook-secret';

describe('SMS channel: signed webhooks (JSON and form), opt-out, gateway with retries, delivery reports', () => {
  let t: TestHub;
  let gw: StandIn;
  let agent: TestClient;
  let answers: { status: number; json: unknown; headers?: Record<string, string> }[] = [];
  const inbound = (body: string, type = 'application/json', now = t.clock.now()) => signedPost(`${t.url}/channels/sms/inbound`, SECRET, body, type, { now });

  beforeAll(async () => {
    gw = new StandIn(() => answers.shift() ?? { status: 200, json: { messageId: `gw-${gw.requests.length}` } });
    await gw.start();
    t = await startHub({
      config: {
        channels: { sms: { enabled: true, webhookSecret: SECRET, teamId: 't-outpatient', gateway: { url: `${gw.url}/send`, apiKey: 'k-123' } }, outbound: { baseBackoffMs: 1000, maxAttempts: 3 } },
        routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } },
      },
    });
    agent = await t.signIn('agent');
  });
  afterAll(async () => {
    await t.close();
    await gw.close();
  });

  const conversationOf = async (phone: string) => {
    const ident = (await t.hub.store.read((r) => r.findIdentity('sms', phone)))!;
    const thread = (await t.hub.store.read((r) => r.threadsOfIdentity(ident.id)))[0]!;
    return { ident, convId: thread.conversationId };
  };

  it('takes JSON and form bodies, normalizes the number, de-duplicates by gateway id', async () => {
    const r1 = await inbound(JSON.stringify({ from: '13900001111', to: '10690000', text: '请问明天上午有号吗', messageId: 'g-1' }));
    expect(r1.status).toBe(200);
    const r2 = await inbound(new URLSearchParams({ mobile: '+86 139-0000-1111', content: '内科', msgid: 'g-2' }).toString(), 'application/x-www-form-urlencoded');
    expect(r2.status).toBe(200);
    const again = await inbound(JSON.stringify({ from: '13900001111', text: '请问明天上午有号吗', messageId: 'g-1' }));
    expect(again.json).toMatchObject({ ok: true, value: { accepted: [{ duplicate: true }] } });
    const { ident, convId } = await conversationOf('+8613900001111');
    expect(ident).toMatchObject({ verified: true, consent: 'granted' });
    const msgs = await t.hub.store.read((r) => r.messagesOf(convId));
    expect(msgs.map((m) => m.body)).toEqual(['请问明天上午有号吗', '内科']);
    expect((await t.hub.store.read((r) => r.getConversation(convId)))!).toMatchObject({ channel: 'sms', teamId: 't-outpatient', assigneeId: 'u-agent' });
  });

  it('sends through the gateway after the recall window with an idempotency key; 503 retried; DLR → delivered', async () => {
    const { convId } = await conversationOf('+8613900001111');
    answers = [{ status: 503, json: { error: 'busy' }, headers: { 'retry-after': '2' } }];
    const id = newId();
    await agent.mutate('message.send', { conversationId: convId, messageId: id, body: '明天上午 9 点有号。' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(await t.hub.store.read((r) => r.getOutbound(id))).toMatchObject({ state: 'waiting', attempts: 1, lastError: 'channel.sms_http_503' });
    t.clock.advance(1999);
    expect(await t.hub.channels.dispatcher.runOnce()).toBe(0); // Retry-After respected
    t.clock.advance(2);
    await t.hub.channels.dispatcher.runOnce();
    const sends = gw.requests.filter((r) => r.url === '/send');
    expect(sends).toHaveLength(2);
    expect(sends.map((r) => r.headers['idempotency-key'])).toEqual([id, id]);
    expect(sends[1]!.headers.authorization).toBe('Bearer k-123');
    expect(JSON.parse(sends[1]!.body)).toEqual({ to: '+8613900001111', text: '明天上午 9 点有号。', clientRef: id });
    const o = (await t.hub.store.read((r) => r.getOutbound(id)))!;
    expect(o).toMatchObject({ state: 'sent', attempts: 2 });
    const dlr = await signedPost(`${t.url}/channels/sms/status`, SECRET, JSON.stringify({ messageId: o.providerId, status: 'DELIVRD' }), 'application/json', { now: t.clock.now() });
    expect(dlr.status).toBe(200);
    expect((await t.hub.store.read((r) => r.getMessage(id)))!.deliveryStatus).toBe('delivered');
    // A permanent refusal by the gateway.
    answers = [{ status: 400, json: { code: 'BLACKLISTED' } }];
    const id2 = newId();
    await agent.mutate('message.send', { conversationId: convId, messageId: id2, body: '复诊提醒' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(await t.hub.store.read((r) => r.getMessage(id2))).toMatchObject({ deliveryStatus: 'failed', failureReason: 'channel.sms_rejected:BLACKLISTED' });
  });

  it('opt-out words (退订, TD, STOP, T) withdraw consent; sends are then refused with sync.consent_withdrawn', async () => {
    for (const [i, word] of ['退订', ' td ', 'Stop', 'T'].entries()) {
      const phone = `1370000000${i}`;
      await inbound(JSON.stringify({ from: phone, text: '您好', messageId: `p-${i}` }));
      const { convId } = await conversationOf(`+86${phone}`);
      await t.hub.store.write((tx) => tx.updateConversation(convId, { assigneeId: 'u-agent' }));
      // A reply queued before the opt-out is not sent after it.
      const before = newId();
      await agent.mutate('message.send', { conversationId: convId, messageId: before, body: '请问还有什么需要？' });
      await inbound(JSON.stringify({ from: phone, text: word, messageId: `o-${i}` }));
      const { ident } = await conversationOf(`+86${phone}`);
      expect(ident.consent, word).toBe('withdrawn');
      t.clock.advance(5001);
      await t.hub.channels.dispatcher.runOnce();
      expect(await t.hub.store.read((r) => r.getMessage(before))).toMatchObject({ deliveryStatus: 'failed', failureReason: 'sync.consent_withdrawn' });
      expect(await agent.mutate('message.send', { conversationId: convId, messageId: newId(), body: '好的' })).toMatchObject({ status: 'rejected', code: 'sync.consent_withdrawn' });
    }
    // "T" inside a sentence is not an opt-out.
    await inbound(JSON.stringify({ from: '13600000009', text: 'T 是什么意思', messageId: 'n-1' }));
    expect((await conversationOf('+8613600000009')).ident.consent).toBe('granted');
    // 订阅 opts back in.
    await inbound(JSON.stringify({ from: '13700000000', text: '订阅', messageId: 'in-again' }));
    expect((await conversationOf('+8613700000000')).ident.consent).toBe('granted');
  });

  it('refuses unsigned, forged, replayed, malformed and oversized requests', async () => {
    const body = JSON.stringify({ from: '13900001111', text: 'x', messageId: 'bad-1' });
    const unsigned = await fetch(`${t.url}/channels/sms/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('channel.bad_signature');
    expect((await signedPost(`${t.url}/channels/sms/inbound`, 'wrong-secret', body, 'application/json', { now: t.clock.now() })).status).toBe(401);
    expect((await inbound(body, 'application/json', t.clock.now() - 3_600_000)).status).toBe(409);
    expect((await inbound('{"from":', 'application/json')).json).toMatchObject({ error: { code: 'channel.malformed' } });
    expect((await inbound('x', 'text/plain')).status).toBe(415);
    expect((await inbound(JSON.stringify({ from: 'not-a-phone', text: 'x', messageId: 'bad-2' }))).json).toMatchObject({ error: { code: 'channel.bad_payload' } });
    expect((await inbound(JSON.stringify({ text: 'x' }))).status).toBe(422);
    expect((await inbound(JSON.stringify({ from: '13900001111', text: 'x'.repeat(300_000), messageId: 'big' }))).status).toBe(413);
    expect(await t.hub.store.read((r) => r.getInbound('sms', 'sms:bad-1'))).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandIn, signedPost } from '../../../hub/testing/channels';
import { rig, type Rig } from './support';

describe('SMS webhook → replica; reply via gateway; 退订 → refusal shown on the workstation', () => {
  let r: Rig;
  let gw: StandIn;
  beforeAll(async () => {
    gw = new StandIn(() => ({ json: { messageId: `gw-${gw.requests.length}` } }));
    await gw.start();
    r = await rig({ config: { channels: { sms: { enabled: true, webhookSecret: 'S', teamId: 't-outpatient', gateway: { url: `${gw.url}/sms` } } }, routing: { agents: { 'u-agent': { capacity: 50 } } } } });
  });
  afterAll(async () => {
    await r.close();
    await gw.close();
  });
  const sms = (body: Record<string, string>, form = false) =>
    signedPost(`${r.hub.url}/channels/sms/inbound`, 'S', form ? new URLSearchParams(body).toString() : JSON.stringify(body), form ? 'application/x-www-form-urlencoded' : 'application/json');

  it('delivers both ways, then honours the opt-out', async () => {
    expect((await sms({ mobile: '13912345678', content: '明天的胃镜需要空腹吗', msgid: 'g-1' }, true)).status).toBe(200);
    await expect.poll(() => r.q('SELECT conversation_id FROM messages WHERE body = ?', '明天的胃镜需要空腹吗'), { timeout: 10_000 }).toHaveLength(1);
    const convId = r.q<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE body = ?', '明天的胃镜需要空腹吗')[0]!.conversation_id;
    const reply = await r.client.messages.queueReply({ conversationId: convId, body: '需要空腹 8 小时。' });
    if (!reply.ok) throw new Error(reply.error.code);
    await r.settle();
    await expect.poll(() => gw.requests.length, { timeout: 15_000 }).toBe(1);
    expect(JSON.parse(gw.requests[0]!.body)).toEqual({ to: '+8613912345678', text: '需要空腹 8 小时。', clientRef: reply.value.id });
    await expect.poll(() => r.q<{ delivery_status: string }>('SELECT delivery_status FROM messages WHERE id = ?', reply.value.id)[0]?.delivery_status, { timeout: 10_000 }).toBe('sent');
    expect((await signedPost(`${r.hub.url}/channels/sms/status`, 'S', JSON.stringify({ messageId: 'gw-1', status: 'DELIVRD' }))).status).toBe(200);
    await expect.poll(() => r.q<{ delivery_status: string }>('SELECT delivery_status FROM messages WHERE id = ?', reply.value.id)[0]?.delivery_status, { timeout: 10_000 }).toBe('delivered');

    await sms({ from: '13912345678', text: '退订', messageId: 'g-2' });
    await expect.poll(() => r.q("SELECT consent FROM contact_identities WHERE channel = 'sms' AND external_id = '+8613912345678'"), { timeout: 10_000 }).toEqual([{ consent: 'withdrawn' }]);
    const refused = await r.client.messages.queueReply({ conversationId: convId, body: '好的，已为您退订。' });
    if (!refused.ok) throw new Error(refused.error.code);
    await r.settle();
    expect(r.q('SELECT delivery_status, failure_reason FROM messages WHERE id = ?', refused.value.id)).toEqual([{ delivery_status: 'rejected', failure_reason: 'sync.consent_withdrawn' }]);
    const rejected = await r.client.sync.rejected();
    expect(rejected).toMatchObject({ ok: true, value: { items: [{ kind: 'message.send', code: 'sync.consent_withdrawn' }] } });
    expect(gw.requests).toHaveLength(1);
  });
});

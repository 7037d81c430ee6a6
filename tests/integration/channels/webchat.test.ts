import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WidgetClient } from '../../../hub/testing/channels';
import { rig, type Rig } from './support';

describe('web chat → hub → agent replica → reply → widget (real sockets, real replica)', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig({ config: { channels: { webchat: { teamId: 't-outpatient' } }, routing: { agents: { 'u-agent': { capacity: 50 } } } } });
  });
  afterAll(() => r.close());

  it('a visitor writes; the online agent gets it assigned; the reply reaches the widget after the recall window and comes back delivered', async () => {
    const w = new WidgetClient(r.hub.url);
    await w.hello({ name: '陈先生' });
    const inId = await w.say('c-1', '请问周六上午有皮肤科门诊吗？');
    await expect.poll(() => r.q<{ body: string; conversation_id: string }>('SELECT body, conversation_id FROM messages WHERE id = ?', inId), { timeout: 10_000 }).toHaveLength(1);
    const [{ conversation_id: convId }] = r.q<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE id = ?', inId) as [{ conversation_id: string }];
    expect(r.q('SELECT channel, assignee_id, team_id FROM conversations WHERE id = ?', convId)).toEqual([{ channel: 'webchat', assignee_id: 'u-agent', team_id: 't-outpatient' }]);
    expect(r.q<{ display_name: string }>('SELECT c.display_name FROM contacts c JOIN conversations v ON v.contact_id = c.id WHERE v.id = ?', convId)[0]!.display_name).toBe('陈先生');

    const reply = await r.client.messages.queueReply({ conversationId: convId, body: '周六上午皮肤科有专家门诊，8:00 开始挂号。' });
    if (!reply.ok) throw new Error(reply.error.code);
    await r.settle();
    const sentAt = Date.now();
    await w.until(() => w.of('msg').some((m) => m.id === reply.value.id), 15_000);
    // Not before the 5-second recall window closed at the hub.
    const frame = w.of('msg').find((m) => m.id === reply.value.id)!;
    expect(frame.text).toBe('周六上午皮肤科有专家门诊，8:00 开始挂号。');
    expect(Date.now() - sentAt).toBeGreaterThan(3000);
    w.send({ t: 'ack', id: reply.value.id });
    await expect.poll(() => r.q<{ delivery_status: string }>('SELECT delivery_status FROM messages WHERE id = ?', reply.value.id)[0]?.delivery_status, { timeout: 10_000 }).toBe('delivered');
    await w.close();
  });

  it('a recalled reply never reaches the widget', async () => {
    const w = new WidgetClient(r.hub.url);
    await w.hello();
    const inId = await w.say('c-2', 'hello?');
    await expect.poll(() => r.q('SELECT id FROM messages WHERE id = ?', inId), { timeout: 10_000 }).toHaveLength(1);
    const convId = r.q<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE id = ?', inId)[0]!.conversation_id;
    const oops = await r.client.messages.queueReply({ conversationId: convId, body: '发错了的内容' });
    if (!oops.ok) throw new Error(oops.error.code);
    await r.settle();
    expect((await r.client.messages.recall({ id: oops.value.id })).ok).toBe(true);
    await r.settle();
    const good = await r.client.messages.queueReply({ conversationId: convId, body: 'Hello! How can we help?' });
    if (!good.ok) throw new Error(good.error.code);
    await r.settle();
    await w.until(() => w.of('msg').some((m) => m.id === good.value.id), 15_000);
    expect(w.of('msg').map((m) => m.id)).toEqual([good.value.id]);
    expect(await r.hub.store.read((x) => x.getOutbound(oops.value.id))).toMatchObject({ state: 'cancelled' });
    await w.close();
  });
});

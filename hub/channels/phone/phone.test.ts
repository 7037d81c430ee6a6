import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../../testing/harness';
import { signedPost } from '../../testing/channels';
import { callBody, isMissed } from './adapter';

const SECRET = 'pbx-secret';

describe('phone records from the PBX', () => {
  let t: TestHub;
  const event = (e: Record<string, unknown>, secret = SECRET) => signedPost(`${t.url}/channels/phone/events`, secret, JSON.stringify(e), 'application/json', { now: t.clock.now() });
  beforeAll(async () => {
    t = await startHub({ config: { channels: { phone: { enabled: true, webhookSecret: SECRET, teamId: 't-outpatient' }, sms: { enabled: true, webhookSecret: 'sms' } } } });
  });
  afterAll(() => t.close());

  it('formats call records', () => {
    const e = { callId: 'x', direction: 'inbound' as const, caller: '1', callee: '2', startedAt: 0, durationSeconds: 192, disposition: 'answered' as const, recordingUrl: 'https://pbx/rec/1.mp3', transcript: '患者询问复诊时间', agent: '8001' };
    expect(callBody(e)).toBe('来电 · 已接通 · 3分12秒 · 坐席 8001\n录音：https://pbx/rec/1.mp3\n转写：患者询问复诊时间');
    expect(isMissed({ direction: 'inbound', disposition: 'busy' })).toBe(true);
    expect(isMissed({ direction: 'outbound', disposition: 'no_answer' })).toBe(false);
  });

  it('an answered call of a known patient lands in their phone conversation as a call message', async () => {
    const r = await event({ callId: 'c-100', direction: 'inbound', caller: '13800000002', callee: '8001', startedAt: new Date(t.clock.now() - 60_000).toISOString(), durationSeconds: 95, disposition: 'answered', recordingUrl: 'https://pbx.example/rec/c-100.mp3', transcript: '想改约心内科复诊' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ok: true, value: { conversationId: 'v-li-call', callback: false } });
    const msgs = await t.hub.store.read((x) => x.messagesOf('v-li-call'));
    const call = msgs.at(-1)!;
    expect(call).toMatchObject({ contentType: 'call', direction: 'inbound' });
    expect(call.body).toContain('录音：https://pbx.example/rec/c-100.mp3');
    expect(call.body).toContain('转写：想改约心内科复诊');
    // The PBX retries: same callId, nothing new.
    const again = await event({ callId: 'c-100', direction: 'inbound', caller: '13800000002', callee: '8001', startedAt: 0, durationSeconds: 95, disposition: 'answered' });
    expect(again.json).toMatchObject({ value: { duplicate: true } });
    expect(await t.hub.store.read((x) => x.messagesOf('v-li-call'))).toHaveLength(msgs.length);
  });

  it('a missed call becomes a callback task: tag 回拨, priority high, reopened, waiting in the queue', async () => {
    await t.hub.store.write((tx) => tx.updateConversation('v-li-call', { status: 'resolved', assigneeId: null }));
    const r = await event({ callId: 'c-101', direction: 'inbound', caller: '+86 138 0000 0002', callee: '8001', startedAt: t.clock.now(), disposition: 'missed' });
    expect(r.json).toMatchObject({ value: { conversationId: 'v-li-call', callback: true } });
    const conv = (await t.hub.store.read((x) => x.getConversation('v-li-call')))!;
    expect(conv).toMatchObject({ status: 'open', priority: 'high' });
    expect(conv.tags).toContain('回拨');
    expect(await t.hub.store.read((x) => x.getRoutingState('v-li-call'))).toMatchObject({ assignedAt: null });
    // An unknown caller gets a new contact and a callback conversation.
    const u = await event({ callId: 'c-102', direction: 'inbound', caller: '13912345678', callee: '8001', startedAt: t.clock.now(), disposition: 'voicemail', recordingUrl: 'https://pbx.example/vm/102.wav' });
    const nc = (await t.hub.store.read((x) => x.getConversation((u.json!.value as { conversationId: string }).conversationId)))!;
    expect(nc).toMatchObject({ channel: 'phone', priority: 'high', tags: ['回拨'], teamId: 't-outpatient', assigneeId: null });
    expect((await t.hub.store.read((x) => x.getContact(nc.contactId)))!.displayName).toBe('139****5678');
  });

  it('an outbound call is an outbound record (no unread); the verified number links SMS to the same patient', async () => {
    const before = (await t.hub.store.read((x) => x.getConversation('v-li-call')))!;
    await event({ callId: 'c-103', direction: 'outbound', caller: '8001', callee: '13800000002', startedAt: t.clock.now(), durationSeconds: 40, disposition: 'answered', agent: '小林' });
    const after = (await t.hub.store.read((x) => x.getConversation('v-li-call')))!;
    expect(after.unreadCount).toBe(before.unreadCount);
    expect((await t.hub.store.read((x) => x.messagesOf('v-li-call'))).at(-1)).toMatchObject({ direction: 'outbound', contentType: 'call', deliveryStatus: 'sent', authorName: '小林' });
    const sms = await signedPost(`${t.url}/channels/sms/inbound`, 'sms', JSON.stringify({ from: '13800000002', text: '刚才是医院打来的吗', messageId: 's-1' }), 'application/json', { now: t.clock.now() });
    expect(sms.status).toBe(200);
    const ident = (await t.hub.store.read((x) => x.findIdentity('sms', '+8613800000002')))!;
    expect(ident.contactId).toBe('c-li');
    const audit = await t.hub.store.read((x) => x.auditPage(0, 10_000));
    expect(audit.some((a) => a.action === 'contact.link' && a.objectId === 'c-li')).toBe(true);
  });

  it('refuses bad events with the right status', async () => {
    expect((await event({ callId: 'x1', direction: 'sideways', caller: '1', callee: '2', startedAt: 0, disposition: 'answered' })).status).toBe(422);
    expect((await event({ callId: 'x2', direction: 'inbound', caller: 'anonymous', callee: '2', startedAt: 0, disposition: 'missed' })).status).toBe(422);
    expect((await event({ callId: 'x3', direction: 'inbound', caller: '13800000002', callee: '2', startedAt: 0, disposition: 'missed' }, 'forged')).status).toBe(401);
    expect(await t.hub.store.read((x) => x.getInbound('phone', 'call:x3'))).toBeNull();
  });
});

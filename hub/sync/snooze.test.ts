import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestInbound } from './ingest';
import { DEFAULT_SNOOZE_MS } from './mutations/conversation';
import { newId, startHub, type TestClient, type TestHub } from '../testing/harness';

describe('snooze: a snoozed conversation opens again by itself when its time comes', () => {
  let t: TestHub;
  let agent: TestClient;

  beforeAll(async () => {
    t = await startHub();
    [agent] = await t.signInAll(['agent']);
  });
  afterAll(() => t.close());

  const conversation = async (id: string) => (await t.hub.store.read((r) => r.getConversation(id)))!;

  it('stores the time with the status, opens it at that time (with an event every replica pulls and an audit record), not before', async () => {
    await agent.pullAll(0);
    const until = t.clock.now() + 30 * 60_000;
    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-zhang-appt', status: 'snoozed', snoozeUntil: until })).toMatchObject({ status: 'applied' });
    expect(await conversation('v-zhang-appt')).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    const pulled = await agent.pullAll();
    expect(pulled.filter((c) => c.entity === 'conversation').at(-1)!.data).toMatchObject({ status: 'snoozed', snoozedUntil: until });

    t.clock.advance(29 * 60_000);
    expect(await t.hub.snooze.tick()).toBe(0);
    expect((await conversation('v-zhang-appt')).status).toBe('snoozed');

    t.clock.advance(60_000);
    expect(await t.hub.snooze.tick()).toBe(1);
    expect(await conversation('v-zhang-appt')).toMatchObject({ status: 'open', snoozedUntil: null });
    // Half an hour on, the access token has expired: sign in again and pull on from the same cursor.
    const cursor = agent.cursor;
    [agent] = await t.signInAll(['agent']);
    const woke = (await agent.pullAll(cursor)).filter((c) => c.entity === 'conversation' && c.id === 'v-zhang-appt');
    expect(woke.at(-1)).toMatchObject({ data: { status: 'open', snoozedUntil: null }, prev: { status: 'snoozed', snoozedUntil: until } });
    const audit = (await t.hub.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'conversation.snoozeEnded');
    expect(audit).toEqual([expect.objectContaining({ objectId: 'v-zhang-appt', userId: null, outcome: 'ok' })]);
    expect((await t.hub.verifyAudit()).ok).toBe(true);
    // Nothing left to wake.
    expect(await t.hub.snooze.tick()).toBe(0);
  });

  it('without a time it snoozes for an hour; a patient message opens it early and clears the time; another status clears it too', async () => {
    [agent] = await t.signInAll(['agent']);
    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-li-call', status: 'snoozed' })).toMatchObject({ status: 'applied' });
    expect((await conversation('v-li-call')).snoozedUntil).toBe(t.clock.now() + DEFAULT_SNOOZE_MS);
    await t.hub.write((tx) => ingestInbound(tx, { conversationId: 'v-li-call', messageId: newId(), body: '医生，我又有点胸闷', authorName: null, at: t.clock.now() }, { at: t.clock.now() }));
    expect(await conversation('v-li-call')).toMatchObject({ status: 'open', snoozedUntil: null });

    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-li-call', status: 'snoozed', snoozeUntil: t.clock.now() + 1000 })).toMatchObject({ status: 'applied' });
    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-li-call', status: 'pending' })).toMatchObject({ status: 'applied' });
    expect(await conversation('v-li-call')).toMatchObject({ status: 'pending', snoozedUntil: null });
    t.clock.advance(5000);
    expect(await t.hub.snooze.tick()).toBe(0);
    expect((await conversation('v-li-call')).status).toBe('pending');
  });

  it('a hub that was down past the time opens it on start', async () => {
    [agent] = await t.signInAll(['agent']);
    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-zhao-fever', status: 'snoozed', snoozeUntil: t.clock.now() + 60_000 })).toMatchObject({ status: 'applied' });
    t.clock.advance(10 * 60_000);
    await t.restart();
    await expect.poll(async () => (await conversation('v-zhao-fever')).status).toBe('open');
  });
});

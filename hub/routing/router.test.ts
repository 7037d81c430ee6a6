import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestClient, type TestHub } from '../testing/harness';
import { WsProbe, wsUrl } from '../testing/ws-client';
import type { InboundEnvelope } from '../channels/types';

/** Routing wired into ingest: presence from live workstation sockets, capacity, urgency, overflow, bot handoff. */
describe('router integrated with channel ingest', () => {
  let t: TestHub;
  let agent: TestClient;
  let agent2: TestClient;
  let nurse: TestClient;
  const probes: WsProbe[] = [];
  let n = 0;
  const online = async (c: TestClient) => {
    const p = new WsProbe(wsUrl(t.url, c.token));
    probes.push(p);
    await p.until(() => p.of('hello').length > 0);
    return p;
  };
  const say = (visitor: string, text: string, extra: Partial<InboundEnvelope> = {}) =>
    t.hub.channels.runtime.accept({ channel: 'webchat', dedupeKey: `${visitor}:${++n}`, raw: text, at: t.clock.now(), from: { externalId: visitor, verified: false }, message: { body: text, contentType: 'text', authorName: null }, ...extra });
  const conv = (id: string) => t.hub.store.read((r) => r.getConversation(id));

  beforeAll(async () => {
    t = await startHub({
      config: {
        channels: { webchat: { teamId: 't-outpatient' } },
        routing: {
          tickMs: 60_000, // ticks are driven by hand below
          queues: [
            { id: 'q-out', teamId: 't-outpatient', channels: ['webchat'], overflowTo: 'q-chronic', overflowAfterSeconds: 60 },
            { id: 'q-chronic', teamId: 't-chronic' },
          ],
          agents: { 'u-agent': { capacity: 1, languages: ['zh-CN'] }, 'u-agent2': { capacity: 1, languages: ['en', 'zh-CN'] } },
        },
      },
    });
    [agent, agent2, nurse] = await t.signInAll(['agent', 'agent2', 'nurse'] as const);
    // Start from empty desks: the demo clinic's conversations are closed.
    await t.hub.store.write(async (tx) => {
      for (const id of ['v-zhang-appt', 'v-li-call', 'v-zhao-fever', 'v-zheng-optout', 'v-huang-en', 'v-liu-report', 'v-chen-glucose', 'v-wang-bp', 'v-wu-gdm', 'v-sun-inr', 'v-zhou-postop', 'v-he-insurance']) await tx.updateConversation(id, { status: 'resolved' });
    });
  });
  afterAll(async () => {
    for (const p of probes) p.close();
    await t.close();
  });

  it('nobody online: the conversation waits in the team queue; an agent comes online and gets it', async () => {
    const r = await say('wv-a', '你好，我想咨询体检套餐');
    expect(await conv(r.conversationId!)).toMatchObject({ teamId: 't-outpatient', assigneeId: null });
    await online(agent);
    await t.hub.channels.router.tick();
    expect((await conv(r.conversationId!))!.assigneeId).toBe('u-agent');
    expect(await t.hub.store.read((x) => x.getRoutingState(r.conversationId!))).toMatchObject({ queueId: 'q-out', assignedAt: t.clock.now() });
  });

  it('language skill and capacity: English goes to the agent who speaks it; full agents get nothing more', async () => {
    await online(agent2);
    const en = await say('wv-b', 'Hello, do you have an English-speaking doctor?');
    expect((await conv(en.conversationId!))!.assigneeId).toBe('u-agent2');
    // Both at capacity 1 now: the next one waits.
    const waits = await say('wv-c', '请问今天还能挂号吗');
    expect((await conv(waits.conversationId!))!.assigneeId).toBeNull();
    // An urgent one arrives later but jumps the line when a seat frees.
    t.clock.advance(1000);
    const urgent = await say('wv-d', '我父亲胸口痛，喘不上气', { priority: 'urgent' });
    expect((await conv(urgent.conversationId!))!.priority).toBe('urgent');
    await t.hub.store.write((tx) => tx.updateConversation(en.conversationId!, { status: 'resolved' }));
    await t.hub.channels.router.tick();
    expect((await conv(urgent.conversationId!))!.assigneeId).toBe('u-agent2');
    expect((await conv(waits.conversationId!))!.assigneeId).toBeNull();
  });

  it('overflow: after the wait threshold the conversation moves to the second queue’s team (scope follows)', async () => {
    const r = await say('wv-e', '请问报告什么时候出');
    expect((await conv(r.conversationId!))!.teamId).toBe('t-outpatient');
    t.clock.advance(61_000);
    await t.hub.channels.router.tick();
    const moved = (await conv(r.conversationId!))!;
    expect(moved.teamId).toBe('t-chronic');
    expect(await t.hub.store.read((x) => x.getRoutingState(r.conversationId!))).toMatchObject({ queueId: 'q-chronic' });
    // The nurse's replica now gets the whole conversation.
    const changes = await nurse.pullAll(0);
    expect(changes.some((c) => c.entity === 'message' && (c.data as { body: string }).body === '请问报告什么时候出')).toBe(true);
  });

  it('bot-to-human hooks raise and tag the conversation', async () => {
    const first = await say('wv-f', '药房几点关门');
    await say('wv-f', '药房几点关门？');
    await say('wv-f', '药房几点关门??');
    const c = (await conv(first.conversationId!))!;
    expect(c.tags).toContain('转人工');
    expect(c.priority).toBe('high');
    const angry = await say('wv-g', '你们太差劲了，我要投诉');
    expect((await conv(angry.conversationId!))!).toMatchObject({ priority: 'high', tags: ['转人工'] });
  });
});

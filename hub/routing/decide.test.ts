import { describe, expect, it } from 'vitest';
import { detectLanguage, eligibleAgents, orderWaiting, overflowTarget, pickAgent, planRound, selectQueue, type AgentState, type QueueDef, type WaitingItem } from './decide';

const queues: QueueDef[] = [
  { id: 'q-peds', teamId: 't-out', channels: ['wechat', 'webchat'], departments: ['pediatrics'], overflowTo: 'q-general', overflowAfterSeconds: 120 },
  { id: 'q-general', teamId: 't-out' },
  { id: 'q-devices', teamId: 't-chronic', channels: ['device'] },
];
const agent = (id: string, o: Partial<AgentState> = {}): AgentState => ({ id, role: 'agent', teamIds: ['t-out'], disabled: false, online: true, load: 0, capacity: 3, ...o });
const item = (id: string, o: Partial<WaitingItem> = {}): WaitingItem => ({ conversationId: id, queueId: 'q-general', priority: 'normal', enqueuedAt: 1000, language: 'zh-CN', department: null, channel: 'webchat', overflowed: false, ...o });

describe('routing decisions', () => {
  it('detects the language', () => {
    expect(detectLanguage('我想挂号')).toBe('zh-CN');
    expect(detectLanguage('Can I book an appointment?')).toBe('en');
    expect(detectLanguage('123', 'en')).toBe('en');
  });

  it('selects a queue by channel and department, with the team fallback', () => {
    expect(selectQueue(queues, { channel: 'wechat', language: 'zh-CN', department: 'pediatrics' }, 't-x').id).toBe('q-peds');
    expect(selectQueue(queues, { channel: 'sms', language: 'zh-CN', department: 'pediatrics' }, 't-x').id).toBe('q-general');
    expect(selectQueue(queues, { channel: 'device', language: 'zh-CN', department: null }, 't-x').id).toBe('q-general');
    expect(selectQueue([], { channel: 'email', language: 'en', department: null }, 't-x')).toEqual({ id: 'team:t-x', teamId: 't-x' });
  });

  it('eligibility: team, presence, capacity, language and department skills, role', () => {
    const agents = [
      agent('a-full', { load: 3 }),
      agent('a-offline', { online: false }),
      agent('a-en', { languages: ['en'] }),
      agent('a-peds', { departments: ['pediatrics'] }),
      agent('a-other-team', { teamIds: ['t-chronic'] }),
      agent('a-sup', { role: 'supervisor' }),
      agent('a-off', { disabled: true }),
      agent('a-any'),
    ];
    const ids = (req: { language: 'zh-CN' | 'en'; department: string | null }, online = true) => eligibleAgents(agents, queues[1]!, req, online).map((a) => a.id);
    expect(ids({ language: 'zh-CN', department: null })).toEqual(['a-peds', 'a-any']);
    expect(ids({ language: 'en', department: null })).toEqual(['a-en', 'a-peds', 'a-any']);
    expect(ids({ language: 'zh-CN', department: 'cardiology' })).toEqual(['a-any']);
    expect(ids({ language: 'zh-CN', department: null }, false)).toEqual(['a-offline', 'a-peds', 'a-any']);
  });

  it('least loaded by load/capacity; round robin after the cursor', () => {
    const a = [agent('a1', { load: 2, capacity: 4 }), agent('a2', { load: 1, capacity: 1 }), agent('a3', { load: 1, capacity: 5 })];
    expect(pickAgent(a, 'least_loaded', null)).toEqual({ agentId: 'a3', cursor: 'a3' });
    expect(pickAgent(a, 'round_robin', null)!.agentId).toBe('a1');
    expect(pickAgent(a, 'round_robin', 'a1')!.agentId).toBe('a2');
    expect(pickAgent(a, 'round_robin', 'a3')!.agentId).toBe('a1');
    expect(pickAgent([], 'least_loaded', null)).toBeNull();
  });

  it('urgent first, then first come first served', () => {
    const order = orderWaiting([item('late-normal', { enqueuedAt: 5 }), item('urgent', { priority: 'urgent', enqueuedAt: 9 }), item('early-normal', { enqueuedAt: 1 }), item('high', { priority: 'high', enqueuedAt: 8 }), item('low', { priority: 'low', enqueuedAt: 0 })]);
    expect(order.map((i) => i.conversationId)).toEqual(['urgent', 'high', 'early-normal', 'late-normal', 'low']);
  });

  it('overflow after the wait threshold, once', () => {
    expect(overflowTarget(item('x', { queueId: 'q-peds', enqueuedAt: 0 }), queues, 119_999)).toBeNull();
    expect(overflowTarget(item('x', { queueId: 'q-peds', enqueuedAt: 0 }), queues, 120_000)!.id).toBe('q-general');
    expect(overflowTarget(item('x', { queueId: 'q-peds', enqueuedAt: 0, overflowed: true }), queues, 999_999)).toBeNull();
    expect(overflowTarget(item('x', { queueId: 'q-general', enqueuedAt: 0 }), queues, 999_999)).toBeNull();
  });

  it('a round: urgent jumps the line when capacity is short; loads grow within the round; overflowed items are served by the new queue', () => {
    const plan = planRound(
      [item('n1', { enqueuedAt: 1 }), item('n2', { enqueuedAt: 2 }), item('u1', { priority: 'urgent', enqueuedAt: 3 }), item('p1', { queueId: 'q-peds', enqueuedAt: 0 })],
      [agent('a1', { capacity: 2, load: 1 }), agent('a2', { capacity: 1 })],
      queues,
      { strategy: 'least_loaded', requireOnline: true, cursors: {}, now: 200_000, fallbackTeamId: 't-out' },
    );
    expect(plan.overflows.map((o) => [o.conversationId, o.to.id])).toEqual([['p1', 'q-general']]);
    // 2 free seats: the urgent one first, then the oldest (the overflowed p1, enqueued at 0).
    expect(plan.assignments.map((a) => a.conversationId)).toEqual(['u1', 'p1']);
    expect(new Set(plan.assignments.map((a) => a.agentId))).toEqual(new Set(['a1', 'a2']));
  });
});

import { describe, expect, it } from 'vitest';
import { sampleConversations, type SampleCandidate } from './sampling';
import { fnv1a } from './hash';

const candidates: SampleCandidate[] = [
  ...Array.from({ length: 40 }, (_, i) => ({ conversationId: `a-${i}`, agentId: 'u-a' })),
  ...Array.from({ length: 7 }, (_, i) => ({ conversationId: `b-${i}`, agentId: 'u-b' })),
  { conversationId: 'c-0', agentId: 'u-c' },
];

describe('QA sampling', () => {
  it('takes ⌈percent × n⌉ per agent, at least one', () => {
    const s = sampleConversations(candidates, { percent: 10, seed: 'seed-1', period: '2025-W10' });
    expect(s.filter((id) => id.startsWith('a-'))).toHaveLength(4); // 10% of 40
    expect(s.filter((id) => id.startsWith('b-'))).toHaveLength(1); // ⌈0.7⌉
    expect(s.filter((id) => id.startsWith('c-'))).toEqual(['c-0']);
    expect(sampleConversations(candidates, { percent: 0, seed: 'x', period: 'p' })).toEqual([]);
  });

  it('is deterministic for a seed and period, whatever the input order', () => {
    const opts = { percent: 25, seed: 'seed-1', period: '2025-W10' };
    const one = sampleConversations(candidates, opts);
    const shuffled = [...candidates].sort((x, y) => fnv1a(x.conversationId) - fnv1a(y.conversationId));
    expect(sampleConversations(shuffled, opts)).toEqual(one);
    // Another period or seed draws another sample.
    expect(sampleConversations(candidates, { ...opts, period: '2025-W11' })).not.toEqual(one);
    expect(sampleConversations(candidates, { ...opts, seed: 'seed-2' })).not.toEqual(one);
  });

  it('keeps earlier picks when the period grows', () => {
    const opts = { percent: 10, seed: 's', period: 'p' };
    const before = sampleConversations(candidates.slice(0, 30), opts).filter((id) => id.startsWith('a-'));
    const after = sampleConversations(candidates, opts).filter((id) => id.startsWith('a-'));
    expect(after).toEqual(expect.arrayContaining(before));
  });

  it('spreads picks roughly uniformly', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ conversationId: `x-${i}`, agentId: 'u' }));
    const s = sampleConversations(many, { percent: 50, seed: 'k', period: 'p' });
    const low = s.filter((id) => Number(id.slice(2)) < 1000).length;
    expect(low).toBeGreaterThan(430);
    expect(low).toBeLessThan(570);
  });
});

import { describe, expect, it } from 'vitest';
import { applyFeedback, emptyFeedback, isRetired, reduceFeedback, retiredIds, usageCounts, type FeedbackEvent } from './feedback';

// Seeded PRNG (mulberry32) for property-style tests; fast-check is not on shared/'s allow-list.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const vote = (userId: string, at: number, useful = false, itemId = 'dm-hypo-mild'): FeedbackEvent => ({ type: 'vote', itemId, userId, useful, at });

describe('feedback loop', () => {
  it('retires an item after 3 different users mark it useless within 7 days', () => {
    const s = reduceFeedback([vote('u1', 0), vote('u2', 2 * DAY), vote('u3', 6 * DAY)]);
    expect(isRetired(s, 'dm-hypo-mild')).toBe(true);
    expect(s.reviewQueue).toEqual([{ itemId: 'dm-hypo-mild', since: 6 * DAY, uselessVotes: 3, usefulVotes: 0 }]);
    expect(s.items['dm-hypo-mild']).toBeDefined(); // retired, not deleted
  });
  it('does not retire when the votes are spread over more than 7 days', () => {
    expect(isRetired(reduceFeedback([vote('u1', 0), vote('u2', 4 * DAY), vote('u3', 9 * DAY)]), 'dm-hypo-mild')).toBe(false);
  });
  it('one user clicking useless repeatedly counts once; a changed vote counts as the latest', () => {
    expect(isRetired(reduceFeedback([vote('u1', 0), vote('u1', 1), vote('u1', 2)]), 'dm-hypo-mild')).toBe(false);
    expect(isRetired(reduceFeedback([vote('u1', 0), vote('u2', 1), vote('u2', 2, true), vote('u3', 3)]), 'dm-hypo-mild')).toBe(false);
  });
  it('threshold is configurable', () => {
    expect(isRetired(reduceFeedback([vote('u1', 0), vote('u2', 1)], { threshold: 2 }), 'dm-hypo-mild')).toBe(true);
  });
  it('a reviewer can restore; the count starts again', () => {
    let s = reduceFeedback([vote('u1', 0), vote('u2', 1), vote('u3', 2)]);
    s = applyFeedback(s, { type: 'restored', itemId: 'dm-hypo-mild', userId: 'lead', at: 3 });
    expect(isRetired(s, 'dm-hypo-mild')).toBe(false);
    expect(s.reviewQueue).toEqual([]);
    s = applyFeedback(s, vote('u4', 4));
    expect(isRetired(s, 'dm-hypo-mild')).toBe(false);
  });
  it('counts usage per item', () => {
    const s = reduceFeedback([
      { type: 'shown', itemId: 'a', at: 1 },
      { type: 'shown', itemId: 'a', at: 2 },
      { type: 'used', itemId: 'a', userId: 'u1', at: 3 },
      { type: 'shown', itemId: 'b', at: 4 },
      vote('u1', 5, true, 'a'),
    ]);
    expect(usageCounts(s)).toEqual([
      { itemId: 'a', shown: 2, used: 1, useful: 1, useless: 0 },
      { itemId: 'b', shown: 1, used: 0, useful: 0, useless: 0 },
    ]);
  });
  it('property: pure — folding never mutates earlier states, and order of replay is by time', () => {
    const r = rng(3);
    for (let run = 0; run < 200; run++) {
      const used = new Set<number>();
      const vs = Array.from({ length: Math.floor(r() * 30) }, () => ({ u: 'abcd'[Math.floor(r() * 4)]!, t: Math.floor(r() * 20 * DAY), ok: r() < 0.4 })).filter((v) => !used.has(v.t) && used.add(v.t));
      {
        const events = vs.map((v) => vote(v.u, v.t, v.ok));
        const s1 = reduceFeedback(events);
        const s2 = reduceFeedback([...events].reverse());
        const base = emptyFeedback();
        applyFeedback(base, vote('x', 0));
        expect(base).toEqual(emptyFeedback());
        expect(retiredIds(s1)).toEqual(retiredIds(s2));
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { aggregateUsage, DAY_MS, DEFAULT_RETIREMENT_RULE, judgeRetirement, type CardEvent, type CardEventKind } from './aggregate';

const T0 = Date.UTC(2025, 0, 15, 8);
const ev = (userId: string, kind: CardEventKind, at: number, conversationId: string | null = 'v1', itemId = 'dm-hypo-mild'): CardEvent => ({ itemId, kind, userId, conversationId, at });

describe('usage aggregation', () => {
  it('counts shown, inserted, copied and dismissed events, and only the latest vote per user and conversation', () => {
    const usage = aggregateUsage([
      ev('u1', 'shown', T0),
      ev('u1', 'shown', T0 + 1),
      ev('u2', 'shown', T0 + 2, 'v2'),
      ev('u1', 'inserted', T0 + 3),
      ev('u1', 'useless', T0 + 4),
      ev('u1', 'useful', T0 + 5), // corrects the mis-click in v1
      ev('u1', 'useless', T0 + 6, 'v2'), // another conversation: its own vote
      ev('u2', 'useless', T0 + 7, 'v2'),
      ev('u3', 'shown', T0 + 8, null, 'adm-pay-how'),
      ev('u3', 'copied', T0 + 9, 'v3', 'adm-pay-how'),
      ev('u3', 'dismissed', T0 + 10, 'v3', 'adm-pay-how'),
    ]);
    expect(usage).toEqual([
      { itemId: 'dm-hypo-mild', shown: 3, inserted: 1, copied: 0, dismissed: 0, useful: 1, useless: 2, uselessUsers: 2, lastAt: T0 + 7 },
      // A dismissal is not a vote: it neither counts as useless nor retires anything.
      { itemId: 'adm-pay-how', shown: 1, inserted: 0, copied: 1, dismissed: 1, useful: 0, useless: 0, uselessUsers: 0, lastAt: T0 + 10 },
    ]);
  });

  it('is empty without events', () => {
    expect(aggregateUsage([])).toEqual([]);
  });
});

describe('retirement rule (hub clock, 7-day window)', () => {
  const now = T0 + 10 * DAY_MS;

  it('retires when 3 different users marked the item useless within 7 days', () => {
    const v = judgeRetirement([ev('u1', 'useless', now - 6 * DAY_MS), ev('u2', 'useless', now - 3 * DAY_MS), ev('u3', 'useless', now)], now);
    expect(v).toMatchObject({ retire: true, reason: 'users', uselessUsers: 3, uselessMarks: 3, windowStart: now - 7 * DAY_MS });
  });

  it('retires when 5 useless marks were made within 7 days, even by fewer users', () => {
    const marks = ['v1', 'v2', 'v3', 'v4', 'v5'].map((c, i) => ev(i < 3 ? 'u1' : 'u2', 'useless', now - i * DAY_MS, c));
    expect(judgeRetirement(marks, now)).toMatchObject({ retire: true, reason: 'marks', uselessUsers: 2, uselessMarks: 5 });
    expect(judgeRetirement(marks.slice(0, 4), now)).toMatchObject({ retire: false, reason: null, uselessMarks: 4 });
  });

  it('the window is inclusive at exactly 7 days and excludes anything older', () => {
    const edge = [ev('u1', 'useless', now - 7 * DAY_MS), ev('u2', 'useless', now - DAY_MS), ev('u3', 'useless', now)];
    expect(judgeRetirement(edge, now).retire).toBe(true);
    const older = [ev('u1', 'useless', now - 7 * DAY_MS - 1), ev('u2', 'useless', now - DAY_MS), ev('u3', 'useless', now)];
    expect(judgeRetirement(older, now)).toMatchObject({ retire: false, uselessUsers: 2 });
    // The same marks judged a day later: the oldest has left the window.
    expect(judgeRetirement(edge, now + DAY_MS)).toMatchObject({ retire: false, uselessUsers: 2 });
  });

  it('repeated clicks by one user in one conversation count once; a later useful vote withdraws it', () => {
    const clicks = [ev('u1', 'useless', now - 3), ev('u1', 'useless', now - 2), ev('u1', 'useless', now - 1), ev('u2', 'useless', now - 1)];
    expect(judgeRetirement(clicks, now)).toMatchObject({ retire: false, uselessUsers: 2, uselessMarks: 2 });
    const withdrawn = [ev('u1', 'useless', now - 5), ev('u2', 'useless', now - 4), ev('u2', 'useful', now - 3), ev('u3', 'useless', now - 2)];
    expect(judgeRetirement(withdrawn, now)).toMatchObject({ retire: false, uselessUsers: 2, usefulMarks: 1 });
  });

  it('ignores shown/inserted events, votes in the future and votes before the last restore', () => {
    const events = [ev('u1', 'useless', now - 3), ev('u2', 'useless', now - 2), ev('u3', 'useless', now - 1), ev('u4', 'shown', now), ev('u4', 'inserted', now)];
    expect(judgeRetirement(events, now).retire).toBe(true);
    expect(judgeRetirement(events, now, DEFAULT_RETIREMENT_RULE, now - 2)).toMatchObject({ retire: false, uselessUsers: 1 });
    expect(judgeRetirement([...events.slice(0, 2), ev('u3', 'useless', now + 1)], now)).toMatchObject({ retire: false, uselessUsers: 2 });
  });

  it('thresholds and window are configurable', () => {
    const two = [ev('u1', 'useless', now - 2 * DAY_MS), ev('u2', 'useless', now)];
    expect(judgeRetirement(two, now, { windowMs: 7 * DAY_MS, minUsers: 2, minMarks: 99 })).toMatchObject({ retire: true, reason: 'users' });
    expect(judgeRetirement(two, now, { windowMs: DAY_MS, minUsers: 2, minMarks: 99 })).toMatchObject({ retire: false, uselessUsers: 1 });
  });
});

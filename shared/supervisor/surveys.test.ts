import { describe, expect, it } from 'vitest';
import { csatOf, DEFAULT_SURVEY_SETTINGS, npsOf, outOfQuietHours, planSurveys, surveyResultsBy, type Resolution, type SurveyRecordLike } from './surveys';
import { DAY_MS, HOUR_MS } from './periods';

/** 2025-03-10 10:00 in Beijing (UTC+8) = 02:00 UTC. */
const T0 = Date.UTC(2025, 2, 10, 2, 0);

describe('NPS and CSAT formulas', () => {
  it('NPS = % promoters (9–10) − % detractors (0–6)', () => {
    // 10 answers: promoters 10,10,9,9,9 (5) · passives 8,7 (2) · detractors 6,3,0 (3) → 50% − 30% = 20
    expect(npsOf([10, 10, 9, 9, 9, 8, 7, 6, 3, 0])).toEqual({ nps: 20, n: 10, promoters: 5, passives: 2, detractors: 3 });
    // 3 answers: 9, 7, 6 → 33.3% − 33.3% = 0
    expect(npsOf([9, 7, 6]).nps).toBe(0);
    // all detractors → −100; 7s and 8s only → 0; nobody → null
    expect(npsOf([0, 1, 6]).nps).toBe(-100);
    expect(npsOf([7, 8, 8]).nps).toBe(0);
    expect(npsOf([]).nps).toBeNull();
    // 2 promoters of 3 → 66.7
    expect(npsOf([9, 10, 8]).nps).toBe(66.7);
  });

  it('CSAT = share of 4–5 answers on the five-point scale', () => {
    // 5,4,4,3,2,1,5,5 → 5 satisfied of 8 = 62.5 %
    expect(csatOf([5, 4, 4, 3, 2, 1, 5, 5])).toEqual({ csat: 62.5, n: 8, satisfied: 5, mean: 3.6 });
    expect(csatOf([3, 3]).csat).toBe(0);
    expect(csatOf([]).csat).toBeNull();
    // Out-of-scale values are ignored, never counted as satisfied.
    expect(csatOf([6, 0, 5]).n).toBe(1);
  });

  it('groups results per agent, team and channel', () => {
    const rows = [
      { kind: 'csat' as const, score: 5, agentId: 'u-a', teamId: 't1', channel: 'wechat' as const },
      { kind: 'csat' as const, score: 2, agentId: 'u-a', teamId: 't1', channel: 'sms' as const },
      { kind: 'nps' as const, score: 10, agentId: 'u-b', teamId: 't1', channel: 'wechat' as const },
      { kind: 'nps' as const, score: null, agentId: 'u-b', teamId: 't1', channel: 'wechat' as const },
    ];
    const byAgent = surveyResultsBy(rows, 'agent');
    expect(byAgent.map((g) => [g.key, g.csat.csat, g.nps.nps])).toEqual([
      ['u-a', 50, null],
      ['u-b', null, 100],
    ]);
    expect(surveyResultsBy(rows, 'channel').map((g) => g.key)).toEqual(['sms', 'wechat']);
  });
});

describe('survey scheduler (fake clock)', () => {
  const res = (over: Partial<Resolution> = {}): Resolution => ({ conversationId: 'v1', contactId: 'c1', channel: 'wechat', resolvedAt: T0, stillResolved: true, agentId: 'u-a', teamId: 't1', consent: 'granted', ...over });

  it('sends CSAT at resolution and NPS 48 h later, each once', () => {
    const s = DEFAULT_SURVEY_SETTINGS;
    let plan = planSurveys(T0 + 60_000, [res()], [], s);
    expect(plan.send.map((p) => [p.kind, p.dueAt])).toEqual([['csat', T0]]);
    expect(plan.later.map((p) => [p.kind, p.dueAt])).toEqual([['nps', T0 + 48 * HOUR_MS]]);
    const sent: SurveyRecordLike[] = [{ kind: 'csat', conversationId: 'v1', contactId: 'c1', resolvedAt: T0, createdAt: T0 + 60_000, status: 'sent' }];
    // 47 h later: nothing new; 48 h later: the NPS.
    expect(planSurveys(T0 + 47 * HOUR_MS, [res()], sent, s).send).toEqual([]);
    plan = planSurveys(T0 + 48 * HOUR_MS, [res()], sent, s);
    expect(plan.send.map((p) => p.kind)).toEqual(['nps']);
    sent.push({ kind: 'nps', conversationId: 'v1', contactId: 'c1', resolvedAt: T0, createdAt: T0 + 48 * HOUR_MS, status: 'sent' });
    expect(planSurveys(T0 + 50 * HOUR_MS, [res()], sent, s).send).toEqual([]);
  });

  it('respects consent and per-channel switches', () => {
    const s = DEFAULT_SURVEY_SETTINGS;
    const plan = planSurveys(T0, [res({ conversationId: 'w', consent: 'withdrawn' }), res({ conversationId: 'u', consent: 'unknown' }), res({ conversationId: 'd', channel: 'device' }), res({ conversationId: 'e', channel: 'email' })], [], s);
    const reasons = Object.fromEntries(plan.skip.filter((p) => p.kind === 'csat').map((p) => [p.conversationId, p.reason]));
    expect(reasons).toEqual({ w: 'consent_withdrawn', u: 'consent_unknown', d: 'channel_off', e: 'channel_off' });
    // NPS is on for e-mail: planned for later, not skipped.
    expect(plan.later.map((p) => [p.kind, p.conversationId])).toEqual([['nps', 'e']]);
    const off = { ...s, csat: { ...s.csat, enabled: false } };
    expect(planSurveys(T0, [res()], [], off).skip.map((p) => [p.kind, p.reason])).toEqual([['csat', 'disabled']]);
  });

  it('waits out quiet hours (21:00–08:00 Beijing)', () => {
    const late = Date.UTC(2025, 2, 10, 14, 30); // 22:30 Beijing
    const next8 = Date.UTC(2025, 2, 11, 0, 0); // 08:00 next day
    expect(outOfQuietHours(late, DEFAULT_SURVEY_SETTINGS)).toBe(next8);
    expect(outOfQuietHours(Date.UTC(2025, 2, 10, 19, 0), DEFAULT_SURVEY_SETTINGS)).toBe(next8); // 03:00 → 08:00 same day
    expect(outOfQuietHours(T0, DEFAULT_SURVEY_SETTINGS)).toBe(T0);
    const plan = planSurveys(late + 60_000, [res({ resolvedAt: late })], [], DEFAULT_SURVEY_SETTINGS);
    expect(plan.send).toEqual([]);
    expect(plan.later.find((p) => p.kind === 'csat')?.dueAt).toBe(next8);
    expect(planSurveys(next8, [res({ resolvedAt: late })], [], DEFAULT_SURVEY_SETTINGS).send.map((p) => p.kind)).toEqual(['csat']);
  });

  it('gives up on stale surveys and keeps a 90-day NPS cooldown per patient', () => {
    const s = DEFAULT_SURVEY_SETTINGS;
    expect(planSurveys(T0 + 2 * DAY_MS, [res()], [], s).skip.map((p) => [p.kind, p.reason])).toEqual([['csat', 'too_late']]);
    const earlier: SurveyRecordLike[] = [{ kind: 'nps', conversationId: 'old', contactId: 'c1', resolvedAt: T0 - 40 * DAY_MS, createdAt: T0 - 38 * DAY_MS, status: 'answered' }];
    const plan = planSurveys(T0 + 48 * HOUR_MS, [res()], [...earlier, { kind: 'csat', conversationId: 'v1', contactId: 'c1', resolvedAt: T0, createdAt: T0, status: 'sent' }], s);
    expect(plan.skip.map((p) => [p.kind, p.reason])).toEqual([['nps', 'cooldown']]);
    // Two resolutions of the same patient due at once: only one NPS.
    const two = planSurveys(T0 + 48 * HOUR_MS + HOUR_MS, [res(), res({ conversationId: 'v2', resolvedAt: T0 + HOUR_MS })], [], { ...s, csat: { ...s.csat, enabled: false } });
    expect(two.send.map((p) => [p.kind, p.conversationId])).toEqual([['nps', 'v1']]);
    expect(two.skip.filter((p) => p.kind === 'nps').map((p) => [p.conversationId, p.reason])).toEqual([['v2', 'cooldown']]);
  });

  it('sends no NPS for a reopened conversation', () => {
    const plan = planSurveys(T0 + 49 * HOUR_MS, [res({ stillResolved: false })], [{ kind: 'csat', conversationId: 'v1', contactId: 'c1', resolvedAt: T0, createdAt: T0, status: 'sent' }], DEFAULT_SURVEY_SETTINGS);
    expect(plan).toEqual({ send: [], skip: [], later: [] });
  });
});

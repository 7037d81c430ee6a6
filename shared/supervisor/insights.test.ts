import { describe, expect, it } from 'vitest';
import type { ConvMessage } from './analysis';
import { sentimentDrill, sentimentTimeline, sentimentTrends, type ScoredConversation } from './sentiment';
import { detectSurges, keywordTide, type TideMessage } from './tide';
import { lifecycleSeries, lifecycleStage, silenceAlerts, type SilenceConversation } from './lifecycle';
import { topicsIn } from './topics';
import { DAY_MS, HOUR_MS, dayKey, weekKey, monthKey, lastPeriods, periodRange, startOfWeek } from './periods';
import { csvCell, toCsv } from './csv';
import { buildDashboard, type DashConversation } from './dashboard';

const NOW = Date.UTC(2025, 2, 12, 4, 0); // Wed 2025-03-12 12:00 Beijing
const MIN = 60_000;

describe('periods (Beijing time)', () => {
  it('keys days, ISO weeks and months in local time', () => {
    expect(dayKey(Date.UTC(2025, 2, 9, 16, 30))).toBe('2025-03-10'); // 00:30 Beijing on the 10th
    expect(weekKey(NOW)).toBe('2025-W11');
    expect(weekKey(Date.UTC(2024, 11, 30, 4))).toBe('2025-W01'); // ISO week-year
    expect(monthKey(NOW)).toBe('2025-03');
    expect(new Date(startOfWeek(NOW)).toISOString()).toBe('2025-03-09T16:00:00.000Z'); // Monday 00:00 Beijing
    expect(lastPeriods(NOW, 'week', 3).map((p) => p.key)).toEqual(['2025-W09', '2025-W10', '2025-W11']);
    expect(lastPeriods(NOW, 'month', 3).map((p) => p.key)).toEqual(['2025-01', '2025-02', '2025-03']);
  });

  it('turns period keys back into ranges', () => {
    expect(periodRange('2025-W11')).toEqual({ start: startOfWeek(NOW), end: startOfWeek(NOW) + 7 * DAY_MS, granularity: 'week' });
    expect(weekKey(periodRange('2025-W01')!.start)).toBe('2025-W01');
    expect(new Date(periodRange('2025-W01')!.start).toISOString()).toBe('2024-12-29T16:00:00.000Z'); // Mon 30 Dec 2024, Beijing
    expect(periodRange('2025-03')).toMatchObject({ start: Date.UTC(2025, 1, 28, 16), end: Date.UTC(2025, 2, 31, 16) });
    expect(periodRange('2025-03-10')).toMatchObject({ start: Date.UTC(2025, 2, 9, 16), granularity: 'day' });
    expect(periodRange('2025-W54')).toBeNull();
    expect(periodRange('2025-02-30')).toBeNull();
    expect(periodRange('nonsense')).toBeNull();
  });
});

describe('sentiment timeline and trends', () => {
  const m = (id: string, direction: 'inbound' | 'outbound', minute: number, body: string, extra: Partial<ConvMessage> = {}): ConvMessage => ({
    id,
    direction,
    authorId: direction === 'outbound' ? 'u-a' : null,
    authorName: direction === 'outbound' ? '护士 陈静' : '王秀英',
    body,
    contentType: 'text',
    createdAt: NOW + minute * MIN,
    recalledAt: null,
    ...extra,
  });

  it('plots patient messages with reply, transfer, red-flag and device markers', () => {
    const tl = sentimentTimeline(
      {
        id: 'v1',
        channel: 'device',
        status: 'open',
        priority: 'urgent',
        assigneeId: 'u-a',
        teamId: 't1',
        createdAt: NOW,
        messages: [
          m('a', 'inbound', 0, '设备告警：血糖 2.8 mmol/L'),
          m('b', 'inbound', 1, '手抖出冷汗，太难受了，好害怕！！'),
          m('c', 'outbound', 3, '请马上吃15克糖，15分钟后复测，如意识不清立即拨打120。'),
          m('d', 'inbound', 20, '吃了糖好多了，谢谢你们！'),
        ],
        transfers: [{ at: NOW + 10 * MIN, from: 'u-b', to: 'u-a' }],
      },
      { now: NOW, readings: [{ kind: 'glucose', value: 2.8, value2: null, unit: 'mmol/L', measuredAt: NOW - 5 * MIN }, { kind: 'glucose', value: 6, value2: null, unit: 'mmol/L', measuredAt: NOW + 30 * MIN }], thresholds: { glucose: { low: 3.9, high: 13.9 } } },
    );
    expect(tl.points.map((p) => p.messageId)).toEqual(['b', 'd']); // the device alert is a marker, not a sentiment point
    expect(tl.points[0]!.level).toBeLessThan(0);
    expect(tl.points[1]!.level).toBeGreaterThan(0);
    const kinds = tl.markers.map((k) => `${k.kind}:${k.messageId ?? '-'}`);
    // The alert's own reading (2.8 mmol/L) is also a red flag for the engine.
    expect(kinds).toEqual(['device_alert:-', 'device_alert:a', 'red_flag:a', 'reply:c', 'transfer:-']);
    expect(tl.summary).toMatchObject({ count: 2, first: tl.points[0]!.level, last: tl.points[1]!.level });
  });

  it('aggregates per team and agent with distribution, and drills down', () => {
    const items: ScoredConversation[] = [
      { conversationId: 'v1', contactName: 'A', teamId: 't1', agentId: 'u-a', levels: [{ at: NOW - DAY_MS, level: -2 }, { at: NOW - DAY_MS + MIN, level: 0 }] },
      { conversationId: 'v2', contactName: 'B', teamId: 't1', agentId: 'u-b', levels: [{ at: NOW, level: 1 }] },
      { conversationId: 'v3', contactName: 'C', teamId: 't2', agentId: 'u-b', levels: [{ at: NOW - 8 * DAY_MS, level: 2 }] },
    ];
    const byTeam = sentimentTrends(items, { now: NOW, granularity: 'day', periods: 3, groupBy: 'team' });
    expect(byTeam.periods).toEqual(['2025-03-10', '2025-03-11', '2025-03-12']);
    const t1 = byTeam.groups.find((g) => g.id === 't1')!;
    expect(t1.rows.map((r) => [r.n, r.mean])).toEqual([[0, null], [2, -1], [1, 1]]);
    expect(t1.rows[1]!.dist).toEqual([1, 0, 1, 0, 0]);
    expect(byTeam.groups.find((g) => g.id === 't2')!.total).toBe(0); // outside the window
    const weekly = sentimentTrends(items, { now: NOW, granularity: 'week', periods: 2, groupBy: 'agent' });
    expect(weekly.groups.find((g) => g.id === 'u-b')!.rows.map((r) => r.n)).toEqual([1, 1]);
    expect(sentimentDrill(items, { groupBy: 'team', groupId: 't1', period: '2025-03-11', granularity: 'day' })).toEqual([{ conversationId: 'v1', contactName: 'A', n: 2, mean: -1, min: -2 }]);
    expect(sentimentDrill(items, { groupBy: 'team', groupId: 't1', period: '2025-03-11', granularity: 'day', level: 1 })).toEqual([]);
  });
});

describe('keyword tide and surges', () => {
  it('finds affirmed topics, not negated ones', () => {
    expect(topicsIn('这两天一直头晕，还有点恶心')).toEqual(expect.arrayContaining(['dizziness', 'nausea']));
    expect(topicsIn('没有头晕')).not.toContain('dizziness');
    expect(topicsIn('请问怎么挂号')).toContain('intent_registration');
  });

  // Four quiet weeks with one 头晕 conversation each, then five in the last seven days.
  const msgs: TideMessage[] = [
    ...[1, 2, 3, 4].map((w) => ({ conversationId: `old-${w}`, at: NOW - w * 7 * DAY_MS - DAY_MS, body: '最近有点头晕' })),
    ...[0, 1, 2, 3, 4].map((i) => ({ conversationId: `new-${i}`, at: NOW - i * DAY_MS - HOUR_MS, body: '头晕得厉害，站起来眼前发黑' })),
    { conversationId: 'new-0', at: NOW - HOUR_MS + 1, body: '还是头晕' }, // same conversation: counted once
    ...[1, 2, 3, 4, 5].map((w) => ({ conversationId: `reg-${w}`, at: NOW - w * 6 * DAY_MS, body: '请问怎么挂号' })),
  ];

  it('counts conversations per week and marks rising symptoms', () => {
    const tide = keywordTide(msgs, { now: NOW, granularity: 'week', periods: 6 });
    const dizzy = tide.terms.find((t) => t.id === 'dizziness')!;
    expect(dizzy.label['zh-CN']).toBe('头晕');
    expect(dizzy.recent).toBe(5);
    expect(dizzy.usual).toBe(1);
    expect(dizzy.rising).toBe(true);
    expect(dizzy.total).toBe(9);
    expect(tide.terms[0]!.id).toBe('dizziness'); // rising first
    const reg = tide.terms.find((t) => t.id === 'intent_registration')!;
    expect(reg.rising).toBe(false);
    const monthly = keywordTide(msgs, { now: NOW, granularity: 'month', periods: 3 });
    expect(monthly.periods).toEqual(['2025-01', '2025-02', '2025-03']);
  });

  it('detects a topic at twice its usual daily level', () => {
    const day = (d: number, ids: string[], body: string) => ids.map((id) => ({ conversationId: id, at: NOW - d * DAY_MS - HOUR_MS, body }));
    const base = [1, 2, 3, 4, 5, 6, 7].flatMap((d) => day(d, [`f${d}a`, `f${d}b`, `f${d}c`], '孩子发烧了'));
    // usual fever: 3/day; today 6 → ratio 2 → surge. Dizziness today 4 (usual 0 → floor 1): 4×, but below minCount 5.
    const surges = detectSurges([...base, ...day(0, ['t1', 't2', 't3', 't4', 't5', 't6'], '发烧39度'), ...day(0, ['d1', 'd2', 'd3', 'd4'], '头晕')], { now: NOW });
    expect(surges.map((s) => [s.topicId, s.current, s.usual, s.ratio])).toEqual([['fever', 6, 3, 2]]);
    // 5 of a usual 3 is not twice the level.
    expect(detectSurges([...base, ...day(0, ['t1', 't2', 't3', 't4', 't5'], '发烧')], { now: NOW })).toEqual([]);
    // A smaller minimum for a small clinic.
    expect(detectSurges([...day(0, ['d1', 'd2', 'd3'], '头晕')], { now: NOW, minCount: 3 }).map((s) => s.topicId)).toEqual(['dizziness']);
  });
});

describe('silence and lifecycle', () => {
  const c = (id: string, over: Partial<SilenceConversation>): SilenceConversation => ({ conversationId: id, contactId: `c-${id}`, contactName: id, channel: 'webchat', status: 'open', assigneeId: null, createdAt: NOW - 10 * DAY_MS, messages: [], ...over });

  it('alerts on patients who opened a chat and never wrote, or went quiet after our reply, for 3 days', () => {
    const alerts = silenceAlerts(
      [
        c('opened-4d', { createdAt: NOW - 4 * DAY_MS }),
        c('opened-2d', { createdAt: NOW - 2 * DAY_MS }),
        c('quiet', { messages: [{ direction: 'inbound', createdAt: NOW - 5 * DAY_MS, body: '好的', recalledAt: null }, { direction: 'outbound', createdAt: NOW - 3 * DAY_MS - 1, body: '请问今天血压多少？', recalledAt: null }] }),
        c('answered', { messages: [{ direction: 'outbound', createdAt: NOW - 5 * DAY_MS, body: '请问', recalledAt: null }, { direction: 'inbound', createdAt: NOW - 4 * DAY_MS, body: '130/80', recalledAt: null }] }),
        c('resolved', { status: 'resolved', createdAt: NOW - 9 * DAY_MS }),
        c('snoozed', { status: 'snoozed', createdAt: NOW - 9 * DAY_MS }),
      ],
      { now: NOW },
    );
    expect(alerts.map((a) => [a.conversationId, a.kind, a.days])).toEqual([
      ['opened-4d', 'never_wrote', 4],
      ['quiet', 'went_quiet', 3],
    ]);
  });

  it('classifies the lifecycle and counts it per week', () => {
    const p = (contactId: string, createdAt: number, messages: [number, string][]) => ({ contactId, createdAt, messages: messages.map(([at, conversationId]) => ({ at, conversationId })) });
    const reg = p('reg', NOW - 20 * DAY_MS, []);
    const first = p('first', NOW - 20 * DAY_MS, [[NOW - 2 * DAY_MS, 'v1']]);
    const repeat = p('repeat', NOW - 60 * DAY_MS, [[NOW - 20 * DAY_MS, 'v1'], [NOW - 5 * DAY_MS, 'v2']]);
    const silent = p('silent', NOW - 90 * DAY_MS, [[NOW - 40 * DAY_MS, 'v1']]);
    const back = p('back', NOW - 120 * DAY_MS, [[NOW - 80 * DAY_MS, 'v1'], [NOW - DAY_MS, 'v2']]);
    expect([reg, first, repeat, silent, back].map((x) => lifecycleStage(x, NOW))).toEqual(['registered', 'first_contact', 'repeat', 'silent', 'returned']);
    expect(lifecycleStage(back, NOW - 10 * DAY_MS)).toBe('silent'); // before coming back
    expect(lifecycleStage(first, NOW - 30 * DAY_MS)).toBeNull(); // not yet registered
    const s = lifecycleSeries([reg, first, repeat, silent, back], { now: NOW, weeks: 4 });
    expect(s.current).toEqual({ registered: 1, first_contact: 1, repeat: 1, silent: 1, returned: 1 });
    // 'silent' went quiet 40 days ago: only counted once 30 days had passed (from the second week on).
    expect(s.series.silent).toEqual([1, 2, 2, 1]);
    expect(s.series.registered[0]).toBe(2); // 3 weeks ago: reg and first had not written yet
  });
});

describe('CSV for Excel', () => {
  it('quotes, doubles quotes, guards formulas and starts with a BOM', () => {
    expect(csvCell('普通')).toBe('普通');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('他说"好"')).toBe('"他说""好"""');
    expect(csvCell('第一行\n第二行')).toBe('"第一行\n第二行"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(null)).toBe('');
    const out = toCsv(['评分', 'comment'], [[92, '共情, 到位'], [null, '']]);
    expect(out.charCodeAt(0)).toBe(0xfeff);
    expect(out.slice(1)).toBe('评分,comment\r\n92,"共情, 到位"\r\n,\r\n');
  });
});

describe('live dashboard', () => {
  const conv = (id: string, over: Partial<DashConversation>): DashConversation => ({ id, teamId: 't1', assigneeId: null, status: 'open', priority: 'normal', channel: 'webchat', waitingSince: null, botHandled: false, humanAfterBot: false, lastMessageAt: NOW, ...over });
  const users = [
    { id: 'u-a', displayName: '客服 小林', role: 'agent', teamIds: ['t1'], disabled: false },
    { id: 'u-b', displayName: '客服 小周', role: 'agent', teamIds: ['t1'], disabled: false },
    { id: 'u-c', displayName: '护士 陈静', role: 'nurse', teamIds: ['t2'], disabled: false },
    { id: 'u-s', displayName: '护士长', role: 'supervisor', teamIds: ['t1', 't2'], disabled: false },
  ];
  const teams = [
    { id: 't1', name: '门诊服务组' },
    { id: 't2', name: '慢病管理组' },
  ];

  it('counts waiting, longest wait, SLA breaches, presence and overflow', () => {
    const d = buildDashboard({
      now: NOW,
      teams,
      users,
      conversations: [
        conv('w1', { waitingSince: NOW - 40 * MIN }), // normal, 30 min SLA → breach
        conv('w2', { waitingSince: NOW - 3 * MIN, priority: 'urgent' }),
        conv('w3', { waitingSince: NOW - 10 * MIN, priority: 'urgent', assigneeId: 'u-a' }), // breach (5 min)
        conv('r', { status: 'resolved', waitingSince: null }),
        ...Array.from({ length: 5 }, (_, i) => conv(`load${i}`, { assigneeId: 'u-a' })),
        conv('t2w', { teamId: 't2', waitingSince: NOW - MIN }),
      ],
      connected: [{ userId: 'u-a' }, { userId: 'u-b' }, { userId: 'u-s' }],
      lastActivity: { 'u-a': NOW - MIN, 'u-b': NOW - 20 * MIN },
      surges: [],
    });
    const q1 = d.queues.find((q) => q.teamId === 't1')!;
    expect(q1).toMatchObject({ waiting: 3, unassigned: 2, longestWaitMs: 40 * MIN, slaBreaches: 2, agentsOnline: 1, freeCapacity: 0, overflow: 'overflow' });
    expect(Object.fromEntries(d.agents.map((a) => [a.id, [a.state, a.load]]))).toEqual({ 'u-a': ['busy', 6], 'u-b': ['away', 0], 'u-c': ['offline', 0] });
    expect(d.queues.find((q) => q.teamId === 't2')!.overflow).toBe('overflow'); // nobody online
    expect(d.totals).toMatchObject({ busy: 1, away: 1, offline: 1, waiting: 4, slaBreaches: 2 });
    expect(d.bot).toEqual({ handled: 0, transferred: 0, rate: null });
  });

  it('reports the bot-to-human rate only when a bot answered, and unknown presence honestly', () => {
    const d = buildDashboard({ now: NOW, teams, users, conversations: [conv('b1', { botHandled: true, humanAfterBot: true }), conv('b2', { botHandled: true }), conv('b3', { botHandled: true }), conv('b4', { botHandled: true, humanAfterBot: true })], connected: null, lastActivity: {}, surges: [] });
    expect(d.bot).toEqual({ handled: 4, transferred: 2, rate: 50 });
    expect(d.presenceAvailable).toBe(false);
    expect(d.agents.every((a) => a.state === 'unknown')).toBe(true);
  });
});

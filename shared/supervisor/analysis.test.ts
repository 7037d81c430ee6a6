import { describe, expect, it } from 'vitest';
import { agentOf, analyseConversation, conversationTimings, suggestionFor, type ConvInput, type ConvMessage } from './analysis';
import { DEFAULT_QA_FORM, questionsOf } from './forms';

const MIN = 60_000;
const T = Date.UTC(2025, 2, 10, 2, 0);
let n = 0;
const msg = (direction: 'inbound' | 'outbound', minute: number, body: string, extra: Partial<ConvMessage> = {}): ConvMessage => ({
  id: `m${n++}`,
  direction,
  authorId: direction === 'outbound' ? 'u-agent' : null,
  authorName: direction === 'outbound' ? '客服 小林' : '患者',
  body,
  contentType: 'text',
  createdAt: T + minute * MIN,
  recalledAt: null,
  ...extra,
});
const conv = (messages: ConvMessage[], over: Partial<ConvInput> = {}): ConvInput => ({
  id: 'v1',
  channel: 'wechat',
  status: 'resolved',
  priority: 'normal',
  assigneeId: 'u-agent',
  teamId: 't1',
  createdAt: T,
  messages,
  identity: { verified: true, consent: 'granted', consentUpdatedAt: null },
  ...over,
});
const pre = (a: ReturnType<typeof analyseConversation>, key: string) => a.prescore.find((p) => p.key === key)!;

describe('conversation analysis', () => {
  it('measures first response and later waits', () => {
    const t = conversationTimings(conv([msg('inbound', 0, '你好'), msg('inbound', 2, '在吗'), msg('outbound', 12, '您好'), msg('inbound', 20, '谢谢'), msg('outbound', 50, '不客气')], { status: 'open' }));
    expect(t.firstResponseMs).toBe(12 * MIN);
    expect(t.gapsMs).toEqual([12 * MIN, 30 * MIN]);
    expect(t.medianGapMs).toBe(21 * MIN);
    expect(t.waitingSince).toBeNull();
    const waiting = conversationTimings(conv([msg('inbound', 0, '你好'), msg('outbound', 5, '您好'), msg('inbound', 7, '还有个问题')], { status: 'open' }));
    expect(waiting.waitingSince).toBe(T + 7 * MIN);
  });

  it('flags a red flag answered without the emergency script, and scores it 0', () => {
    const a = analyseConversation(conv([msg('inbound', 0, '我胸口疼得厉害，喘不上气'), msg('outbound', 3, '您好，建议您多休息，观察一下')]), { now: T + 60 * MIN });
    expect(a.redFlagIds.length).toBeGreaterThan(0);
    expect(a.flags.map((f) => f.kind)).toContain('red_flag');
    expect(pre(a, 'redflag_script')).toMatchObject({ value: 0, confidence: 'high', evidence: { code: 'red_flag_script_missing' } });
    const ok = analyseConversation(conv([msg('inbound', 0, '我胸口疼得厉害，喘不上气'), msg('outbound', 1, '请立即拨打120或前往最近的急诊，我们已通知值班医生。')]), { now: T + 60 * MIN });
    expect(pre(ok, 'redflag_script')).toMatchObject({ value: 1, evidence: { code: 'red_flag_script_used' } });
    const none = analyseConversation(conv([msg('inbound', 0, '请问报告什么时候出？'), msg('outbound', 1, '您好，明天下午可在公众号查询。')]), { now: T });
    expect(pre(none, 'redflag_script').value).toBe('na');
    expect(none.flags).toEqual([]);
  });

  it('flags compliance hits in staff replies and scores accuracy and minimum necessary', () => {
    const a = analyseConversation(conv([msg('inbound', 0, '血糖一直高怎么办'), msg('outbound', 2, '你这是糖尿病，二甲双胍每天吃3片吧。')]), { now: T });
    expect(a.flags.map((f) => f.kind)).toContain('compliance');
    expect(a.complianceRules).toEqual(expect.arrayContaining(['diagnosis']));
    expect(pre(a, 'accuracy')).toMatchObject({ value: 0, confidence: 'high' });
    const pii = analyseConversation(conv([msg('inbound', 0, '我女儿的电话是多少？'), msg('outbound', 2, '您好，您家属登记的手机是13912345678。')]), { now: T });
    expect(pii.complianceRules).toContain('foreign_identifier');
    expect(pre(pii, 'minimum_necessary').value).toBe(0);
    // The patient's own number is fine.
    const own = analyseConversation(conv([msg('inbound', 0, '我的手机号登记对吗'), msg('outbound', 2, '您好，登记的是13912345678。')], { patient: { phones: ['13912345678'] } }), { now: T });
    expect(pre(own, 'minimum_necessary').value).toBe(1);
  });

  it('flags strongly negative sentiment, long waits and recalls', () => {
    const a = analyseConversation(
      conv(
        [
          msg('inbound', 0, '等了一个小时都没人理，太差劲了！！！非常生气'),
          msg('outbound', 50, '抱歉让您久等了', { recalledAt: T + 50 * MIN + 2000 }),
          msg('outbound', 52, '非常抱歉让您久等，我们理解您的心情，马上为您处理。'),
        ],
        { priority: 'high' },
      ),
      { now: T + 60 * MIN },
    );
    expect(a.flags.map((f) => f.kind).sort()).toEqual(['long_wait', 'negative_sentiment', 'recall']);
    expect(a.sentiment.min).toBe(-2);
    expect(pre(a, 'first_response')).toMatchObject({ value: 0, evidence: { params: { minutes: 52, sla: 15 } } });
    expect(pre(a, 'empathy')).toMatchObject({ value: 2, confidence: 'low' });
  });

  it('checks consent: nothing sent after an opt-out beyond its confirmation', () => {
    const optOut = T;
    const ok = analyseConversation(conv([msg('inbound', 0, '退订'), msg('outbound', 1, '已为您退订随访短信。')], { identity: { verified: true, consent: 'withdrawn', consentUpdatedAt: optOut } }), { now: T });
    expect(pre(ok, 'consent_respected').value).toBe(1);
    const bad = analyseConversation(conv([msg('inbound', 0, '退订'), msg('outbound', 1, '已退订'), msg('outbound', 60 * 24, '提醒您明天复诊')], { identity: { verified: true, consent: 'withdrawn', consentUpdatedAt: optOut } }), { now: T });
    expect(pre(bad, 'consent_respected')).toMatchObject({ value: 0, evidence: { params: { count: 1 } } });
    const unverified = analyseConversation(conv([msg('inbound', 0, '你好')], { identity: { verified: false, consent: 'granted', consentUpdatedAt: null } }), { now: T });
    expect(pre(unverified, 'identity_verified')).toMatchObject({ value: 0, confidence: 'low' });
  });

  it('maps suggestions onto the form question scale', () => {
    const qs = new Map(questionsOf(DEFAULT_QA_FORM).map((q) => [q.id, q]));
    const p = [
      { key: 'empathy' as const, value: 1, max: 2, confidence: 'low' as const, evidence: { code: 'x', params: {} } },
      { key: 'redflag_script' as const, value: 'na' as const, max: 1, confidence: 'high' as const, evidence: { code: 'x', params: {} } },
    ];
    expect(suggestionFor(qs.get('empathy')!, p)).toBe(1);
    expect(suggestionFor({ ...qs.get('empathy')!, max: 4 }, p)).toBe(2);
    expect(suggestionFor(qs.get('redflag')!, p)).toBe('na');
    expect(suggestionFor(qs.get('identity')!, p)).toBeNull();
  });

  it('scores for the assignee, else the most frequent replier', () => {
    expect(agentOf({ assigneeId: 'u-x', messages: [] })).toBe('u-x');
    expect(agentOf({ assigneeId: null, messages: [msg('outbound', 0, 'a', { authorId: 'u-b' }), msg('outbound', 1, 'b', { authorId: 'u-c' }), msg('outbound', 2, 'c', { authorId: 'u-c' })] })).toBe('u-c');
  });
});

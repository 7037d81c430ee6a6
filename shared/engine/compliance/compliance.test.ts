import { describe, expect, it } from 'vitest';
import { applyRewrites, lintDraft } from './lint';

const rules = (draft: string, role: 'agent' | 'nurse' | 'doctor' = 'agent', patient = {}) => lintDraft(draft, { role, patient }).map((h) => `${h.ruleId}:${h.severity}`);

describe('diagnosis and prescription language', () => {
  it('blocks an agent diagnosing', () => {
    const hits = lintDraft('看您的描述，你这是糖尿病，别太担心。', { role: 'agent' });
    const h = hits.find((x) => x.ruleId === 'diagnosis')!;
    expect(h.severity).toBe('block');
    expect(h.text).toBe('你这是糖尿病');
    expect(h.explanation['zh-CN']).toContain('诊断');
    expect(h.rewrite).toContain('医生');
  });
  it('warns a nurse and lets a doctor write it', () => {
    expect(rules('你这是糖尿病', 'nurse')).toEqual(['diagnosis:warn']);
    expect(rules('你这是糖尿病', 'doctor')).toEqual([]);
  });
  it('does not treat a question as a diagnosis', () => {
    expect(rules('请问你是糖尿病患者吗？')).toEqual([]);
    expect(rules('Are you diabetic?')).toEqual([]);
  });
  it('catches "你吃xx药吧" with brand names, and dose changes', () => {
    expect(rules('牙疼的话你吃芬必得吧')).toEqual(expect.arrayContaining(['prescription:block']));
    expect(rules('胰岛素加量到12个单位')).toContain('dose_change:block');
    expect(rules('二甲双胍每天吃3片就行')).toContain('dose_change:block');
    expect(rules('you should increase your insulin to 20 units')).toContain('dose_change:block');
    expect(rules('请不要自行停药，按时复诊')).toEqual([]);
  });
});

describe('promises and advertising', () => {
  it.each([
    ['我们保证治好您的病', 'cure_promise'],
    ['这个方案可以根治高血压', 'cure_promise'],
    ['100%有效，放心吧', 'cure_promise'],
    ['This is guaranteed to cure it', 'cure_promise'],
    ['这是治糖尿病最好的药', 'advertising'],
    ['这个是神药', 'advertising'],
    ['完全无副作用', 'advertising'],
    ['It has no side effects at all', 'advertising'],
  ])('%s → %s (blocked for every role)', (draft, id) => {
    for (const role of ['agent', 'nurse', 'doctor'] as const) expect(rules(draft, role)).toContain(`${id}:block`);
  });
  it('accepts the compliant negated forms', () => {
    expect(rules('医生也不能保证治好，但会尽力')).toEqual([]);
    expect(rules('目前没有能根治的办法，需要长期管理')).toEqual([]);
    expect(rules('任何药物都不是没有副作用的，请遵医嘱')).toEqual([]);
    expect(rules('no one can guarantee to cure it')).toEqual([]);
  });
});

describe('medicine advice without a referral', () => {
  it('warns, and the rewrite appends a referral line', () => {
    const draft = '阿司匹林饭前吃比较好。';
    const hits = lintDraft(draft, { role: 'agent' });
    expect(hits.map((h) => h.ruleId)).toEqual(['medicine_without_referral']);
    expect(hits[0]!.severity).toBe('warn');
    expect(applyRewrites(draft, hits)).toBe('阿司匹林饭前吃比较好。具体用药请遵医嘱，如有疑问请咨询医生或药师。');
  });
  it('is satisfied by a referral anywhere in the draft', () => {
    expect(rules('阿司匹林一般饭前吃，具体请遵医嘱。')).toEqual([]);
    expect(rules('Aspirin is usually taken before food; check with your pharmacist.')).toEqual([]);
  });
});

describe('identifiers of another contact', () => {
  it('blocks a phone or ID that is not this contact’s, allows their own', () => {
    const own = { phones: ['13812345678'] };
    expect(rules('已为您登记，电话13812345678。', 'agent', own)).toEqual([]);
    const hits = lintDraft('请联系王先生 13987654321 取报告', { role: 'doctor', patient: own });
    expect(hits.map((h) => `${h.ruleId}:${h.severity}:${h.rewrite}`)).toEqual(['foreign_identifier:block:139****4321']);
  });
});

describe('rule packs are configurable', () => {
  it('overrides severity per role', () => {
    const hits = lintDraft('你这是糖尿病', { role: 'nurse', overrides: { diagnosis: { nurse: 'off' } } });
    expect(hits).toEqual([]);
  });
  it('applies all rewrites into a compliant draft', () => {
    const draft = '你这是高血压，这个药保证治好。';
    const fixed = applyRewrites(draft, lintDraft(draft, { role: 'agent' }));
    expect(lintDraft(fixed, { role: 'agent' }).filter((h) => h.severity === 'block')).toEqual([]);
  });
});

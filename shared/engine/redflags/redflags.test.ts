import { describe, expect, it } from 'vitest';
import { detectRedFlags, mentionsYoungInfant } from './detect';
import { normalize } from '../text/normalize';

const now = Date.UTC(2026, 4, 1, 8);
const flags = (msgs: string[], extra: Partial<Parameters<typeof detectRedFlags>[0]> = {}) => detectRedFlags({ messages: msgs, now, ...extra });
const ids = (msgs: string[], extra = {}) => flags(msgs, extra).map((f) => `${f.id}:${f.urgency}`);

describe('red flags fire on real phrasing', () => {
  it.each([
    ['医生，我心口疼了半个小时了，还出冷汗', 'chest_pain:emergency'],
    ['吃了硝酸甘油，胸痛没有缓解', 'chest_pain:emergency'],
    ['My chest hurts and it spreads to my left arm', 'chest_pain:emergency'],
    ['我爸早上起来嘴歪了，说话不清楚', 'stroke:emergency'],
    ['妈妈突然一侧肢体无力，拿不住筷子', 'stroke:emergency'],
    ['his face is drooping and his speech is slurred', 'stroke:emergency'],
    ['走两步就喘不上气，嘴唇发紫', 'breathing:emergency'],
    ["I can't breathe properly", 'breathing:emergency'],
    ['我真的不想活了', 'self_harm:emergency'],
    ['最近总想自杀', 'self_harm:emergency'],
    ['I want to kill myself', 'self_harm:emergency'],
    ['吃了头孢以后喉咙发紧，嘴唇肿了', 'anaphylaxis:emergency'],
    ['after eating peanuts my throat feels tight', 'anaphylaxis:emergency'],
    ['伤口出血止不住，纱布都湿透了', 'heavy_bleeding:emergency'],
    ['今天早上吐血了', 'heavy_bleeding:emergency'],
    ['孩子突然抽搐，口吐白沫', 'seizure:emergency'],
    ['奶奶叫不醒了', 'unconscious:emergency'],
    ['he passed out in the bathroom', 'unconscious:emergency'],
    ['突然头痛欲裂，还吐了', 'thunderclap_headache:emergency'],
    ['老人把一整瓶药都吃了，吃了一整瓶安眠药', 'overdose:emergency'],
    ['怀孕32周，今天胎动减少', 'pregnancy_warning:urgent'],
  ])('%s → %s', (msg, expected) => expect(ids([msg])).toContain(expected));

  it('traditional script and full-width text still fire', () => {
    expect(ids(['醫生我胸口好痛，喘不上氣'])).toEqual(expect.arrayContaining(['chest_pain:emergency', 'breathing:emergency']));
  });
});

describe('negation suppresses red flags', () => {
  it.each([
    '没有胸痛，就是有点咳嗽',
    '我不胸痛',
    '胸口不疼了，谢谢医生',
    '胸痛已经好了',
    'no chest pain today',
    'Patient denies chest pain',
    '没有口角歪斜，也没有说话不清',
    '没有呼吸困难',
    '不抽搐了',
    '想死你了，好久没见',
    '急死了，报告什么时候出',
  ])('%s → nothing', (msg) => expect(ids([msg])).toEqual([]));

  it('negated self-harm still asks for a check-in (urgent, marked negated)', () => {
    const f = flags(['我没有想自杀，就是心情不好']);
    expect(f.map((x) => `${x.id}:${x.urgency}:${x.negated}`)).toEqual(['self_harm:urgent:true']);
  });
  it('anaphylaxis words without a drug/food context are urgent, not emergency', () => {
    expect(ids(['今天喉咙发紧'])).toEqual(['anaphylaxis:urgent']);
  });
});

describe('readings', () => {
  it('glucose < 3.0 is an emergency, > 16.7 urgent; device or typed', () => {
    expect(ids([], { readings: [{ kind: 'glucose', value: 2.6, at: now - 60_000 }] })).toEqual(['severe_hypoglycemia:emergency']);
    expect(ids(['刚测血糖18.9'])).toEqual(['severe_hyperglycemia:urgent']);
    expect(ids(['血糖3.5'])).toEqual([]);
    expect(ids([], { readings: [{ kind: 'glucose', value: 2.6, at: now - 3 * 86_400_000 }] })).toEqual([]);
  });
  it('BP ≥ 180/110, SpO2 < 90, heart rate', () => {
    expect(ids(['血压185/100'])).toEqual(['hypertensive_crisis:urgent']);
    expect(ids(['血压150/112'])).toEqual(['hypertensive_crisis:urgent']);
    expect(ids(['血压150/95'])).toEqual([]);
    expect(ids([], { readings: [{ kind: 'spo2', value: 87 }] })).toEqual(['low_oxygen:emergency']);
    expect(ids([], { readings: [{ kind: 'heart_rate', value: 142 }] })).toEqual(['tachycardia:urgent']);
  });
  it('fever ≥ 38 in a baby under 3 months, from profile or from the message', () => {
    expect(ids(['宝宝发烧38.2度'], { patient: { age: 0.15 } })).toEqual(['infant_fever:emergency']);
    expect(ids(['两个月的宝宝发烧了'])).toEqual(['infant_fever:emergency']);
    expect(ids(['my 6-week-old has a temperature of 38.4'])).toContain('infant_fever:emergency');
    expect(ids(['三岁孩子发烧38.5'])).toEqual([]);
    expect(ids(['两个月的宝宝没有发烧'])).toEqual([]);
    expect(mentionsYoungInfant(normalize('出生20天的宝宝'))).toBe(true);
  });
});

describe('output', () => {
  it('sorts emergencies first, carries the scripted guidance and escalation actions', () => {
    const f = flags(['血压182/110，心口疼'], {});
    expect(f[0]?.id).toBe('chest_pain');
    expect(f[0]?.guidance['zh-CN']).toContain('请立即拨打120 或前往最近的急诊');
    expect(f[0]?.guidance.en).toContain('call 120');
    expect(f[0]?.actions).toEqual([{ type: 'raise_priority', priority: 'urgent' }, { type: 'notify_clinician', reason: '胸痛' }]);
    expect(f[1]?.actions[0]).toEqual({ type: 'raise_priority', priority: 'high' });
    expect(f[0]?.evidence).toBe('心口疼');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conversationSentiment } from './aggregate';
import { scoreMessage } from './score';
import { SHORT_REPLY_MAX, toneAdvice, visibleLength } from './tone';

const level = (s: string) => scoreMessage(s).level;

describe('message sentiment', () => {
  it('scores gratitude, complaints and neutral questions', () => {
    expect(level('太感谢张医生了！！手术很成功')).toBe(2);
    expect(level('谢谢医生，我知道了')).toBe(1);
    expect(level('请问怎么挂号？')).toBe(0);
    expect(level('伤口还是有点疼')).toBe(-1);
    expect(level('太过分了，态度恶劣，我要投诉！！')).toBe(-2);
    expect(level('你们这什么服务态度，我要投诉')).toBe(-1);
    expect(level('Thank you so much!! Everyone was amazing')).toBe(2);
    expect(level('How do I book an appointment?')).toBe(0);
    expect(level('Worst service ever')).toBe(-2);
  });
  it('handles negation in both languages', () => {
    expect(level('满意')).toBeGreaterThan(0);
    expect(level('不是很满意')).toBeLessThan(0);
    expect(level('没有不舒服，一切都好')).toBeGreaterThan(0);
    expect(level('现在一点都不担心了')).toBeGreaterThan(0);
    expect(level('I am not happy with this')).toBeLessThan(0);
    expect(level('Not worried anymore')).toBeGreaterThan(0);
    expect(level('特别感谢')).toBeGreaterThan(0); // 特别 contains 别 but is not a negator
  });
  it('intensifiers, emoji and punctuation move the score', () => {
    expect(scoreMessage('非常满意').score).toBeGreaterThan(scoreMessage('满意').score);
    expect(scoreMessage('有点担心').score).toBeGreaterThan(scoreMessage('担心').score);
    expect(scoreMessage('very worried').score).toBeLessThan(scoreMessage('worried').score);
    expect(level('好的😊')).toBe(1);
    expect(level('😭😭')).toBeLessThan(0);
    expect(scoreMessage('太失望了！！！').score).toBeLessThan(scoreMessage('太失望了').score);
    expect(level('报告到底什么时候出？？？')).toBeLessThan(0);
  });
  it('flags an anxious patient', () => {
    expect(scoreMessage('怎么办怎么办，血糖一直降不下来，急死了！！！').anxious).toBe(true);
    expect(scoreMessage("I'm scared, what do I do?!!").anxious).toBe(true);
    expect(scoreMessage('请问明天几点开门').anxious).toBe(false);
  });
});

describe('conversation aggregation', () => {
  it('reports the series, mean, min, trend and share negative', () => {
    const c = conversationSentiment(['等了一个多小时还没叫号', '气死了，到底有没有人管？？？', '好的，谢谢', '太感谢了，问题解决了！']);
    expect(c.series.map((s) => s.level)).toEqual([-1, -2, 1, 2]);
    expect(c.series[1]?.anxious).toBe(true);
    expect(c.summary).toMatchObject({ count: 4, mean: 0, min: -2, shareNegative: 0.5, anxious: false });
    expect(c.summary.trend).toBeGreaterThan(0);
    expect(conversationSentiment([]).summary.count).toBe(0);
  });
});

describe('tone advice', () => {
  const now = 1_000_000_000;
  it('suggests calmer wording for an anxious patient', () => {
    expect(toneAdvice({ anxious: true, readings: [], now, draft: '' }).map((t) => t.id)).toEqual(['calm']);
  });
  it('suggests ≤ 18-character replies when heart rate > 100 recently', () => {
    const hr = [{ kind: 'heart_rate' as const, value: 112, at: now - 60_000 }];
    const [t] = toneAdvice({ anxious: false, readings: hr, now, draft: '您好，我们已经收到您的消息，请您先不要着急，坐下来休息一下' });
    expect(t?.id).toBe('short');
    expect(t?.body['zh-CN']).toMatch(/当前草稿 \d+ 字/);
    expect(visibleLength(t!.example['zh-CN'])).toBeLessThanOrEqual(SHORT_REPLY_MAX);
    expect(toneAdvice({ anxious: false, readings: [{ kind: 'heart_rate', value: 112, at: now - 3_600_000 }], now, draft: '' })).toEqual([]);
    expect(toneAdvice({ anxious: false, readings: [{ kind: 'heart_rate', value: 88, at: now }], now, draft: '' })).toEqual([]);
  });
});

describe('accuracy on the hand-labelled patient-message set (held-out test split)', () => {
  const rows = readFileSync(new URL('../../../resources/eval/sentiment-patient-messages.tsv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
  it('has 300+ rows with a dev/test split', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(rows.filter((r) => r[1] === 'test').length).toBeGreaterThanOrEqual(150);
  });
  it('polarity accuracy on the test split is ≥ 0.85', () => {
    const test = rows.filter((r) => r[1] === 'test');
    const ok = test.filter((r) => Math.sign(level(r[4]!)) === Math.sign(Number(r[2]))).length;
    expect(ok / test.length).toBeGreaterThanOrEqual(0.85);
  });
});

import { describe, expect, it } from 'vitest';
import { formatListTime, formatMessageTime } from '../../renderer/src/lib/format';

// The inbox writes its times by hand (no ICU set-up before the first frame); they must read
// exactly as Intl writes them for zh-CN and en, with a 24-hour clock that says 00:05.
describe('list times', () => {
  const now = new Date(2026, 11, 2, 23, 59).getTime();

  it('writes today as a 24-hour clock, midnight as 00', () => {
    const h23 = (l: string) => new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    for (const language of ['zh-CN', 'en']) {
      for (let h = 0; h < 24; h++) {
        for (const m of [0, 5, 30, 59]) {
          const at = new Date(2026, 11, 2, h, m).getTime();
          expect(formatListTime(at, language, now)).toBe(h23(language).format(at));
        }
      }
    }
    expect(formatListTime(new Date(2026, 11, 2, 0, 5).getTime(), 'en', now)).toBe('00:05');
  });

  it('writes earlier days as Intl does in both languages, every day of a year', () => {
    const day = (l: string) => new Intl.DateTimeFormat(l, { month: 'short', day: 'numeric' });
    for (let d = new Date(2025, 0, 1); d.getFullYear() === 2025; d.setDate(d.getDate() + 1)) {
      for (const language of ['zh-CN', 'en', 'en-GB']) expect(formatListTime(d.getTime(), language, now)).toBe(day(language === 'en-GB' ? 'en' : language).format(d));
    }
    expect(formatListTime(new Date(2026, 10, 20, 9).getTime(), 'zh-CN', now)).toBe('11月20日');
    expect(formatListTime(new Date(2026, 10, 20, 9).getTime(), 'en', now)).toBe('Nov 20');
  });

  it('leaves other languages to Intl', () => {
    const at = new Date(2026, 2, 4, 10).getTime();
    expect(formatListTime(at, 'de', now)).toBe(new Intl.DateTimeFormat('de', { month: 'short', day: 'numeric' }).format(at));
  });

  it('stamps messages with a 24-hour clock', () => {
    expect(formatMessageTime(new Date(2026, 11, 2, 0, 5).getTime(), 'en')).toMatch(/00:05/);
    expect(formatMessageTime(new Date(2026, 11, 2, 0, 5).getTime(), 'zh-CN')).toMatch(/00:05/);
  });
});

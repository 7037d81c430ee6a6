import { describe, expect, it } from 'vitest';
import { asksForHuman, botToHuman, negativeWords, normalizeQuestion, sameQuestionRepeated, similarity } from './hooks';

describe('bot-to-human hooks', () => {
  it('the same question three times (punctuation, width and small edits ignored)', () => {
    expect(normalizeQuestion('您好？ 请问 ＡＢＣ！')).toBe('您好请问abc');
    expect(sameQuestionRepeated(['请问几点开门', '请问几点开门？', '请问几点开门??'])).toBe(true);
    expect(sameQuestionRepeated(['请问几点开门', '请问几点开门'])).toBe(false);
    expect(sameQuestionRepeated(['请问几点开门', '停车场在哪', '请问几点开门'])).toBe(false);
    expect(sameQuestionRepeated(['When do you open?', 'when do you open', 'When do u open?'])).toBe(true);
    expect(similarity('abc', 'xyz')).toBe(0);
  });

  it('negative words (whole words in English) and asking for a person', () => {
    expect(negativeWords('你们态度差，我要投诉！')).toEqual(['投诉', '态度差']);
    expect(negativeWords('This is terrible service')).toEqual(['terrible']);
    expect(negativeWords('I am not complaining, just asking')).toEqual([]);
    expect(asksForHuman('转人工')).toBe(true);
    expect(asksForHuman('Can I talk to a real person?')).toBe(true);
  });

  it('decides with reasons', () => {
    expect(botToHuman(['在吗', '在吗', '在吗'])).toMatchObject({ handoff: true, reasons: ['repeated_question'] });
    expect(botToHuman(['我要投诉，找人工'])).toMatchObject({ handoff: true, reasons: ['negative_words', 'asked_for_human'] });
    expect(botToHuman(['谢谢'])).toEqual({ handoff: false, reasons: [], matchedWords: [] });
    expect(botToHuman(['x', 'x'], { repeatThreshold: 2 })).toMatchObject({ handoff: true });
  });
});

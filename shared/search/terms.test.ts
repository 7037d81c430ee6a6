import { describe, expect, it } from 'vitest';
import { indexTerms, matchExpression, normalizeText } from './terms';

describe('search terms', () => {
  it('indexes Han runs as unigrams and bigrams and Latin as lower-case words', () => {
    expect(indexTerms('血糖高 Glucose 16.7')).toBe('血 血糖 糖 糖高 高 glucose 16 7');
  });
  it('folds full-width characters', () => {
    expect(normalizeText('ＡＢＣ１２３')).toBe('abc123');
    expect(indexTerms('ＨｂＡ１ｃ')).toBe('hba1c');
  });
  it('builds quoted match expressions: 1 char, 2 chars, longer, and Latin prefixes', () => {
    expect(matchExpression('挂')).toBe('"挂"');
    expect(matchExpression('挂号')).toBe('"挂号"');
    expect(matchExpression('胰岛素')).toBe('"胰岛" AND "岛素"');
    expect(matchExpression('insulin gluc')).toBe('"insulin" AND "gluc"*');
  });
  it('never lets user input become FTS syntax', () => {
    expect(matchExpression('"); DROP TABLE x; --')).toBe('"drop" AND "table" AND "x"*');
    expect(matchExpression('*** OR NEAR(')).toBe('"or" AND "near"*');
    expect(matchExpression('  ？！ ')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { errorMessages, localizeError } from './errors';

describe('error messages', () => {
  it('every code has non-empty zh-CN and en text', () => {
    for (const [code, m] of Object.entries(errorMessages)) {
      expect(m['zh-CN'].trim(), code).not.toBe('');
      expect(m.en.trim(), code).not.toBe('');
      expect(m['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/);
    }
  });
  it('unknown codes still produce a readable sentence with the code', () => {
    expect(localizeError('x.y', 'zh-CN')).toContain('x.y');
    expect(localizeError('x.y', 'en')).toContain('x.y');
    expect(localizeError('replica.wrong_key', 'en')).toMatch(/key/);
  });
});

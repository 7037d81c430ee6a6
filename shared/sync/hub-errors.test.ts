import { describe, expect, it } from 'vitest';
import { hubErrorMessages, localizeHubError } from '../i18n/hub-errors';
import { HubErrorCode } from './errors';

describe('hub error messages', () => {
  it('every hub error code has zh-CN (with Chinese text) and en', () => {
    for (const code of Object.values(HubErrorCode)) {
      const m = hubErrorMessages[code];
      expect(m, code).toBeDefined();
      expect(m['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/);
      expect(m.en.trim(), code).not.toBe('');
    }
  });
  it('falls back to a sentence with the code', () => {
    expect(localizeHubError('x.y', 'en')).toContain('x.y');
    expect(localizeHubError('auth.locked', 'zh-CN')).toContain('锁定');
  });
});

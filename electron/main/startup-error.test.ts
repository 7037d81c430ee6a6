import { describe, expect, it } from 'vitest';
import { formatStartupError } from './startup-error';
import { LanternError } from '../../shared/contract/result';
import { errorMessages } from '../../shared/i18n/errors';

describe('startup error dialog text', () => {
  it('shows zh-CN then English localized text, then code and technical message, for coded errors', () => {
    const { title, content } = formatStartupError(new LanternError('keystore.unavailable', 'No Linux keyring is available (safeStorage backend "basic_text")'));
    expect(title).toContain('提灯');
    expect(title).toContain('Lantern');
    const zh = errorMessages['keystore.unavailable']!['zh-CN'];
    const en = errorMessages['keystore.unavailable']!.en;
    expect(content.indexOf(zh)).toBe(0);
    expect(content.indexOf(en)).toBeGreaterThan(content.indexOf(zh));
    expect(content).toContain('(keystore.unavailable)');
    expect(content).toContain('basic_text');
  });

  it('localizes replica errors that cross module boundaries as plain objects', () => {
    const { content } = formatStartupError({ name: 'LanternError', code: 'replica.wrong_key', message: 'key mismatch' });
    expect(content).toContain(errorMessages['replica.wrong_key']!['zh-CN']);
    expect(content).toContain(errorMessages['replica.wrong_key']!.en);
  });

  it('uses a bilingual generic text for uncoded errors and Node error codes', () => {
    for (const e of [new Error('disk on fire'), Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }), 'string thrown']) {
      const { content } = formatStartupError(e);
      expect(content).toContain('请联系信息科');
      expect(content).toContain('Please contact IT');
      expect(content).not.toContain('(ENOENT)');
    }
    expect(formatStartupError(new Error('disk on fire')).content).toContain('disk on fire');
  });

  it('adds a developer hint when the SQLite binding has the wrong ABI', () => {
    const e = new Error("The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140.");
    expect(formatStartupError(e).content).toContain('npm start');
    expect(formatStartupError(new Error('other')).content).not.toContain('npm start');
  });
});

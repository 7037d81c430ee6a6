import { describe, expect, it, vi } from 'vitest';
import { EXTERNAL_ALLOW_LIST, handleWillAttachWebview, handleWillNavigate, isAllowedExternalUrl, isAppUrl, parseAllowList, windowOpenHandler } from './navigation';
import { APP_ENTRY_URL } from './csp';

function navigate(url: string): boolean {
  const event = { preventDefault: vi.fn() };
  handleWillNavigate(event, url);
  return event.preventDefault.mock.calls.length === 0;
}

function open(url: string, allowList?: readonly string[]) {
  const openExternal = vi.fn(async (_url: string) => undefined);
  const result = windowOpenHandler({ url }, openExternal, allowList);
  return { result, opened: openExternal.mock.calls.map((c) => c[0]) };
}

describe('isAppUrl', () => {
  it('accepts only app://lantern/…', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://lantern/assets/x.js?y#z')).toBe(true);
    expect(isAppUrl('app://lantern')).toBe(true);
    for (const bad of ['app://evil/index.html', 'app://lantern.evil/', 'app://user@lantern/', 'app://lantern:1/', 'https://lantern/', 'file:///index.html', 'lantern/index.html', '', 'not a url']) {
      expect(isAppUrl(bad), bad).toBe(false);
    }
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl(42)).toBe(false);
  });
});

describe('will-navigate', () => {
  it('lets the app navigate within itself and stops everything else', () => {
    expect(navigate('app://lantern/index.html#/inbox')).toBe(true);
    for (const url of ['https://www.who.int/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'app://evil/index.html', 'about:blank']) {
      expect(navigate(url), url).toBe(false);
    }
  });
});

describe('window.open / target=_blank', () => {
  it('never creates an Electron window', () => {
    for (const url of ['https://www.who.int/x', 'app://lantern/index.html', 'https://evil.example/', 'javascript:alert(1)']) {
      expect(open(url).result).toEqual({ action: 'deny' });
    }
  });

  it('hands only allow-listed https links to the OS browser', () => {
    expect(open('https://www.who.int/health-topics').opened).toEqual(['https://www.who.int/health-topics']);
    expect(open('https://WWW.NHC.GOV.CN/a?b=1').opened).toEqual(['https://www.nhc.gov.cn/a?b=1']);
  });

  it('never opens javascript:, file:, http:, look-alike hosts, credentials or odd ports', () => {
    for (const url of [
      'javascript:alert(1)',
      'file:///C:/Windows/System32/calc.exe',
      'http://www.who.int/',
      'https://www.who.int.evil.example/',
      'https://evilwww.who.int/',
      'https://who.int/',
      'https://www.who.int@evil.example/',
      'https://x@www.who.int/',
      'https://www.who.int:8443/',
      'smb://www.who.int/share',
      'app://lantern/index.html',
      'not a url',
    ]) {
      expect(open(url).opened, url).toEqual([]);
    }
  });

  it('uses a configured allow-list instead of the default', () => {
    const list = parseAllowList('docs.hospital.example.cn, KB.hospital.example.cn');
    expect(list).toEqual(['docs.hospital.example.cn', 'kb.hospital.example.cn']);
    expect(open('https://docs.hospital.example.cn/sop.pdf', list).opened).toEqual(['https://docs.hospital.example.cn/sop.pdf']);
    expect(open('https://www.who.int/', list).opened).toEqual([]);
  });

  it('swallows a failing openExternal', async () => {
    const openExternal = vi.fn(() => Promise.reject(new Error('no browser')));
    expect(windowOpenHandler({ url: 'https://www.who.int/' }, openExternal)).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(openExternal).toHaveBeenCalledOnce();
  });
});

describe('allow-list parsing', () => {
  it('falls back to the default for unset, empty or malformed values', () => {
    expect(EXTERNAL_ALLOW_LIST).toEqual(['www.nhc.gov.cn', 'www.who.int']);
    expect(Object.isFrozen(EXTERNAL_ALLOW_LIST)).toBe(true);
    expect(parseAllowList(undefined)).toBe(EXTERNAL_ALLOW_LIST);
    expect(parseAllowList('  ')).toBe(EXTERNAL_ALLOW_LIST);
    expect(parseAllowList('*')).toBe(EXTERNAL_ALLOW_LIST);
    expect(parseAllowList('https://a.example.cn')).toBe(EXTERNAL_ALLOW_LIST);
    expect(parseAllowList('a.example.cn,evil.example/path')).toBe(EXTERNAL_ALLOW_LIST);
    expect(parseAllowList('localhost')).toBe(EXTERNAL_ALLOW_LIST);
  });

  it('isAllowedExternalUrl matches hosts exactly', () => {
    expect(isAllowedExternalUrl('https://www.who.int/')).toBe(true);
    expect(isAllowedExternalUrl('https://www.who.int./')).toBe(false);
  });
});

describe('will-attach-webview', () => {
  it('is always prevented', () => {
    const event = { preventDefault: vi.fn() };
    handleWillAttachWebview(event);
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });
});

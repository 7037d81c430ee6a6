import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { nativeBindingKey, resolveRuntime, updateFeedUrl, type RuntimeInput } from './runtime';
import { EXTERNAL_ALLOW_LIST } from './navigation';

const base: RuntimeInput = {
  isPackaged: false,
  mainDir: join('/repo', 'out', 'main'),
  appPath: '/repo',
  resourcesPath: join('/opt', 'Lantern', 'resources'),
  env: {},
  electronVersion: '39.8.10',
  platform: 'linux',
  arch: 'x64',
};

describe('runtime configuration', () => {
  it('dev: renderer and preload next to out/main, demo data from the checkout, native binding from the env', () => {
    const rt = resolveRuntime({ ...base, env: { LANTERN_NATIVE_BINDING: '/repo/.electron-native/39.8.10-linux-x64/better_sqlite3.node' } });
    expect(rt.rendererDir).toBe(join('/repo', 'out', 'renderer'));
    expect(rt.preloadPath).toBe(join('/repo', 'out', 'preload', 'index.cjs'));
    expect(rt.demoDataPath).toBe(join('/repo', 'resources', 'demo', 'demo.json'));
    expect(rt.nativeBinding).toBe('/repo/.electron-native/39.8.10-linux-x64/better_sqlite3.node');
    expect(resolveRuntime(base).nativeBinding).toBeUndefined();
    expect(resolveRuntime({ ...base, env: { LANTERN_NATIVE_BINDING: ' ' } }).nativeBinding).toBeUndefined();
  });

  it('packaged: demo data and native binding from resources/, the env binding ignored', () => {
    const rt = resolveRuntime({ ...base, isPackaged: true, env: { LANTERN_NATIVE_BINDING: '/tmp/evil.node' } });
    expect(rt.demoDataPath).toBe(join('/opt', 'Lantern', 'resources', 'demo', 'demo.json'));
    expect(rt.nativeBinding).toBe(join('/opt', 'Lantern', 'resources', 'native', '39.8.10-linux-x64', 'better_sqlite3.node'));
  });

  it('hub URL from LANTERN_HUB_URL, null when unset or blank', () => {
    expect(resolveRuntime(base).hubUrl).toBeNull();
    expect(resolveRuntime({ ...base, env: { LANTERN_HUB_URL: '' } }).hubUrl).toBeNull();
    expect(resolveRuntime({ ...base, env: { LANTERN_HUB_URL: 'https://hub.hospital.example.cn' } }).hubUrl).toBe('https://hub.hospital.example.cn');
  });

  it('external allow-list from LANTERN_EXTERNAL_HOSTS', () => {
    expect(resolveRuntime(base).externalAllowList).toBe(EXTERNAL_ALLOW_LIST);
    expect(resolveRuntime({ ...base, env: { LANTERN_EXTERNAL_HOSTS: 'kb.hospital.example.cn' } }).externalAllowList).toEqual(['kb.hospital.example.cn']);
  });

  it('local diagnostic mode from --diagnostics or LANTERN_DIAGNOSTICS=1', () => {
    expect(resolveRuntime(base).diagnosticMode).toBe(false);
    expect(resolveRuntime({ ...base, argv: ['lantern.exe', '--diagnostics'] }).diagnosticMode).toBe(true);
    expect(resolveRuntime({ ...base, env: { LANTERN_DIAGNOSTICS: '1' } }).diagnosticMode).toBe(true);
    expect(resolveRuntime({ ...base, env: { LANTERN_DIAGNOSTICS: '0' } }).diagnosticMode).toBe(false);
  });

  it('native binding key is <electron>-<platform>-<arch>', () => {
    expect(nativeBindingKey('39.8.10', 'win32', 'arm64')).toBe('39.8.10-win32-arm64');
  });
});

describe('update feed', () => {
  it('only when packaged, set, and https without credentials', () => {
    expect(updateFeedUrl(true, 'https://updates.hospital.example.cn/lantern/')).toBe('https://updates.hospital.example.cn/lantern/');
    expect(updateFeedUrl(false, 'https://updates.hospital.example.cn/lantern/')).toBeNull();
    expect(updateFeedUrl(true, undefined)).toBeNull();
    expect(updateFeedUrl(true, '')).toBeNull();
    expect(updateFeedUrl(true, 'http://updates.hospital.example.cn/')).toBeNull();
    expect(updateFeedUrl(true, 'file:///share/updates/')).toBeNull();
    expect(updateFeedUrl(true, 'https://u:p@updates.hospital.example.cn/')).toBeNull();
    expect(updateFeedUrl(true, 'not a url')).toBeNull();
  });
});

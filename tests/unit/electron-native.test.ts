import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildToolEnv,
  DEFAULT_HEADERS_URL,
  ensureNativeBinding,
  expectedStamp,
  headersDistUrl,
  isCacheValid,
  nativeCacheKey,
  nativeCachePaths,
  nodeGypArgs,
  planNativeSteps,
  prebuildInstallArgs,
  shouldCopy,
  staleCacheDirs,
} from '../../scripts/electron-native.mjs';
import { electronMissingMessage, launchEnv, parseStartArgs, planStart } from '../../scripts/start.mjs';
import { nativeBindingKey } from '../../electron/main/runtime';
import { tempDir } from '../support/tmp';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const target = { electronVersion: '39.8.10', platform: 'linux', arch: 'x64' };
const stamp = expectedStamp({ ...target, packageName: 'better-sqlite3-multiple-ciphers', packageVersion: '12.11.1' });

describe('native binding cache: keys and validity', () => {
  it('keys by Electron version, platform and arch — the same key the packaged app looks up', () => {
    expect(nativeCacheKey(target)).toBe('39.8.10-linux-x64');
    for (const t of [target, { electronVersion: '40.0.0-beta.3', platform: 'win32', arch: 'arm64' }]) {
      expect(nativeCacheKey(t)).toBe(nativeBindingKey(t.electronVersion, t.platform, t.arch));
    }
    expect(() => nativeCacheKey({ ...target, electronVersion: '../../etc' })).toThrow(/Electron version/);
  });

  it('lives in .electron-native/<key>/, never in node_modules', () => {
    const p = nativeCachePaths('/repo', '39.8.10-linux-x64');
    expect(p.binding).toBe(join('/repo', '.electron-native', '39.8.10-linux-x64', 'better_sqlite3.node'));
    expect(p.stamp).toBe(join('/repo', '.electron-native', '39.8.10-linux-x64', 'stamp.json'));
    expect(p.binding).not.toContain('node_modules');
  });

  it('accepts a cached build only with a matching stamp and the file present', () => {
    expect(isCacheValid({ ...stamp, builtAt: 'x' }, stamp, true)).toBe(true);
    expect(isCacheValid(stamp, stamp, false)).toBe(false);
    expect(isCacheValid({ ...stamp, packageVersion: '12.10.0' }, stamp, true)).toBe(false);
    expect(isCacheValid({ ...stamp, electronVersion: '39.8.9' }, stamp, true)).toBe(false);
    expect(isCacheValid(null, stamp, true)).toBe(false);
    expect(isCacheValid('garbage', stamp, true)).toBe(false);
  });

  it('prunes only other versions of the same platform/arch', () => {
    expect(staleCacheDirs(['39.8.10-linux-x64', '39.8.9-linux-x64', '39.8.9-linux-arm64', '39.8.9-win32-x64', '.tmp-linux-x64'], '39.8.10-linux-x64', 'linux', 'x64')).toEqual(['39.8.9-linux-x64']);
  });
});

describe('native binding: which step next', () => {
  it('uses the cache, else prebuild-install, then node-gyp', () => {
    expect(planNativeSteps({ cacheValid: true, hasPrebuildInstall: true, hasNodeGyp: true, buildFromSource: false })).toEqual(['use-cache']);
    expect(planNativeSteps({ cacheValid: false, hasPrebuildInstall: true, hasNodeGyp: true, buildFromSource: false })).toEqual(['prebuild-install', 'node-gyp']);
    expect(planNativeSteps({ cacheValid: false, hasPrebuildInstall: false, hasNodeGyp: true, buildFromSource: false })).toEqual(['node-gyp']);
    expect(planNativeSteps({ cacheValid: false, hasPrebuildInstall: true, hasNodeGyp: true, buildFromSource: true })).toEqual(['node-gyp']);
    expect(planNativeSteps({ cacheValid: false, hasPrebuildInstall: false, hasNodeGyp: false, buildFromSource: false })).toEqual([]);
  });

  it('asks both tools for Electron, not Node', () => {
    expect(prebuildInstallArgs(target)).toEqual(expect.arrayContaining(['--runtime=electron', '--target=39.8.10', '--platform=linux', '--arch=x64']));
    const gyp = nodeGypArgs({ electronVersion: '39.8.10', arch: 'x64', distUrl: 'https://mirror.example/headers', devDir: '/home/u/.electron-gyp', jobs: 2 });
    expect(gyp[0]).toBe('rebuild');
    expect(gyp).toEqual(expect.arrayContaining(['--runtime=electron', '--target=39.8.10', '--arch=x64', '--dist-url=https://mirror.example/headers', '--devdir=/home/u/.electron-gyp', '--jobs=2']));
  });

  it('picks the headers URL: explicit > Electron-meant npm_config_disturl > electronjs.org', () => {
    expect(headersDistUrl({})).toBe(DEFAULT_HEADERS_URL);
    expect(headersDistUrl({ LANTERN_ELECTRON_HEADERS_URL: 'https://nexus.hospital.example/electron-headers', npm_config_disturl: 'https://electronjs.org/headers' })).toBe('https://nexus.hospital.example/electron-headers');
    expect(headersDistUrl({ npm_config_disturl: 'https://mirror.example/headers', npm_config_runtime: 'electron' })).toBe('https://mirror.example/headers');
    expect(headersDistUrl({ npm_config_disturl: 'https://mirror.example/electron-headers/' })).toBe('https://mirror.example/electron-headers/');
    // A Node.js mirror in .npmrc must not be used for Electron's headers.
    expect(headersDistUrl({ npm_config_disturl: 'https://npmmirror.com/mirrors/node' })).toBe(DEFAULT_HEADERS_URL);
  });

  it('gives the build tools no npm_config_ override of target/runtime/arch and none of Lantern’s npm_package_ vars', () => {
    const env = buildToolEnv({
      PATH: '/usr/bin',
      HTTPS_PROXY: 'http://proxy:3128',
      ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/',
      ELECTRON_RUN_AS_NODE: '1',
      npm_config_target: '20.20.2',
      NPM_CONFIG_RUNTIME: 'node',
      npm_config_arch: 'ia32',
      npm_config_disturl: 'https://npmmirror.com/mirrors/node',
      npm_config_nodedir: '/usr/local',
      npm_package_name: 'lantern',
      npm_package_config_node_gyp_target: '1.0.0',
      npm_config_better_sqlite3_multiple_ciphers_binary_host_mirror: 'https://mirror.example/bsmc',
      npm_config_cache: '/home/u/.npm',
      UNSET: undefined,
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HTTPS_PROXY: 'http://proxy:3128',
      ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/',
      npm_config_better_sqlite3_multiple_ciphers_binary_host_mirror: 'https://mirror.example/bsmc',
      npm_config_cache: '/home/u/.npm',
    });
  });

  it('copies the package without its Node-ABI build', () => {
    const pkg = join('/nm', 'better-sqlite3');
    expect(shouldCopy(pkg, pkg)).toBe(true);
    expect(shouldCopy(pkg, join(pkg, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(shouldCopy(pkg, join(pkg, 'deps', 'sqlite3', 'sqlite3.c'))).toBe(true);
    expect(shouldCopy(pkg, join(pkg, 'build'))).toBe(false);
    expect(shouldCopy(pkg, join(pkg, 'build', 'Release', 'better_sqlite3.node'))).toBe(false);
    expect(shouldCopy(pkg, join(pkg, 'node_modules', 'x'))).toBe(false);
  });
});

describe('npm start: which step next', () => {
  it('explains a missing Electron binary before building anything', () => {
    expect(planStart({ electronPath: null, build: true, nativeFromEnv: false })).toEqual(['explain-missing-electron']);
    expect(planStart({ electronPath: '/e/electron', build: true, nativeFromEnv: false })).toEqual(['build', 'native', 'launch']);
    expect(planStart({ electronPath: '/e/electron', build: false, nativeFromEnv: false })).toEqual(['native', 'launch']);
    expect(planStart({ electronPath: '/e/electron', build: true, nativeFromEnv: true })).toEqual(['build', 'launch']);
  });

  it('parses its arguments', () => {
    expect(parseStartArgs([])).toEqual({ build: true, electronArgs: [], unknown: [] });
    expect(parseStartArgs(['--no-build'])).toEqual({ build: false, electronArgs: [], unknown: [] });
    expect(parseStartArgs(['--', '--inspect=0', '--no-build'])).toEqual({ build: true, electronArgs: ['--inspect=0', '--no-build'], unknown: [] });
    expect(parseStartArgs(['--bogus']).unknown).toEqual(['--bogus']);
  });

  it('tells how to get Electron, with a mirror for blocked networks', () => {
    const msg = electronMissingMessage({ env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, hasInstallElectronBin: false, platform: 'linux' });
    expect(msg).toContain('node node_modules/electron/install.js');
    expect(msg).toContain('ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ node node_modules/electron/install.js');
    expect(msg).toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD is set/);
    expect(msg).not.toContain('install-electron');
    const newer = electronMissingMessage({ env: {}, hasInstallElectronBin: true, platform: 'win32' });
    expect(newer).toContain('npx install-electron --no');
    expect(newer).toContain('$env:ELECTRON_MIRROR=');
    expect(newer).not.toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD is set/);
  });

  it('launches Electron with the binding and never as plain Node', () => {
    const env = launchEnv({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1', LANTERN_NATIVE_BINDING: '/old' }, '/repo/.electron-native/k/better_sqlite3.node');
    expect(env).toEqual({ PATH: '/bin', LANTERN_NATIVE_BINDING: '/repo/.electron-native/k/better_sqlite3.node' });
  });
});

/**
 * A checkout in miniature: the real scripts, fake tools. The fake prebuild-install
 * and node-gyp record how they were called and write a marker "binding".
 */
function fakeRoot(dir: string, tools: { prebuild?: 'ok' | 'fail' | 'none'; gyp?: 'ok' | 'fail' | 'none' }) {
  const nm = join(dir, 'node_modules');
  mkdirSync(join(nm, 'electron'), { recursive: true });
  writeFileSync(join(nm, 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '39.8.10', bin: { electron: 'cli.js' } }));
  const pkg = join(nm, 'better-sqlite3');
  mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
  mkdirSync(join(pkg, 'src'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'better-sqlite3-multiple-ciphers', version: '12.11.1' }));
  writeFileSync(join(pkg, 'src', 'better_sqlite3.cpp'), '// source');
  writeFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'NODE-ABI');
  const tool = (name: string, outcome: 'ok' | 'fail') => `
const fs = require('fs'), path = require('path');
const log = ${JSON.stringify(join(dir, 'calls.jsonl'))};
fs.appendFileSync(log, JSON.stringify({ tool: ${JSON.stringify(name)}, cwd: process.cwd(), args: process.argv.slice(2), target: process.env.npm_config_target ?? null, hadOldBuild: fs.existsSync('build') }) + '\\n');
if (${JSON.stringify(outcome)} === 'fail') { console.error('${name}: network unreachable'); process.exit(1); }
fs.mkdirSync(path.join('build', 'Release'), { recursive: true });
fs.writeFileSync(path.join('build', 'Release', 'better_sqlite3.node'), 'ELECTRON-ABI via ${name}');
`;
  if (tools.prebuild && tools.prebuild !== 'none') {
    mkdirSync(join(nm, 'prebuild-install'), { recursive: true });
    writeFileSync(join(nm, 'prebuild-install', 'bin.js'), tool('prebuild-install', tools.prebuild));
  }
  if (tools.gyp && tools.gyp !== 'none') {
    mkdirSync(join(nm, 'node-gyp', 'bin'), { recursive: true });
    writeFileSync(join(nm, 'node-gyp', 'bin', 'node-gyp.js'), tool('node-gyp', tools.gyp));
  }
  const calls = () =>
    existsSync(join(dir, 'calls.jsonl'))
      ? readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { tool: string; cwd: string; args: string[]; target: string | null; hadOldBuild: boolean })
      : [];
  return { nodeAbiFile: join(pkg, 'build', 'Release', 'better_sqlite3.node'), calls };
}

describe('ensureNativeBinding (fake build tools, real files)', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());
  // Host platform: node-gyp (the fallback) only builds for the OS it runs on.
  const platform = process.platform;
  const key = `39.8.10-${platform}-x64`;
  const quiet = { log: () => undefined, platform, arch: 'x64', env: { npm_config_target: '20.20.2', PATH: process.env.PATH } };

  it('builds via prebuild-install in a temp copy, caches it, and leaves node_modules alone', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const root = fakeRoot(t.dir, { prebuild: 'ok', gyp: 'ok' });
    const binding = await ensureNativeBinding({ root: t.dir, ...quiet });
    expect(binding).toBe(join(t.dir, '.electron-native', key, 'better_sqlite3.node'));
    expect(readFileSync(binding, 'utf8')).toBe('ELECTRON-ABI via prebuild-install');
    expect(readFileSync(root.nodeAbiFile, 'utf8')).toBe('NODE-ABI');
    const [call, ...rest] = root.calls();
    expect(rest).toEqual([]);
    expect(call!.tool).toBe('prebuild-install');
    expect(call!.cwd.startsWith(join(t.dir, 'node_modules'))).toBe(false);
    expect(call!.hadOldBuild).toBe(false);
    expect(call!.target).toBeNull();
    expect(call!.args).toEqual(expect.arrayContaining(['--runtime=electron', '--target=39.8.10']));
    expect(JSON.parse(readFileSync(join(t.dir, '.electron-native', key, 'stamp.json'), 'utf8'))).toMatchObject({ electronVersion: '39.8.10', packageVersion: '12.11.1' });

    // Second start: served from the cache, no tool runs.
    expect(await ensureNativeBinding({ root: t.dir, ...quiet })).toBe(binding);
    expect(root.calls()).toHaveLength(1);
  });

  it('falls back to node-gyp when the download fails, and rebuilds when the package version changes', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const root = fakeRoot(t.dir, { prebuild: 'fail', gyp: 'ok' });
    mkdirSync(join(t.dir, '.electron-native', `39.8.9-${platform}-x64`), { recursive: true });
    const binding = await ensureNativeBinding({ root: t.dir, ...quiet });
    expect(readFileSync(binding, 'utf8')).toBe('ELECTRON-ABI via node-gyp');
    expect(root.calls().map((c) => c.tool)).toEqual(['prebuild-install', 'node-gyp']);
    const gyp = root.calls()[1]!;
    expect(gyp.args).toEqual(expect.arrayContaining(['rebuild', '--runtime=electron', '--target=39.8.10', `--dist-url=${DEFAULT_HEADERS_URL}`]));
    expect(gyp.target).toBeNull();
    expect(existsSync(join(t.dir, '.electron-native', `39.8.9-${platform}-x64`))).toBe(false);

    writeFileSync(join(t.dir, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ name: 'better-sqlite3-multiple-ciphers', version: '12.12.0' }));
    await ensureNativeBinding({ root: t.dir, ...quiet });
    expect(root.calls()).toHaveLength(4);
  });

  it('fails with a readable explanation when every step fails, caching nothing', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    fakeRoot(t.dir, { prebuild: 'fail', gyp: 'fail' });
    const error = await ensureNativeBinding({ root: t.dir, ...quiet }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NativeBuildError' });
    const message = (error as Error).message;
    expect(message).toContain(key);
    expect(message).toMatch(/prebuild-install: exit 1: .*network unreachable/);
    expect(message).toMatch(/node-gyp: exit 1/);
    expect(message).toContain('npm_config_better_sqlite3_multiple_ciphers_local_prebuilds');
    expect(message).toContain('node_modules was not changed');
    expect(existsSync(join(t.dir, '.electron-native', key, 'better_sqlite3.node'))).toBe(false);
    expect(message).toMatch(/full log: /);
    expect(readFileSync(join(t.dir, '.electron-native', 'logs', `${key}-prebuild-install.log`), 'utf8')).toContain('network unreachable');
  });

  it('never compiles for another OS (node-gyp cannot cross-compile)', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const root = fakeRoot(t.dir, { prebuild: 'fail', gyp: 'ok' });
    const other = platform === 'win32' ? 'linux' : 'win32';
    await expect(ensureNativeBinding({ root: t.dir, ...quiet, platform: other })).rejects.toMatchObject({ name: 'NativeBuildError' });
    expect(root.calls().map((c) => c.tool)).toEqual(['prebuild-install']);
  });
});

describe('npm start without the Electron binary', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('prints how to get it and exits 1, without a stack trace and without building', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    mkdirSync(join(t.dir, 'scripts'));
    for (const f of ['start.mjs', 'electron-native.mjs']) copyFileSync(join(repo, 'scripts', f), join(t.dir, 'scripts', f));
    writeFileSync(join(t.dir, 'package.json'), JSON.stringify({ name: 'x', type: 'module' }));
    mkdirSync(join(t.dir, 'node_modules', 'electron'), { recursive: true });
    // The real electron/index.js, which throws when dist/ (path.txt) is absent.
    copyFileSync(join(repo, 'node_modules', 'electron', 'index.js'), join(t.dir, 'node_modules', 'electron', 'index.js'));
    writeFileSync(join(t.dir, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '39.8.10', main: 'index.js', bin: { electron: 'cli.js' } }));
    const r = spawnSync(process.execPath, [join(t.dir, 'scripts', 'start.mjs')], { cwd: t.dir, encoding: 'utf8', env: { PATH: process.env.PATH, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the Electron binary is not installed');
    expect(r.stderr).toContain('node node_modules/electron/install.js');
    expect(r.stderr).toContain('ELECTRON_MIRROR=');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(t.dir, 'out'))).toBe(false);
    expect(existsSync(join(t.dir, '.electron-native'))).toBe(false);
  });
});

// @ts-check
/**
 * An Electron-ABI copy of better-sqlite3's native module, kept OUT of node_modules.
 *
 * Why: node_modules/better-sqlite3/build/Release/better_sqlite3.node is compiled
 * for Node (vitest, the hub, benchmarks). Rebuilding it in place for Electron
 * (electron-rebuild's way) would break `npm test` until the next `npm rebuild`,
 * and vice versa. Instead we build a second copy — in a temporary copy of the
 * package — into .electron-native/<electron>-<platform>-<arch>/better_sqlite3.node
 * and hand its path to the app as LANTERN_NATIVE_BINDING (better-sqlite3's
 * `nativeBinding` option). electron-builder ships the same file as
 * resources/native/<key>/ (see electron-builder.yml and electron/main/runtime.ts).
 *
 * Order: cached copy (if its stamp matches) → prebuild-install (downloads the
 * package's published Electron prebuild; honours prebuild-install's own mirror
 * and local-prebuilds variables) → node-gyp against Electron's headers.
 *
 * The pure helpers (keys, paths, plans, arguments, environment) are exported for
 * tests/unit/electron-native.test.ts; `ensureNativeBinding` does the work.
 * Run directly (`node scripts/electron-native.mjs`) it ensures the binding and
 * prints its path.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NATIVE_DIR = '.electron-native';
export const BINDING_FILE = 'better_sqlite3.node';
export const STAMP_FILE = 'stamp.json';
/** The dependency name in package.json (an alias of better-sqlite3-multiple-ciphers). */
export const PACKAGE_DIR_NAME = 'better-sqlite3';
export const DEFAULT_HEADERS_URL = 'https://electronjs.org/headers';

/**
 * Same format as nativeBindingKey() in electron/main/runtime.ts.
 * @param {import('./electron-native.mjs').Target} target
 */
export function nativeCacheKey({ electronVersion, platform, arch }) {
  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(electronVersion)) throw new Error(`Not an Electron version: ${JSON.stringify(electronVersion)}`);
  return `${electronVersion}-${platform}-${arch}`;
}

/** @param {string} root @param {string} key */
export function nativeCachePaths(root, key) {
  const dir = join(root, NATIVE_DIR, key);
  return { dir, binding: join(dir, BINDING_FILE), stamp: join(dir, STAMP_FILE) };
}

/**
 * What the cached file must have been built for; a different package version means rebuild.
 * @param {import('./electron-native.mjs').Stamp} stamp
 * @returns {import('./electron-native.mjs').Stamp}
 */
export function expectedStamp({ electronVersion, platform, arch, packageName, packageVersion }) {
  return { electronVersion, platform, arch, packageName, packageVersion };
}

/** @param {unknown} stamp @param {import('./electron-native.mjs').Stamp} expected @param {boolean} bindingExists */
export function isCacheValid(stamp, expected, bindingExists) {
  if (!bindingExists || typeof stamp !== 'object' || stamp === null) return false;
  return Object.entries(expected).every(([k, v]) => /** @type {Record<string, unknown>} */ (stamp)[k] === v);
}

/**
 * Which steps to take, in order. `buildFromSource` (npm_config_build_from_source)
 * skips the download; an empty plan means nothing can produce the binding.
 * @param {{ cacheValid: boolean; hasPrebuildInstall: boolean; hasNodeGyp: boolean; buildFromSource: boolean }} input
 * @returns {import('./electron-native.mjs').NativeStep[]}
 */
export function planNativeSteps({ cacheValid, hasPrebuildInstall, hasNodeGyp, buildFromSource }) {
  if (cacheValid) return ['use-cache'];
  /** @type {('prebuild-install' | 'node-gyp')[]} */
  const steps = [];
  if (hasPrebuildInstall && !buildFromSource) steps.push('prebuild-install');
  if (hasNodeGyp) steps.push('node-gyp');
  return steps;
}

/**
 * Electron's headers for node-gyp. LANTERN_ELECTRON_HEADERS_URL wins; then
 * npm_config_disturl — Electron's documented variable — but only when it is meant
 * for Electron (npm_config_runtime=electron, or the URL says "electron"): many
 * .npmrc files point disturl at a *Node* mirror, whose headers would not match.
 * @param {import('./electron-native.mjs').Env} env
 */
export function headersDistUrl(env) {
  const explicit = env.LANTERN_ELECTRON_HEADERS_URL?.trim();
  if (explicit) return explicit;
  const disturl = env.npm_config_disturl?.trim();
  if (disturl && (env.npm_config_runtime === 'electron' || /electron/i.test(disturl))) return disturl;
  return DEFAULT_HEADERS_URL;
}

/** @param {import('./electron-native.mjs').Target} target */
export function prebuildInstallArgs({ electronVersion, platform, arch }) {
  return ['--runtime=electron', `--target=${electronVersion}`, `--platform=${platform}`, `--arch=${arch}`, '--tag-prefix=v'];
}

/** @param {{ electronVersion: string; arch: string; distUrl: string; devDir: string; jobs: number }} input */
export function nodeGypArgs({ electronVersion, arch, distUrl, devDir, jobs }) {
  return ['rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, `--arch=${arch}`, `--dist-url=${distUrl}`, `--devdir=${devDir}`, '--build-from-source', `--jobs=${jobs}`];
}

/**
 * Environment for the build tools. node-gyp lets npm_config_* variables OVERRIDE
 * its command line, and `npm start` exports Lantern's own npm_package_* — so both
 * the target-selecting npm_config_ keys and every npm_package_ key are removed;
 * mirrors, proxies, caches and prebuild-install's per-package settings stay.
 * @param {import('./electron-native.mjs').Env} env
 */
export function buildToolEnv(env) {
  const drop = new Set(['target', 'runtime', 'arch', 'target_arch', 'platform', 'target_platform', 'disturl', 'dist_url', 'nodedir', 'devdir', 'node_gyp', 'build_from_source'].map((k) => `npm_config_${k}`));
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    const lower = k.toLowerCase();
    if (drop.has(lower) || lower.startsWith('npm_package_') || lower.startsWith('npm_lifecycle_')) continue;
    out[k] = v;
  }
  delete out.ELECTRON_RUN_AS_NODE;
  return out;
}

/** Other versions' builds for the same platform/arch: superseded, so pruned (electron-builder ships all matching ones). */
/** @param {readonly string[]} entries @param {string} key @param {string} platform @param {string} arch */
export function staleCacheDirs(entries, key, platform, arch) {
  const suffix = `-${platform}-${arch}`;
  return entries.filter((name) => name !== key && name.endsWith(suffix) && !name.startsWith('.'));
}

/** Copy filter: the package without its Node-ABI build output. @param {string} pkgDir @param {string} path */
export function shouldCopy(pkgDir, path) {
  const rel = relative(pkgDir, path);
  if (rel === '') return true;
  const top = rel.split(sep)[0];
  return top !== 'build' && top !== 'node_modules' && top !== 'prebuilds';
}

export class NativeBuildError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'NativeBuildError';
  }
}

/**
 * The error text when no step produced a binding: what was tried, and what to do.
 * @param {{ key: string; attempts: { step: string; detail: string }[]; distUrl: string; packageName: string }} input
 */
export function nativeFailureMessage({ key, attempts, distUrl, packageName }) {
  const envPrefix = `npm_config_${packageName.replace(/[^a-zA-Z0-9]/g, '_')}`;
  return [
    `Could not get better-sqlite3 (${packageName}) for Electron ${key}.`,
    ...attempts.map((a) => `  - ${a.step}: ${a.detail}`),
    '',
    'node_modules was not changed (npm test keeps working). To fix, one of:',
    `  • online: retry; prebuilds come from the package's GitHub releases, headers from ${distUrl}`,
    `  • mirror for prebuilds: ${envPrefix}_binary_host_mirror=<url>`,
    `  • offline: put the prebuild tarball in a folder and set ${envPrefix}_local_prebuilds=<folder>`,
    '  • build from source: needs Python 3 and a C++20 compiler (Visual Studio Build Tools on Windows),',
    '    plus Electron headers — set LANTERN_ELECTRON_HEADERS_URL (or npm_config_disturl with npm_config_runtime=electron) for an internal mirror',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Effects

/** @param {string} path @returns {any} */
function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * @param {string} command @param {string[]} args @param {import('node:child_process').SpawnOptions} options
 * @returns {Promise<{ code: number; output: string }>}
 */
function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const out = [];
    child.stdout?.on('data', (c) => out.push(c));
    child.stderr?.on('data', (c) => out.push(c));
    child.on('error', (error) => resolve({ code: -1, output: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? -1, output: Buffer.concat(out).toString('utf8') }));
  });
}

/**
 * One line for the summary: the first line that names an error (compiler, gyp,
 * download), else the last lines. The full output goes to a log file.
 * @param {string} text
 */
export function summarizeOutput(text) {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const first = lines.find((l) => /(\berror\b|ERR!.*(stack|Error)|not found|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|\b40[34]\b)/i.test(l) && !/it worked if it ends with ok/.test(l));
  return (first ?? lines.slice(-3).join(' | ')) || '(no output)';
}

/**
 * Returns the path of an Electron-ABI better_sqlite3.node, building and caching
 * it when needed. Never touches node_modules. Throws NativeBuildError with a
 * readable message when every step failed.
 * @param {{ root: string; env?: import('./electron-native.mjs').Env; platform?: string; arch?: string; log?: (msg: string) => void }} options
 * @returns {Promise<string>}
 */
export async function ensureNativeBinding({ root, env = process.env, platform = process.platform, arch = process.arch, log = (/** @type {string} */ msg) => console.log(msg) }) {
  const electronVersion = readJson(join(root, 'node_modules', 'electron', 'package.json')).version;
  const pkgDir = join(root, 'node_modules', PACKAGE_DIR_NAME);
  const pkg = readJson(join(pkgDir, 'package.json'));
  const key = nativeCacheKey({ electronVersion, platform, arch });
  const paths = nativeCachePaths(root, key);
  const expected = expectedStamp({ electronVersion, platform, arch, packageName: pkg.name, packageVersion: pkg.version });
  let stamp = null;
  try {
    stamp = readJson(paths.stamp);
  } catch {
    stamp = null;
  }
  const prebuildBin = join(root, 'node_modules', 'prebuild-install', 'bin.js');
  const nodeGypBin = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const steps = planNativeSteps({
    cacheValid: isCacheValid(stamp, expected, existsSync(paths.binding)),
    hasPrebuildInstall: existsSync(prebuildBin),
    // node-gyp cannot cross-compile to another OS; prebuild-install can fetch for one.
    hasNodeGyp: existsSync(nodeGypBin) && platform === process.platform,
    buildFromSource: /^(1|true)$/i.test(env.npm_config_build_from_source ?? ''),
  });
  if (steps[0] === 'use-cache') return paths.binding;

  const distUrl = headersDistUrl(env);
  /** @type {{ step: string; detail: string }[]} */
  const attempts = [];
  if (steps.length === 0) attempts.push({ step: 'setup', detail: 'neither prebuild-install nor node-gyp is installed in node_modules' });
  const work = mkdtempSync(join(tmpdir(), 'lantern-native-'));
  try {
    for (const step of steps) {
      // A fresh copy per attempt, so a half-finished download never feeds the compiler.
      const copy = join(work, `${step}`, PACKAGE_DIR_NAME);
      cpSync(pkgDir, copy, { recursive: true, filter: (src) => shouldCopy(pkgDir, src) });
      const toolEnv = buildToolEnv(env);
      const built = join(copy, 'build', 'Release', BINDING_FILE);
      let result;
      if (step === 'prebuild-install') {
        log(`[native] downloading the better-sqlite3 prebuild for Electron ${electronVersion} (${platform}-${arch}) …`);
        result = await run(process.execPath, [prebuildBin, ...prebuildInstallArgs({ electronVersion, platform, arch })], { cwd: copy, env: toolEnv });
      } else {
        log(`[native] compiling better-sqlite3 for Electron ${electronVersion} (${platform}-${arch}); this takes a few minutes …`);
        const devDir = join(homedir(), '.electron-gyp');
        result = await run(process.execPath, [nodeGypBin, ...nodeGypArgs({ electronVersion, arch, distUrl, devDir, jobs: availableParallelism() })], { cwd: copy, env: toolEnv });
      }
      if (result.code === 0 && existsSync(built)) {
        install(built, paths, expected);
        pruneStale(root, key, platform, arch);
        log(`[native] cached ${relative(root, paths.binding)}`);
        return paths.binding;
      }
      const logFile = join(root, NATIVE_DIR, 'logs', `${key}-${step}.log`);
      mkdirSync(join(root, NATIVE_DIR, 'logs'), { recursive: true });
      writeFileSync(logFile, result.output);
      const what = result.code === 0 ? `finished but produced no ${BINDING_FILE}` : `exit ${result.code}: ${summarizeOutput(result.output)}`;
      attempts.push({ step, detail: `${what} (full log: ${relative(root, logFile)})` });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  throw new NativeBuildError(nativeFailureMessage({ key, attempts, distUrl, packageName: pkg.name }));
}

/**
 * Copy in, then rename: a crash never leaves a half-written binding that looks valid.
 * @param {string} built @param {{ dir: string; binding: string; stamp: string }} paths @param {import('./electron-native.mjs').Stamp} stamp
 */
function install(built, paths, stamp) {
  mkdirSync(paths.dir, { recursive: true });
  const tmp = `${paths.binding}.${process.pid}.tmp`;
  copyFileSync(built, tmp);
  renameSync(tmp, paths.binding);
  writeFileSync(paths.stamp, `${JSON.stringify({ ...stamp, builtAt: new Date().toISOString() }, null, 2)}\n`);
}

/** @param {string} root @param {string} key @param {string} platform @param {string} arch */
function pruneStale(root, key, platform, arch) {
  const base = join(root, NATIVE_DIR);
  for (const name of staleCacheDirs(readdirSync(base), key, platform, arch)) {
    rmSync(join(base, name), { recursive: true, force: true });
  }
}

// `node scripts/electron-native.mjs [--arch=x64] [--platform=win32]` — e.g. before
// `electron-builder` (which ships .electron-native/*-<platform>-<arch>/ as resources/native/).
if (process.argv[1] && basename(process.argv[1]) === basename(fileURLToPath(import.meta.url))) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  /** @param {string} name */
  const flag = (name) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  ensureNativeBinding({ root, platform: flag('platform') ?? process.platform, arch: flag('arch') ?? process.arch, log: (msg) => console.error(msg) }).then(
    (path) => console.log(path),
    (error) => {
      console.error(error instanceof NativeBuildError ? error.message : String(error));
      process.exit(1);
    },
  );
}

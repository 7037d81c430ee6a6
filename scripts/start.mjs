// @ts-check
/**
 * `npm start`: build with electron-vite, make sure an Electron-ABI copy of
 * better-sqlite3 exists (scripts/electron-native.mjs — node_modules stays built
 * for Node, so `npm test` and `npm start` work in either order), then launch the
 * Electron binary with LANTERN_NATIVE_BINDING pointing at that copy.
 *
 *   npm start                 build + launch
 *   npm start -- --no-build   launch the existing out/ build
 *   npm start -- -- --foo     pass --foo to Electron
 *
 * Pure helpers are exported for tests/unit/electron-native.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNativeBinding, NativeBuildError } from './electron-native.mjs';

/** @param {readonly string[]} argv */
export function parseStartArgs(argv) {
  const sep = argv.indexOf('--');
  const own = sep === -1 ? argv : argv.slice(0, sep);
  const unknown = own.filter((a) => a !== '--no-build');
  return { build: !own.includes('--no-build'), electronArgs: sep === -1 ? [] : argv.slice(sep + 1), unknown };
}

/**
 * What `npm start` does next, in order. A missing Electron binary is reported
 * first (before a pointless build); an explicit, existing LANTERN_NATIVE_BINDING
 * skips the native step.
 * @param {{ electronPath: string | null; build: boolean; nativeFromEnv: boolean }} state
 * @returns {('explain-missing-electron' | 'build' | 'native' | 'launch')[]}
 */
export function planStart({ electronPath, build, nativeFromEnv }) {
  if (electronPath === null) return ['explain-missing-electron'];
  return [...(build ? /** @type {const} */ (['build']) : []), ...(nativeFromEnv ? [] : /** @type {const} */ (['native'])), 'launch'];
}

/**
 * The message when node_modules/electron has no binary (installed with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1, or the download was blocked).
 * @param {{ env: Readonly<Record<string, string | undefined>>; hasInstallElectronBin: boolean; platform: string }} input
 */
export function electronMissingMessage({ env, hasInstallElectronBin, platform }) {
  const command = hasInstallElectronBin ? 'npx install-electron --no' : 'node node_modules/electron/install.js';
  const setMirror = platform === 'win32' ? '$env:ELECTRON_MIRROR="https://npmmirror.com/mirrors/electron/"; ' : 'ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ ';
  const lines = [
    'Lantern cannot start: the Electron binary is not installed.',
    '(node_modules/electron has no dist/ — npm install probably ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1.)',
    '',
    'Download it once (nothing else in node_modules changes):',
    `  ${command}`,
    ...(hasInstallElectronBin ? ['  (or: node node_modules/electron/install.js)'] : []),
    '',
    'No access to GitHub (e.g. a hospital network)? Use a mirror:',
    `  ${setMirror}${command}`,
    '  or an internal mirror with the same layout, e.g. ELECTRON_MIRROR=https://mirrors.hospital.example/electron/',
    '  (if the mirror names its folders 39.8.10 rather than v39.8.10, also set ELECTRON_CUSTOM_DIR={{ version }})',
    '  (an existing download cache also works: electron_config_cache=<folder>).',
  ];
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    lines.push('', 'ELECTRON_SKIP_BINARY_DOWNLOAD is set in this shell: the installer does nothing while it is — unset it for that command.');
  }
  lines.push('', 'Then run `npm start` again.');
  return lines.join('\n');
}

/**
 * Environment for the Electron process.
 * @param {Readonly<Record<string, string | undefined>>} env @param {string} nativeBinding
 */
export function launchEnv(env, nativeBinding) {
  /** @type {Record<string, string | undefined>} */
  const out = { ...env, LANTERN_NATIVE_BINDING: nativeBinding };
  // Would turn Electron into plain Node (and is fused off in packaged builds anyway).
  delete out.ELECTRON_RUN_AS_NODE;
  return out;
}

/** @param {string} root @returns {string | null} the Electron executable, or null when it is not installed */
function locateElectron(root) {
  try {
    const path = createRequire(join(root, 'package.json'))('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

async function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const args = parseStartArgs(process.argv.slice(2));
  if (args.unknown.length > 0) {
    console.error(`Unknown option(s): ${args.unknown.join(' ')}. Usage: npm start [-- --no-build] [-- -- <electron args>]`);
    process.exit(2);
  }
  const electronPath = locateElectron(root);
  const explicitNative = process.env.LANTERN_NATIVE_BINDING;
  const nativeFromEnv = Boolean(explicitNative && existsSync(explicitNative));
  let nativeBinding = nativeFromEnv ? /** @type {string} */ (explicitNative) : '';

  for (const step of planStart({ electronPath, build: args.build, nativeFromEnv })) {
    if (step === 'explain-missing-electron') {
      const electronPkg = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'));
      const bin = typeof electronPkg.bin === 'object' && electronPkg.bin !== null ? electronPkg.bin : {};
      console.error(electronMissingMessage({ env: process.env, hasInstallElectronBin: 'install-electron' in bin, platform: process.platform }));
      process.exit(1);
    } else if (step === 'build') {
      const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
      const result = spawnSync(process.execPath, [cli, 'build'], { cwd: root, stdio: 'inherit' });
      if (result.status !== 0) {
        console.error('electron-vite build failed (see above).');
        process.exit(result.status ?? 1);
      }
    } else if (step === 'native') {
      try {
        nativeBinding = await ensureNativeBinding({ root });
      } catch (error) {
        console.error(error instanceof NativeBuildError ? error.message : `Could not prepare the native SQLite module: ${String(error)}`);
        process.exit(1);
      }
    } else {
      const child = spawn(/** @type {string} */ (electronPath), ['.', ...args.electronArgs], { cwd: root, stdio: 'inherit', env: launchEnv(process.env, nativeBinding) });
      for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
        process.on(signal, () => {
          if (!child.killed) child.kill(signal);
        });
      }
      child.on('error', (error) => {
        console.error(`Could not launch Electron: ${error.message}`);
        process.exit(1);
      });
      child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    }
  }
}

if (process.argv[1] && basename(process.argv[1]) === basename(fileURLToPath(import.meta.url))) {
  main().catch((error) => {
    console.error(String(error instanceof Error ? error.message : error));
    process.exit(1);
  });
}

import { join } from 'node:path';
import { parseAllowList } from './navigation';

/**
 * Everything the main process reads from its surroundings — file locations in dev
 * (`npm start`) versus packaged (electron-builder), and the few environment
 * settings hospital IT may use — resolved in one pure function so both layouts
 * are unit-tested without Electron and index.ts stays wiring only.
 */
export interface RuntimeInput {
  isPackaged: boolean;
  /** Directory of the built main bundle (out/main). */
  mainDir: string;
  /** `app.getAppPath()`: the checkout in dev, resources/app.asar when packaged. */
  appPath: string;
  /** `process.resourcesPath`. */
  resourcesPath: string;
  env: Readonly<Record<string, string | undefined>>;
  electronVersion: string;
  platform: string;
  arch: string;
  /** process.argv (for `--diagnostics`). */
  argv?: readonly string[];
}

export interface RuntimeConfig {
  rendererDir: string;
  preloadPath: string;
  demoDataPath: string;
  /** better_sqlite3.node built for Electron's ABI; undefined = the package's own build. */
  nativeBinding: string | undefined;
  /** LANTERN_HUB_URL alone (the environment layer). The app uses the machine policy's effective value (policy.ts), which wins. */
  hubUrl: string | null;
  externalAllowList: readonly string[];
  updateFeedUrl: string | null;
  /**
   * Local diagnostic mode (`--diagnostics` or LANTERN_DIAGNOSTICS=1, e.g. from an IT
   * shortcut): the diagnostics console for any signed-in user, not only admins.
   */
  diagnosticMode: boolean;
}

/**
 * Cache key of an Electron-ABI better-sqlite3 build; the same format as
 * scripts/electron-native.mjs (tests/unit/electron-native.test.ts keeps them in step).
 */
export function nativeBindingKey(electronVersion: string, platform: string, arch: string): string {
  return `${electronVersion}-${platform}-${arch}`;
}

export function resolveRuntime(input: RuntimeInput): RuntimeConfig {
  const env = input.env;
  const common = {
    rendererDir: join(input.mainDir, '..', 'renderer'),
    preloadPath: join(input.mainDir, '..', 'preload', 'index.cjs'),
    hubUrl: nonEmpty(env.LANTERN_HUB_URL),
    externalAllowList: parseAllowList(env.LANTERN_EXTERNAL_HOSTS),
    updateFeedUrl: updateFeedUrl(input.isPackaged, env.LANTERN_UPDATE_URL),
    diagnosticMode: env.LANTERN_DIAGNOSTICS === '1' || (input.argv ?? []).includes('--diagnostics'),
  };
  if (input.isPackaged) {
    // electron-builder copies .electron-native/<key>/ to resources/native/<key>/
    // (outside the asar: a .node file cannot be dlopen()ed from inside one).
    // LANTERN_NATIVE_BINDING is ignored: a packaged app loads only native code it shipped.
    return {
      ...common,
      demoDataPath: join(input.resourcesPath, 'demo', 'demo.json'),
      nativeBinding: join(input.resourcesPath, 'native', nativeBindingKey(input.electronVersion, input.platform, input.arch), 'better_sqlite3.node'),
    };
  }
  return {
    ...common,
    demoDataPath: join(input.appPath, 'resources', 'demo', 'demo.json'),
    nativeBinding: nonEmpty(env.LANTERN_NATIVE_BINDING) ?? undefined,
  };
}

/**
 * Update feed for electron-updater: only in a packaged app, only when IT set
 * LANTERN_UPDATE_URL, and only over https (the feed decides what code runs next).
 */
export function updateFeedUrl(isPackaged: boolean, raw: string | undefined): string | null {
  const value = nonEmpty(raw);
  if (!isPackaged || value === null) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '' ? url.href : null;
  } catch {
    return null;
  }
}

function nonEmpty(value: string | undefined): string | null {
  return value !== undefined && value.trim() !== '' ? value.trim() : null;
}

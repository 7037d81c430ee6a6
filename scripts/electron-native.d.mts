// Types for electron-native.mjs (imported by tests/unit/electron-native.test.ts and start.mjs).
export declare const NATIVE_DIR: '.electron-native';
export declare const BINDING_FILE: 'better_sqlite3.node';
export declare const STAMP_FILE: 'stamp.json';
export declare const PACKAGE_DIR_NAME: 'better-sqlite3';
export declare const DEFAULT_HEADERS_URL: string;

export interface Target {
  electronVersion: string;
  platform: string;
  arch: string;
}
export interface Stamp extends Target {
  packageName: string;
  packageVersion: string;
}
export type NativeStep = 'use-cache' | 'prebuild-install' | 'node-gyp';
export type Env = Readonly<Record<string, string | undefined>>;

export declare function nativeCacheKey(target: Target): string;
export declare function nativeCachePaths(root: string, key: string): { dir: string; binding: string; stamp: string };
export declare function expectedStamp(stamp: Stamp): Stamp;
export declare function isCacheValid(stamp: unknown, expected: Stamp, bindingExists: boolean): boolean;
export declare function planNativeSteps(input: { cacheValid: boolean; hasPrebuildInstall: boolean; hasNodeGyp: boolean; buildFromSource: boolean }): NativeStep[];
export declare function headersDistUrl(env: Env): string;
export declare function prebuildInstallArgs(target: Target): string[];
export declare function nodeGypArgs(input: { electronVersion: string; arch: string; distUrl: string; devDir: string; jobs: number }): string[];
export declare function buildToolEnv(env: Env): Record<string, string>;
export declare function staleCacheDirs(entries: readonly string[], key: string, platform: string, arch: string): string[];
export declare function shouldCopy(pkgDir: string, path: string): boolean;
export declare function summarizeOutput(text: string): string;
export declare class NativeBuildError extends Error {}
export declare function nativeFailureMessage(input: { key: string; attempts: { step: string; detail: string }[]; distUrl: string; packageName: string }): string;
export declare function ensureNativeBinding(options: { root: string; env?: Env; platform?: string; arch?: string; log?: (msg: string) => void }): Promise<string>;

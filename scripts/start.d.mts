// Types for start.mjs (imported by tests/unit/electron-native.test.ts).
export type StartStep = 'explain-missing-electron' | 'build' | 'native' | 'launch';
export declare function parseStartArgs(argv: readonly string[]): { build: boolean; electronArgs: string[]; unknown: string[] };
export declare function planStart(state: { electronPath: string | null; build: boolean; nativeFromEnv: boolean }): StartStep[];
export declare function electronMissingMessage(input: { env: Readonly<Record<string, string | undefined>>; hasInstallElectronBin: boolean; platform: string }): string;
export declare function launchEnv(env: Readonly<Record<string, string | undefined>>, nativeBinding: string): Record<string, string | undefined>;

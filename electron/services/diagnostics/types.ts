import type { PolicyView } from '../../../shared/contract/console';
import type { ServiceContext } from '../handlers/context';
import type { SyncClient } from '../sync/client';

/** The updater's state as main reports it (electron/main/updater.ts UpdateStatus, flattened). */
export interface UpdateStatusView {
  check: boolean;
  reason: string;
  channel: string;
  feedUrl: string | null;
  installKind: string;
  lockedOff: boolean;
  state: string;
  lastCheckAt: number | null;
  availableVersion: string | null;
  error: string | null;
  /** electron-updater's per-install id and this install's position in a staged rollout (0…1). */
  rollout: { id: string; position: number } | null;
}

/** What electron/main (or a test) tells the console about its surroundings. Everything optional. */
export interface ConsoleOptions {
  /** Local diagnostic mode (`--diagnostics` / LANTERN_DIAGNOSTICS=1): the console for any signed-in user. */
  diagnosticMode?: boolean;
  /** process.versions: electron, chrome, node, v8. */
  versions?: Readonly<Record<string, string | undefined>>;
  platform?: string;
  arch?: string;
  /** `<userData>/logs` */
  logDir?: string | null;
  /** Electron's crashDumps folder (listed, never exported). */
  crashDumpsDir?: string | null;
  /** Where `export diagnostics` writes; default `<dataDir>/diagnostics`. */
  exportDir?: string;
  policy?: PolicyView | null;
  updates?: (() => UpdateStatusView) | null;
  /** Trusted CAs for `hub ping` instead of Node's store (tests). */
  ca?: string | Buffer;
  /** How long `sync retry` waits for the cycle (ms). Default 15 s. */
  syncRetryWaitMs?: number;
}

export interface ConsoleDeps extends ConsoleOptions {
  ctx: ServiceContext;
  sync: SyncClient | null;
  dataDir: string;
}

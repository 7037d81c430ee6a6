import type { Change } from '../../shared/sync/protocol';
import type { KeyStore } from './replica/keystore';
import type { ConsoleOptions } from './diagnostics/types';
import type { LlmConfig } from '../../shared/engine/llm/provider';

export type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: unknown) => void;

export interface WorkstationOptions {
  dataDir: string;
  keyStore: KeyStore;
  appVersion: string;
  hubUrl: string | null;
  /** Seed this demo clinic into a new replica when no hub is configured. */
  demoDataPath?: string;
  /** Staff, queues, readings and canned replies of the demo clinic (resources/demo/workspace.json). */
  demoWorkspacePath?: string;
  nativeBinding?: string;
  log?: Log;
  now?: () => number;
  /** Seed knowledge (resources/knowledge); default: beside the demo data. */
  knowledgeDir?: string | null;
  /** Idle minutes before the workspace locks (hospital policy). */
  autoLockMinutes?: number;
  /** Public demo accounts to show on the sign-in screen (embedded demo hub only). */
  demoAccounts?: { username: string; password: string; role: string; displayName: string }[];
  /** Diagnostics console surroundings (log folder, versions, updater state, …) and the machine policy view. */
  console?: ConsoleOptions;
  /** On-prem LLM for `knowledge.assist`; default from LANTERN_LLM_* in the environment, null = off. */
  llm?: LlmConfig | null;
  /** Sync tuning (tests and the fault harness). */
  sync?: { pollMs?: number; pullLimit?: number; random?: () => number; onApplied?: (changes: Change[]) => void };
}

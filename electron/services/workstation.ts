import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { contract } from '../../shared/contract';
import { createDispatcher, type Dispatcher } from '../../shared/contract/dispatch';
import type { KeyStore } from './replica/keystore';
import { openReplica, type Replica } from './replica/open';
import { loadDemoData, seedDemo } from './demo/seed';
import type { ServiceContext } from './handlers/context';
import { sessionHandlers } from './handlers/session';
import { conversationsHandlers } from './handlers/conversations';
import { messagesHandlers } from './handlers/messages';
import { diagnosticsHandlers } from './handlers/diagnostics';

export type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: unknown) => void;

export interface WorkstationOptions {
  dataDir: string;
  keyStore: KeyStore;
  appVersion: string;
  hubUrl: string | null;
  /** Seed this demo clinic into a new replica when no hub is configured. */
  demoDataPath?: string;
  nativeBinding?: string;
  log?: Log;
  now?: () => number;
}

export interface Workstation {
  readonly dispatch: Dispatcher;
  readonly replica: Replica;
  close(): Promise<void>;
}

export const REPLICA_FILE = 'replica.db';

/**
 * Everything the workstation does, in plain Node: Electron's main process, the
 * Chromium test harness and the fault harness all wire this same object.
 */
export async function createWorkstation(opts: WorkstationOptions): Promise<Workstation> {
  const log: Log = opts.log ?? (() => undefined);
  mkdirSync(opts.dataDir, { recursive: true });
  const { key, created } = await opts.keyStore.getOrCreateKey();
  const replica = openReplica({ path: join(opts.dataDir, REPLICA_FILE), key, create: created, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
  key.fill(0);
  if (created && !opts.hubUrl && opts.demoDataPath) {
    const seeded = seedDemo(replica, loadDemoData(opts.demoDataPath), opts.now?.());
    log('info', 'demo clinic seeded', seeded);
  }
  const ctx: ServiceContext = {
    replica,
    appVersion: opts.appVersion,
    hubUrl: opts.hubUrl,
    now: opts.now ?? Date.now,
    user: opts.hubUrl ? { id: 'pending-login', name: '' } : { id: 'demo-agent', name: '演示坐席 Demo agent' },
  };
  const dispatch = createDispatcher(
    contract,
    {
      session: sessionHandlers(ctx),
      conversations: conversationsHandlers(ctx),
      messages: messagesHandlers(ctx),
      diagnostics: diagnosticsHandlers(ctx),
    },
    { onInternalError: (method, error) => log('error', `handler ${method} failed`, { error: String(error) }) },
  );
  return {
    dispatch,
    replica,
    async close() {
      replica.close();
    },
  };
}

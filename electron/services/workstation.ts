import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
import { notesHandlers } from './handlers/notes';
import { draftsHandlers } from './handlers/drafts';
import { contactsHandlers } from './handlers/contacts';
import { cannedHandlers } from './handlers/canned';
import { usersHandlers } from './handlers/users';
import { DEMO_USER, type SessionUser } from './handlers/context';
import { loadWorkspaceDemo, seedWorkspaceDemo } from './demo/workspace-seed';

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
}

export interface Workstation {
  readonly dispatch: Dispatcher;
  readonly replica: Replica;
  close(): Promise<void>;
}

export const REPLICA_FILE = 'replica.db';

const PENDING_USER: SessionUser = { id: 'pending-login', name: '', role: 'agent', teamIds: [] };

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
    const now = opts.now?.() ?? Date.now();
    const seeded = seedDemo(replica, loadDemoData(opts.demoDataPath), now);
    const workspacePath = opts.demoWorkspacePath ?? join(dirname(opts.demoDataPath), 'workspace.json');
    seedWorkspaceDemo(replica, loadWorkspaceDemo(workspacePath), now);
    log('info', 'demo clinic seeded', seeded);
  }
  const ctx: ServiceContext = {
    replica,
    appVersion: opts.appVersion,
    hubUrl: opts.hubUrl,
    now: opts.now ?? Date.now,
    session: { user: opts.hubUrl ? PENDING_USER : DEMO_USER },
  };
  const dispatch = createDispatcher(
    contract,
    {
      session: sessionHandlers(ctx),
      conversations: conversationsHandlers(ctx),
      messages: messagesHandlers(ctx),
      notes: notesHandlers(ctx),
      drafts: draftsHandlers(ctx),
      contacts: contactsHandlers(ctx),
      canned: cannedHandlers(ctx),
      users: usersHandlers(ctx),
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

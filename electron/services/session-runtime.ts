import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { contract } from '../../shared/contract';
import { createDispatcher, type Dispatcher } from '../../shared/contract/dispatch';
import type { Result } from '../../shared/contract/result';
import type { MeValue } from '../../shared/sync/protocol';
import { openReplica, type Replica } from './replica/open';
import { loadDemoData, seedDemo } from './demo/seed';
import { loadWorkspaceDemo, seedWorkspaceDemo } from './demo/workspace-seed';
import { DEMO_USER, type ServiceContext, type SessionUser } from './handlers/context';
import { sessionHandlers } from './handlers/session';
import { conversationsHandlers } from './handlers/conversations';
import { messagesHandlers } from './handlers/messages';
import { diagnosticsHandlers } from './handlers/diagnostics';
import { notesHandlers } from './handlers/notes';
import { draftsHandlers } from './handlers/drafts';
import { contactsHandlers } from './handlers/contacts';
import { cannedHandlers } from './handlers/canned';
import { usersHandlers } from './handlers/users';
import { syncHandlers } from './handlers/sync';
import { knowledgeHandlers, loadSeedKnowledge } from './handlers/knowledge';
import { supervisorHandlers } from './handlers/supervisor';
import { attachmentsHandlers } from './handlers/attachments';
import { hasUnlockPassword, setUnlockPassword } from './handlers/lock';
import { SyncClient } from './sync/client';
import { consoleHandlers, policyHandlers } from './diagnostics/handlers';
import type { Log, WorkstationOptions } from './workstation-options';

export const REPLICA_FILE = 'replica.db';
/** The demo clinic's unlock password (documented in the README; demo data only). */
export const DEMO_UNLOCK_PASSWORD = 'demo';

const PENDING_USER: SessionUser = { id: 'pending-login', name: '', role: 'agent', teamIds: [] };

/** Methods that change the replica and queue work for the hub: a sync cycle follows them. */
const MUTATING = new Set([
  'messages.queueReply',
  'messages.recall',
  'messages.cancelQueued',
  'notes.add',
  'conversations.setStatus',
  'conversations.assign',
  'conversations.setPriority',
  'conversations.setTags',
  'knowledge.feedback',
  'knowledge.track',
  'knowledge.dismiss',
]);
/** What still works while the screen is locked. */
const WHILE_LOCKED = new Set(['session.info', 'session.unlock', 'session.setLanguage', 'sync.status', 'sync.login', 'sync.logout', 'policy.get']);

function userFrom(me: MeValue): SessionUser {
  return { id: me.user.id, name: me.user.displayName, role: me.user.role, teamIds: me.teams.map((t) => t.id) };
}

/** One open replica and everything that works on it: from sign-in (or start-up resume) to sign-out. */
export interface SessionRuntime {
  readonly dispatch: Dispatcher;
  readonly replica: Replica;
  readonly sync: SyncClient | null;
  readonly ctx: ServiceContext;
  /** True once a user is signed in (always in demo mode). */
  signedIn(): boolean;
  close(): Promise<void>;
}

/**
 * Opens the encrypted replica with the key from the key store (the key buffer is
 * wiped as soon as SQLCipher has it) and wires every domain's handlers to it.
 * The workstation shell (workstation.ts) opens one at start and after each
 * sign-in, and closes it at sign-out so no key or page stays in memory.
 */
export async function openSession(opts: WorkstationOptions, log: Log): Promise<SessionRuntime> {
  mkdirSync(opts.dataDir, { recursive: true });
  const { key, created } = await opts.keyStore.getOrCreateKey();
  const replica = openReplica({ path: join(opts.dataDir, REPLICA_FILE), key, create: created, backgroundCheckpoint: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
  key.fill(0);
  if (created && !opts.hubUrl && opts.demoDataPath) {
    const now = opts.now?.() ?? Date.now();
    const seeded = seedDemo(replica, loadDemoData(opts.demoDataPath), now);
    const workspacePath = opts.demoWorkspacePath ?? join(dirname(opts.demoDataPath), 'workspace.json');
    seedWorkspaceDemo(replica, loadWorkspaceDemo(workspacePath), now);
    log('info', 'demo clinic seeded', seeded);
  }
  if (!opts.hubUrl && !hasUnlockPassword(replica)) await setUnlockPassword(replica, DEMO_UNLOCK_PASSWORD);

  const ctx: ServiceContext = {
    replica,
    appVersion: opts.appVersion,
    hubUrl: opts.hubUrl,
    now: opts.now ?? Date.now,
    session: { user: opts.hubUrl ? PENDING_USER : DEMO_USER, locked: false },
    autoLockMinutes: opts.autoLockMinutes ?? 5,
    demoAccounts: opts.demoAccounts ?? null,
  };

  const sync = opts.hubUrl
    ? new SyncClient({
        replica,
        hubUrl: opts.hubUrl,
        log,
        ...(opts.sync?.pollMs ? { pollMs: opts.sync.pollMs } : {}),
        ...(opts.sync?.pullLimit ? { pullLimit: opts.sync.pullLimit } : {}),
        ...(opts.sync?.random ? { random: opts.sync.random } : {}),
        ...(opts.sync?.onApplied ? { onApplied: opts.sync.onApplied } : {}),
        ...(opts.now ? { now: opts.now } : {}),
        onUser: (me) => {
          ctx.session.user = me ? userFrom(me) : PENDING_USER;
        },
      })
    : null;

  const knowledgeDir = opts.knowledgeDir !== undefined ? opts.knowledgeDir : opts.demoDataPath ? join(dirname(opts.demoDataPath), '..', 'knowledge') : null;
  const inner = createDispatcher(
    contract,
    {
      session: sessionHandlers(ctx),
      conversations: conversationsHandlers(ctx),
      messages: messagesHandlers(ctx),
      attachments: attachmentsHandlers(ctx, sync),
      notes: notesHandlers(ctx),
      drafts: draftsHandlers(ctx),
      contacts: contactsHandlers(ctx),
      canned: cannedHandlers(ctx),
      users: usersHandlers(ctx),
      sync: syncHandlers(ctx, sync),
      knowledge: knowledgeHandlers(ctx, loadSeedKnowledge(knowledgeDir), { sync, ...(opts.llm !== undefined ? { llm: opts.llm } : {}) }),
      supervisor: supervisorHandlers(ctx, sync, knowledgeDir),
      diagnostics: diagnosticsHandlers(ctx),
      policy: policyHandlers(ctx, opts.console?.policy),
      console: consoleHandlers({ ctx, sync, dataDir: opts.dataDir, ...(opts.console ? { options: opts.console } : {}) }),
    },
    { onInternalError: (method, error) => log('error', `handler ${method} failed`, { error: String(error) }) },
  );

  const signedIn = () => ctx.session.user.id !== PENDING_USER.id;
  const dispatch: Dispatcher = async (method, input): Promise<Result<unknown>> => {
    const name = typeof method === 'string' ? method : '';
    // While locked or signed out, only the lock screen's calls get through.
    if ((ctx.session.locked || (sync && !signedIn())) && !WHILE_LOCKED.has(name)) {
      return { ok: false, error: { code: ctx.session.locked ? 'session.locked' : 'session.signed_out', message: 'Sign in or unlock first' } };
    }
    const r = await inner(method, input);
    if (r.ok && MUTATING.has(name)) sync?.kick();
    return r;
  };

  return {
    dispatch,
    replica,
    sync,
    ctx,
    signedIn: () => !sync || signedIn(),
    async close() {
      sync?.stop();
      await sync?.idle();
      replica.close();
    },
  };
}

import { contract, type Contract } from '../../shared/contract';
import { createDispatcher, type Dispatcher, type Handlers } from '../../shared/contract/dispatch';
import { ContractErrorCode, LanternError, type Result } from '../../shared/contract/result';
import type { Language } from '../../shared/domain/types';
import { policyHandlers } from './diagnostics/handlers';
import { readLanguage } from './handlers/session';
import type { Replica } from './replica/open';
import { openSession, type SessionRuntime } from './session-runtime';
import type { SyncClient } from './sync/client';
import type { Log, WorkstationOptions } from './workstation-options';

export { REPLICA_FILE, DEMO_UNLOCK_PASSWORD } from './session-runtime';
export type { Log, WorkstationOptions } from './workstation-options';

export interface Workstation {
  readonly dispatch: Dispatcher;
  /** The open replica. Throws while signed out: the replica is closed and its key is not in memory. */
  readonly replica: Replica;
  /** The sync engine of the signed-in session (null in demo mode and while signed out). */
  readonly sync: SyncClient | null;
  /** True while a user is signed in (always in demo mode). */
  readonly signedIn: boolean;
  /** Called with each session that signs in (and at once for the current one). Returns an unsubscribe. */
  onSignedIn(listener: (session: { sync: SyncClient | null }) => void): () => void;
  close(): Promise<void>;
}

/** What answers while nobody is signed in: the sign-in screen's calls only. */
const signedOutContract = {
  session: { info: contract.session.info, setLanguage: contract.session.setLanguage },
  sync: { status: contract.sync.status, login: contract.sync.login, logout: contract.sync.logout },
  policy: contract.policy,
} as const;

/**
 * Everything the workstation does, in plain Node: Electron's main process, the
 * Chromium test harness and the fault harness all wire this same object.
 *
 * With a hub, the replica is open only while a user is signed in: start-up opens
 * it to resume a stored session and closes it again when there is none, and
 * sign-out closes it (sync stopped, connection closed, key gone from memory).
 * Nothing on disk is wiped — queued replies wait in the encrypted file for the
 * next sign-in. Demo mode (no hub) has no sign-out; the lock screen guards it.
 */
export async function createWorkstation(opts: WorkstationOptions): Promise<Workstation> {
  const log: Log = opts.log ?? (() => undefined);
  let current: SessionRuntime | null = await openSession(opts, log);
  let language: Language = readLanguage(current.ctx);
  const schemaVersion = current.replica.schemaVersion;
  let leftBehind = { queued: 0, background: 0, rejected: 0 };
  const listeners = new Set<(session: { sync: SyncClient | null }) => void>();
  // Sign-in and sign-out never interleave.
  let transition: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = transition.then(fn, fn);
    transition = next.catch(() => undefined);
    return next;
  };

  const closeCurrent = async (why: string) => {
    const rt = current;
    if (!rt) return;
    current = null;
    language = readLanguage(rt.ctx);
    if (rt.sync) {
      const s = rt.sync.snapshot();
      leftBehind = { queued: s.queued, background: s.background, rejected: s.rejected };
    }
    await rt.close();
    log('info', `replica closed (${why})`, leftBehind);
  };

  if (current.sync) {
    const me = await current.sync.resume();
    if (me) log('info', 'session resumed', { user: me.user.id });
    else await closeCurrent('no stored session');
  }

  const signedOutPolicy = policyHandlers({ hubUrl: opts.hubUrl, autoLockMinutes: opts.autoLockMinutes ?? 5 }, opts.console?.policy);
  const signedOut = createDispatcher(
    signedOutContract,
    {
      session: {
        info: () => ({
          appVersion: opts.appVersion,
          mode: 'hub' as const,
          hubUrl: opts.hubUrl,
          replica: { schemaVersion, encrypted: true },
          language,
          user: null,
          locked: false,
          doNotDisturb: false,
          autoLockMinutes: opts.autoLockMinutes ?? 5,
          demoAccounts: opts.demoAccounts ?? null,
        }),
        setLanguage: ({ language: next }) => {
          language = next;
          return { language: next };
        },
      },
      sync: {
        status: () => ({ status: 'signed_out' as const, ...leftBehind, lastSyncAt: null, error: null, initial: null, indexing: null, version: 0, arrived: [] }),
        login: (input) =>
          serial(async () => {
            if (current) throw new LanternError('session.already_signed_in', 'Already signed in');
            const rt = await openSession(opts, log);
            const r = await rt.dispatch('sync.login', input);
            if (!r.ok) {
              await rt.close();
              throw new LanternError(r.error.code, r.error.message);
            }
            if (readLanguage(rt.ctx) !== language) await rt.dispatch('session.setLanguage', { language });
            current = rt;
            for (const l of listeners) l({ sync: rt.sync });
            return r.value as { id: string; displayName: string; role: string };
          }),
        logout: () => ({ signedOut: true as const }),
      },
      policy: signedOutPolicy,
    } satisfies Handlers<typeof signedOutContract>,
    { onInternalError: (method, error) => log('error', `handler ${method} failed`, { error: String(error) }) },
  );

  let closed = false;
  const dispatch: Dispatcher = async (method, input): Promise<Result<unknown>> => {
    if (closed) return { ok: false, error: { code: 'session.closed', message: 'Lantern is closing' } };
    const rt = current;
    if (!rt) {
      const r = await signedOut(method, input);
      if (!r.ok && r.error.code === ContractErrorCode.unknownMethod && typeof method === 'string' && method in flatMethods) {
        return { ok: false, error: { code: 'session.signed_out', message: 'Sign in first' } };
      }
      return r;
    }
    const r = await rt.dispatch(method, input);
    if (r.ok && method === 'sync.logout' && rt.sync) await serial(() => closeCurrent('signed out'));
    return r;
  };

  return {
    dispatch,
    get replica(): Replica {
      if (!current) throw new Error('Signed out: the replica is closed');
      return current.replica;
    },
    get sync() {
      return current?.sync ?? null;
    },
    get signedIn() {
      return current !== null && current.signedIn();
    },
    onSignedIn(listener) {
      listeners.add(listener);
      if (current?.signedIn()) listener({ sync: current.sync });
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      await serial(() => closeCurrent('quit'));
    },
  };
}

const flatMethods: Record<string, true> = Object.fromEntries(
  Object.entries(contract as Contract).flatMap(([d, methods]) => Object.keys(methods).map((m) => [`${d}.${m}`, true] as const)),
);

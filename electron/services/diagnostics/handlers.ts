import type { Contract } from '../../../shared/contract';
import type { PolicyView } from '../../../shared/contract/console';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import type { ServiceContext } from '../handlers/context';
import type { SyncClient } from '../sync/client';
import { complete, ConsoleHistory, runLine } from './commands';
import type { ConsoleDeps, ConsoleOptions } from './types';

/**
 * Who may open the console: an admin, anyone in the demo clinic (no hub, no real
 * patients), or anyone when IT started the app in local diagnostic mode.
 */
export function consoleAccess(ctx: ServiceContext, diagnosticMode: boolean): { allowed: boolean; reason: 'admin' | 'demo' | 'diagnostic_mode' | null } {
  if (ctx.session.user.role === 'admin' && ctx.session.user.id !== 'pending-login') return { allowed: true, reason: 'admin' };
  if (!ctx.hubUrl) return { allowed: true, reason: 'demo' };
  if (diagnosticMode) return { allowed: true, reason: 'diagnostic_mode' };
  return { allowed: false, reason: null };
}

export interface ConsoleHandlerInput {
  ctx: ServiceContext;
  sync: SyncClient | null;
  dataDir: string;
  options?: ConsoleOptions;
}

export function consoleHandlers(input: ConsoleHandlerInput): Handlers<Contract>['console'] {
  const deps: ConsoleDeps = { ...input.options, ctx: input.ctx, sync: input.sync, dataDir: input.dataDir };
  const history = new ConsoleHistory();
  const guard = () => {
    if (!consoleAccess(input.ctx, deps.diagnosticMode ?? false).allowed) throw new LanternError('console.forbidden', 'The diagnostics console is for admins, the demo clinic or local diagnostic mode');
  };
  return {
    info: () => consoleAccess(input.ctx, deps.diagnosticMode ?? false),
    run: async ({ line }) => {
      guard();
      return runLine(deps, line, history);
    },
    complete: ({ line }) => {
      guard();
      return complete(line);
    },
    history: () => {
      guard();
      return { lines: history.all() };
    },
  };
}

/** `policy.get`: the view main computed from the machine policy, or one that says nothing is locked. */
export function policyHandlers(ctx: Pick<ServiceContext, 'hubUrl' | 'autoLockMinutes'>, view: PolicyView | null | undefined): Handlers<Contract>['policy'] {
  const fallback: PolicyView = {
    file: '',
    fileFound: false,
    registryKey: null,
    registryFound: false,
    settings: {
      hubUrl: { value: ctx.hubUrl, locked: false, source: ctx.hubUrl ? 'environment' : 'default' },
      autoLockMinutes: { value: ctx.autoLockMinutes, locked: false, source: 'default' },
      updatesEnabled: { value: true, locked: false, source: 'default' },
      updateChannel: { value: 'stable', locked: false, source: 'default' },
      allowedChannels: { value: null, locked: false, source: 'default' },
      logLevel: { value: 'info', locked: false, source: 'default' },
    },
  };
  return { get: () => view ?? fallback };
}

import { eq } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import { languageSchema, type Language } from '../../../shared/domain/types';
import { settings } from '../../../db/replica/schema';
import type { ServiceContext } from './context';
import { checkUnlockPassword } from './lock';

export function readLanguage(ctx: ServiceContext): Language {
  const row = ctx.replica.db.select().from(settings).where(eq(settings.key, 'language')).get();
  const parsed = languageSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : 'zh-CN';
}

function readDoNotDisturb(ctx: ServiceContext): boolean {
  return ctx.replica.db.select().from(settings).where(eq(settings.key, 'do_not_disturb')).get()?.value === 'on';
}

function writeSetting(ctx: ServiceContext, key: string, value: string) {
  ctx.replica.db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
}

export function sessionHandlers(ctx: ServiceContext): Handlers<Contract>['session'] {
  return {
    info: () => {
      const u = ctx.session.user;
      return {
        appVersion: ctx.appVersion,
        mode: ctx.hubUrl ? 'hub' : 'demo',
        hubUrl: ctx.hubUrl,
        replica: { schemaVersion: ctx.replica.schemaVersion, encrypted: true },
        language: readLanguage(ctx),
        user: u.id === 'pending-login' ? null : { id: u.id, name: u.name, role: u.role },
        locked: ctx.session.locked,
        doNotDisturb: readDoNotDisturb(ctx),
        autoLockMinutes: ctx.autoLockMinutes,
        demoAccounts: ctx.demoAccounts,
      };
    },
    setLanguage: ({ language }) => {
      writeSetting(ctx, 'language', language);
      return { language };
    },
    setDoNotDisturb: ({ on }) => {
      writeSetting(ctx, 'do_not_disturb', on ? 'on' : 'off');
      return { doNotDisturb: on };
    },
    lock: () => {
      ctx.session.locked = true;
      return { locked: true as const };
    },
    unlock: async ({ password }) => {
      if (!(await checkUnlockPassword(ctx.replica, password))) throw new LanternError('session.wrong_password', 'Wrong password');
      ctx.session.locked = false;
      return { locked: false as const };
    },
  };
}

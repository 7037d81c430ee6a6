import { eq } from 'drizzle-orm';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { languageSchema, type Language } from '../../../shared/domain/types';
import { settings } from '../../../db/replica/schema';
import type { ServiceContext } from './context';

export function readLanguage(ctx: ServiceContext): Language {
  const row = ctx.replica.db.select().from(settings).where(eq(settings.key, 'language')).get();
  const parsed = languageSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : 'zh-CN';
}

export function sessionHandlers(ctx: ServiceContext): Handlers<Contract>['session'] {
  return {
    info: () => ({
      appVersion: ctx.appVersion,
      mode: ctx.hubUrl ? 'hub' : 'demo',
      hubUrl: ctx.hubUrl,
      replica: { schemaVersion: ctx.replica.schemaVersion, encrypted: true },
      language: readLanguage(ctx),
    }),
    setLanguage: ({ language }) => {
      ctx.replica.db
        .insert(settings)
        .values({ key: 'language', value: language })
        .onConflictDoUpdate({ target: settings.key, set: { value: language } })
        .run();
      return { language };
    },
  };
}

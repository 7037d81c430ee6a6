import { z } from 'zod';
import { domain, method } from './define';
import { languageSchema } from '../domain/types';

export const sessionDomain = domain('session', {
  info: method(
    'What the workstation is connected to and how the replica is doing.',
    z.object({}).strict(),
    z.object({
      appVersion: z.string(),
      mode: z.enum(['demo', 'hub']),
      hubUrl: z.string().nullable(),
      replica: z.object({ schemaVersion: z.number().int(), encrypted: z.boolean() }),
      language: languageSchema,
      user: z.object({ id: z.string(), name: z.string(), role: z.string() }).nullable(),
      locked: z.boolean(),
      /** Desktop notifications muted on this workstation (kept in the replica settings). */
      doNotDisturb: z.boolean(),
      /** Minutes of inactivity before the screen locks (policy). */
      autoLockMinutes: z.number().int().positive(),
      /** Public demo accounts of the embedded demo hub, shown on the sign-in screen; null with a real hub. */
      demoAccounts: z.array(z.object({ username: z.string(), password: z.string(), role: z.string(), displayName: z.string() })).nullable(),
    }),
  ),
  lock: method('Lock the workspace (idle or on request): data stays, drafts stay, everything but unlock is refused.', z.object({}).strict(), z.object({ locked: z.literal(true) })),
  unlock: method(
    'Unlock with the signed-in user’s password; verified locally so it works offline.',
    z.object({ password: z.string().min(1).max(256) }).strict(),
    z.object({ locked: z.literal(false) }),
  ),
  setDoNotDisturb: method(
    'Mute or unmute desktop notifications on this workstation; remembered in the replica settings.',
    z.object({ on: z.boolean() }).strict(),
    z.object({ doNotDisturb: z.boolean() }),
  ),
  setLanguage: method(
    'Remember the UI language in the replica settings.',
    z.object({ language: languageSchema }).strict(),
    z.object({ language: languageSchema }),
  ),
});

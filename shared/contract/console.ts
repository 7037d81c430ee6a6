import { z } from 'zod';
import { domain, method } from './define';

/**
 * IT's side of the workstation: the machine policy as it applies (what is locked by
 * the hospital and what is not) and the diagnostics console (a small command line
 * in the UI for admins, the demo clinic and local diagnostic mode).
 */

export const settingSourceSchema = z.enum(['policy', 'environment', 'default']);
export type SettingSource = z.infer<typeof settingSourceSchema>;

const setting = <T extends z.ZodType>(value: T) => z.object({ value, locked: z.boolean(), source: settingSourceSchema });

export const policyViewSchema = z.object({
  /** The machine policy file this workstation reads (whether or not it exists). */
  file: z.string(),
  fileFound: z.boolean(),
  /** Windows: the registry key read as well (written by the MSI or Group Policy); null elsewhere. */
  registryKey: z.string().nullable(),
  registryFound: z.boolean(),
  settings: z.object({
    hubUrl: setting(z.string().nullable()),
    autoLockMinutes: setting(z.number().int().positive()),
    updatesEnabled: setting(z.boolean()),
    updateChannel: setting(z.string()),
    /** null = any channel. */
    allowedChannels: setting(z.array(z.string()).nullable()),
    logLevel: setting(z.enum(['error', 'warn', 'info', 'debug'])),
  }),
});
export type PolicyView = z.infer<typeof policyViewSchema>;

export const policyDomain = domain('policy', {
  get: method('Effective settings, and which of them the machine policy locks (the UI shows those as read-only).', z.object({}).strict(), policyViewSchema),
});

export const consoleLineSchema = z.string().max(2000);

export const consoleDomain = domain('console', {
  info: method(
    'Whether this user may open the diagnostics console (admin role, demo clinic or local diagnostic mode), and why.',
    z.object({}).strict(),
    z.object({ allowed: z.boolean(), reason: z.enum(['admin', 'demo', 'diagnostic_mode']).nullable() }),
  ),
  run: method(
    'Run one console line. Output lines may carry ANSI colour; exitCode 0 ok, 1 failed, 2 usage. `effect` asks the terminal to clear itself or the app to show the lock screen.',
    z.object({ line: consoleLineSchema }).strict(),
    z.object({ lines: z.array(z.string()), exitCode: z.number().int().min(0).max(255), effect: z.enum(['none', 'clear', 'lock']) }),
  ),
  complete: method(
    'Tab completion: the line completed as far as it is unambiguous, and the candidates for the word being typed.',
    z.object({ line: consoleLineSchema }).strict(),
    z.object({ line: z.string(), candidates: z.array(z.string()) }),
  ),
  history: method('Lines run in this session, oldest first (for ↑/↓ in the terminal).', z.object({}).strict(), z.object({ lines: z.array(z.string()) })),
});

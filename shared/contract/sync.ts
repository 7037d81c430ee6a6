import { z } from 'zod';
import { domain, method } from './define';
import { errorShape } from './result';

export const syncStatusSchema = z.enum(['demo', 'signed_out', 'offline', 'syncing', 'online', 'error']);
export type SyncStatusValue = z.infer<typeof syncStatusSchema>;

export const syncSnapshotSchema = z.object({
  status: syncStatusSchema,
  /** The user's own work waiting for the hub (replies, notes, conversation changes): the indicator's "N queued". */
  queued: z.number().int().nonnegative(),
  /** Background records waiting too (read markers, knowledge-card feedback, audit copies of identifier reveals). */
  background: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  lastSyncAt: z.number().int().nullable(),
  error: errorShape.nullable(),
  initial: z.object({ pulled: z.number().int(), percent: z.number().int().min(0).max(100).nullable() }).nullable(),
  /** The offline search index being built after the initial sync (messages and notes done / total). */
  indexing: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
  version: z.number().int(),
  /** Conversations that arrived or changed hands since the last status call, with their priority. */
  arrived: z.array(z.object({ id: z.string(), contactName: z.string(), priority: z.string(), preview: z.string() })),
});
export type SyncSnapshotValue = z.infer<typeof syncSnapshotSchema>;

export const syncDomain = domain('sync', {
  status: method('Connection and sync state for the always-visible indicator.', z.object({}).strict(), syncSnapshotSchema),
  login: method(
    'Sign in at the hub (or the embedded hub).',
    z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) }).strict(),
    z.object({ id: z.string(), displayName: z.string(), role: z.string() }),
  ),
  logout: method('Sign out. Nothing on disk is wiped; the replica is locked until the next sign-in.', z.object({}).strict(), z.object({ signedOut: z.literal(true) })),
  rejected: method(
    'Changes the hub refused, with the reason — kept until the user dismisses them.',
    z.object({}).strict(),
    z.object({ items: z.array(z.object({ id: z.string(), kind: z.string(), code: z.string().nullable(), message: z.string().nullable(), createdAt: z.number().int(), summary: z.string() })) }),
  ),
  dismissRejected: method('Acknowledge a rejected change (it is removed from the list).', z.object({ id: z.string().min(1).max(64) }).strict(), z.object({ id: z.string() })),
});

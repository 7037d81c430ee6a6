import type { MutationArgs, MutationType } from '../../../shared/sync/mutations';
import type { MutationRejectionCode } from '../../../shared/sync/errors';
import type { AuthContext } from '../../auth/service';
import type { StoreTx } from '../../store/store';
import type { ConversationRow } from '../../store/types';
import { HubErrorCode } from '../../../shared/sync/errors';
import { canSeeAs } from '../scope';
import type { ChangeMeta } from '../changes';

export interface ApplyContext {
  tx: StoreTx;
  auth: AuthContext;
  /** The hub's time for this mutation (its acceptance time). */
  now: number;
  meta: ChangeMeta;
}

export interface Applied {
  /** Returned to the client (and to every replay). `seq` is the last change written, 0 if none. */
  result: { seq: number } & Record<string, unknown>;
  /** The hub must checkpoint its WAL after commit (a body was shredded). */
  shredded?: boolean;
  /** What the audit record names. */
  object: { type: string; id: string };
  /** More for the audit record's detail (never message bodies or identifier values). */
  auditDetail?: Record<string, unknown>;
}

/**
 * A business-rule refusal. Appliers check everything BEFORE writing; push runs
 * each apply in a transaction that a Rejection rolls back anyway, and records
 * the rejection in a second one, so a partial write can never survive.
 */
export class Rejection extends Error {
  constructor(
    readonly code: MutationRejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'Rejection';
  }
}

export type Applier<T extends MutationType> = (c: ApplyContext, args: MutationArgs<T>) => Promise<Applied>;

/** The conversation if it exists AND the caller may see it; otherwise the same not_found (no probing of ids outside scope). */
export async function visibleConversation(c: ApplyContext, id: string): Promise<ConversationRow> {
  const conv = await c.tx.getConversation(id);
  if (!conv || !canSeeAs(c.auth, conv)) throw new Rejection(HubErrorCode.notFound, `Conversation ${id} not found or not visible`);
  return conv;
}

/** Field-by-field previous values of the fields that change. */
export function diff<T extends object>(before: T, patch: Partial<T>): { prev: Partial<T>; next: Partial<T> } {
  const prev: Partial<T> = {};
  const next: Partial<T> = {};
  for (const k of Object.keys(patch) as (keyof T)[]) {
    if (patch[k] === undefined) continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(patch[k])) {
      prev[k] = before[k];
      next[k] = patch[k];
    }
  }
  return { prev, next };
}

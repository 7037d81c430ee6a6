import { HubErrorCode } from '../../shared/sync/errors';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { cursorSchema, pullRequest, type Change, type PullValue } from '../../shared/sync/protocol';
import { auditNow } from '../audit/audit';
import type { HubContext } from '../app/context';
import type { AuthContext } from '../auth/service';
import { HubError } from '../http/errors';
import type { ChangeRow, PullPage } from '../store/types';
import type { StoreReader } from '../store/store';
import { scopeKeyOf } from './scope';

export interface PullInput {
  cursor: number;
  limit: number;
  hubId?: string;
  /** Start of this run of pulls (≤ cursor); the cursor itself when not given. */
  from?: number;
}

/** Validates a pull body: malformed cursor → 400 bad_cursor, limit > max → 413, other shape errors → 400 bad_request. */
export function parsePullBody(body: unknown): PullInput {
  const env = pullRequest.safeParse(body);
  if (!env.success) throw new HubError(HubErrorCode.badRequest, `Bad pull body: ${env.error.issues[0]?.message ?? 'invalid'}`);
  const cursor = cursorSchema.safeParse(env.data.cursor);
  if (!cursor.success) throw new HubError(HubErrorCode.badCursor, 'cursor must be a non-negative integer (0 = from the beginning)', { reason: 'malformed' });
  let limit: number = SYNC_LIMITS.defaultPullLimit;
  if (env.data.limit !== undefined) {
    const l = env.data.limit;
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 1) throw new HubError(HubErrorCode.badRequest, 'limit must be a positive integer');
    if (l > SYNC_LIMITS.maxPullLimit) throw new HubError(HubErrorCode.batchTooLarge, `limit must be at most ${SYNC_LIMITS.maxPullLimit}`, { max: SYNC_LIMITS.maxPullLimit });
    limit = l;
  }
  let from = cursor.data;
  if (env.data.from !== undefined) {
    const f = cursorSchema.safeParse(env.data.from);
    if (!f.success || f.data > cursor.data) throw new HubError(HubErrorCode.badRequest, 'from must be a non-negative integer not after cursor');
    from = f.data;
  }
  return { cursor: cursor.data, limit, from, ...(env.data.hubId === undefined ? {} : { hubId: env.data.hubId }) };
}

const PATIENT_ENTITIES = new Set(['contact', 'contact_identity', 'conversation', 'message', 'note', 'device_reading']);

/** The conversations and contacts a page exposes, for the audit record. */
function patientObjects(rows: ChangeRow[]): { conversations: string[]; contacts: string[] } {
  const conversations = new Set<string>();
  const contacts = new Set<string>();
  for (const r of rows) {
    const d = r.data as { conversationId?: string; contactId?: string };
    if (r.entity === 'conversation') conversations.add(r.entityId);
    else if (r.entity === 'message' || r.entity === 'note') conversations.add(d.conversationId ?? '');
    else if (r.entity === 'contact') contacts.add(r.entityId);
    else if (r.entity === 'contact_identity' || r.entity === 'device_reading') contacts.add(d.contactId ?? '');
  }
  return { conversations: [...conversations].sort(), contacts: [...contacts].sort() };
}

export async function pull(ctx: HubContext, auth: AuthContext, input: PullInput): Promise<PullValue> {
  assertThisHub(ctx, input);
  const page = await ctx.store.read((r) => readPage(r, auth, input));
  assertNotAhead(ctx, input, page);
  return answerPage(ctx, auth, input.cursor, page);
}

/** The store read behind a pull answer: the caller's scope, from its cursor, within the run that began at `from`. */
export function readPage(r: StoreReader, auth: Pick<AuthContext, 'userId' | 'role'>, input: PullInput): Promise<PullPage> {
  return r.pull(scopeKeyOf(auth), input.cursor, input.limit, SYNC_LIMITS.pullPageBytes, input.from ?? input.cursor);
}

/** A cursor is only meaningful on the hub that gave it (409, the client resets). */
export function assertThisHub(ctx: HubContext, input: PullInput): void {
  const hubId = ctx.store.hubId;
  if (input.hubId !== undefined && input.hubId !== hubId) {
    throw new HubError(HubErrorCode.badCursor, 'The cursor belongs to another hub: reset the replica and pull from 0', { reason: 'other_hub', hubId }, 409);
  }
}

/** A cursor past the head: this hub was restored from a backup or replaced (409, the client resets). */
export function assertNotAhead(ctx: HubContext, input: PullInput, page: PullPage): void {
  if (input.cursor > page.head) {
    throw new HubError(HubErrorCode.badCursor, `The cursor ${input.cursor} is ahead of the hub (${page.head}): reset the replica and pull from 0`, { reason: 'ahead', head: page.head, hubId: ctx.store.hubId }, 409);
  }
}

/**
 * Turns a store page read from `cursor` into the pull answer, auditing the patient
 * data in it first (the HTTP pull and the WebSocket live tail both answer through here).
 */
export async function answerPage(ctx: HubContext, auth: AuthContext, from: number, page: PullPage, via: 'pull' | 'live' = 'pull', workstations: string[] = [auth.workstationId]): Promise<PullValue> {
  const hubId = ctx.store.hubId;
  const last = page.rows.at(-1);
  // Without more visible rows the cursor jumps to the head: rows the caller may not see are never rescanned.
  const cursor = page.hasMore && last ? last.seq : page.head;
  const changes: Change[] = page.rows.map((r) => {
    const c: Change = { seq: r.seq, entity: r.entity, id: r.entityId, op: r.op, data: r.data };
    if (r.prev) c.prev = r.prev;
    return c;
  });
  const patient = page.rows.filter((r) => PATIENT_ENTITIES.has(r.entity));
  if (patient.length > 0) {
    // Every read of patient data is audited before it is answered: if the audit
    // cannot be written, the data is not sent.
    await auditNow(ctx.store, {
      at: ctx.now(),
      userId: auth.userId,
      // Live tail: one record for one user's workstations that were sent the same page.
      workstationId: workstations.length === 1 ? workstations[0]! : null,
      action: 'sync.pull',
      objectType: 'changes',
      objectId: `${from}..${cursor}`,
      outcome: 'ok',
      detail: { count: patient.length, ...patientObjects(patient), ...(via === 'live' ? { via, workstations } : {}) },
    });
  }
  return { hubId, changes, cursor, hasMore: page.hasMore };
}

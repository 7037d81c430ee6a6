import { createHash } from 'node:crypto';
import { HubErrorCode, type MutationRejectionCode } from '../../shared/sync/errors';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { parseMutation, type Mutation } from '../../shared/sync/mutations';
import { pushRequest, type MutationResult, type PushValue } from '../../shared/sync/protocol';
import { appendAudit } from '../audit/audit';
import { canonicalJson } from '../audit/canonical';
import type { HubContext } from '../app/context';
import type { AuthContext } from '../auth/service';
import { HubError } from '../http/errors';
import type { MutationRecord } from '../store/types';
import { appliers } from './mutations';
import { Rejection, type Applied, type ApplyContext } from './mutations/types';

/**
 * Checks a whole push body BEFORE anything is applied: a batch with a malformed
 * envelope, an unknown mutation type or bad args is refused as a whole (4xx,
 * `details.index` names the first bad mutation), so a client never has to
 * guess which part of a refused batch took effect.
 */
export function parsePushBody(body: unknown): Mutation[] {
  const list = (body as { mutations?: unknown } | null)?.mutations;
  if (Array.isArray(list) && list.length > SYNC_LIMITS.maxMutationsPerPush) {
    throw new HubError(HubErrorCode.batchTooLarge, `At most ${SYNC_LIMITS.maxMutationsPerPush} mutations per push (got ${list.length})`, { max: SYNC_LIMITS.maxMutationsPerPush });
  }
  const env = pushRequest.safeParse(body);
  if (!env.success) {
    const issue = env.error.issues[0];
    const index = issue?.path[0] === 'mutations' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
    throw new HubError(HubErrorCode.badRequest, `Bad push body${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`, index === undefined ? undefined : { index });
  }
  return env.data.mutations.map((m, index) => {
    const parsed = parseMutation(m);
    if (!parsed.ok) throw new HubError(parsed.code, parsed.message, { index, id: m.id });
    return parsed.mutation;
  });
}

function argsHash(m: Mutation): string {
  return createHash('sha256').update(canonicalJson({ type: m.type, args: m.args })).digest('hex');
}

function answerOf(r: MutationRecord): MutationResult {
  return r.status === 'applied'
    ? { id: r.id, status: 'applied', result: r.result as { seq: number; acceptedAt: number } }
    : { id: r.id, status: 'rejected', code: r.code as MutationRejectionCode, message: r.message ?? '' };
}

type Attempt = { kind: 'done'; answer: MutationResult; shredded: boolean } | { kind: 'rejected'; rejection: Rejection };

/**
 * Applies one mutation exactly once.
 *
 * The apply, its change-log rows, its audit record and its idempotency record
 * commit in ONE transaction. That is the whole exactly-once argument: if the hub
 * dies before the commit, none of them exist and the client's retry applies it
 * afresh; after the commit, all exist and the retry finds the record and gets
 * the same answer. Were they separate, a crash in between would either apply it
 * twice (change without record) or never (record without change).
 */
async function applyOne(ctx: HubContext, auth: AuthContext, m: Mutation): Promise<{ answer: MutationResult; shredded: boolean }> {
  const hash = argsHash(m);
  const replay = (r: MutationRecord): MutationResult => {
    // Same id, different caller or content: not a replay, and must not leak the other answer.
    if (r.userId !== auth.userId || r.argsHash !== hash || r.type !== m.type) {
      return { id: m.id, status: 'rejected', code: HubErrorCode.mutationIdConflict, message: 'Mutation id already used for a different change' };
    }
    return answerOf(r);
  };

  let attempt: Attempt;
  try {
    attempt = await ctx.store.write(async (tx): Promise<Attempt> => {
      const seen = await tx.getMutation(m.id);
      if (seen) return { kind: 'done', answer: replay(seen), shredded: false };
      const now = ctx.now();
      const c: ApplyContext = { tx, auth, now, meta: { at: now, mutationId: m.id, actorId: auth.userId } };
      const applied: Applied = await (appliers[m.type] as (c: ApplyContext, a: unknown) => Promise<Applied>)(c, m.args);
      const record: MutationRecord = {
        id: m.id,
        userId: auth.userId,
        workstationId: auth.workstationId,
        type: m.type,
        argsHash: hash,
        status: 'applied',
        result: applied.result,
        code: null,
        message: null,
        clientTime: m.clientTime,
        receivedAt: now,
      };
      await tx.putMutation(record);
      await appendAudit(tx, {
        at: now,
        userId: auth.userId,
        workstationId: auth.workstationId,
        action: m.type,
        objectType: applied.object.type,
        objectId: applied.object.id,
        outcome: 'ok',
        detail: { mutationId: m.id, seq: applied.result.seq },
      });
      return { kind: 'done', answer: answerOf(record), shredded: applied.shredded ?? false };
    });
  } catch (e) {
    if (!(e instanceof Rejection)) throw e;
    attempt = { kind: 'rejected', rejection: e };
  }
  if (attempt.kind === 'done') return attempt;

  // The apply transaction rolled back. Remember the refusal in a second one, so
  // a replay gets the same refusal even if the state would now allow it.
  const rejection = attempt.rejection;
  const answer = await ctx.store.write(async (tx) => {
    const seen = await tx.getMutation(m.id);
    if (seen) return replay(seen);
    const now = ctx.now();
    const record: MutationRecord = {
      id: m.id,
      userId: auth.userId,
      workstationId: auth.workstationId,
      type: m.type,
      argsHash: hash,
      status: 'rejected',
      result: null,
      code: rejection.code,
      message: rejection.message,
      clientTime: m.clientTime,
      receivedAt: now,
    };
    await tx.putMutation(record);
    await appendAudit(tx, {
      at: now,
      userId: auth.userId,
      workstationId: auth.workstationId,
      action: m.type,
      objectType: 'mutation',
      objectId: m.id,
      outcome: 'rejected',
      detail: { mutationId: m.id, code: rejection.code },
    });
    return answerOf(record);
  });
  return { answer, shredded: false };
}

/**
 * Applies a batch in array order (the client's outbox order), each mutation in
 * its own transaction, and answers one result per mutation in the same order.
 * If the hub fails mid-batch it answers 500; what was applied before stays
 * applied and is answered identically when the client retries the batch.
 */
export async function push(ctx: HubContext, auth: AuthContext, mutations: Mutation[]): Promise<PushValue> {
  const results: MutationResult[] = [];
  let shredded = false;
  try {
    for (const m of mutations) {
      const r = await applyOne(ctx, auth, m);
      results.push(r.answer);
      shredded ||= r.shredded;
    }
  } finally {
    if (results.length > 0) ctx.notifier.advanced();
    // A recalled body may still sit in old WAL frames: copy the current pages
    // into the main file and truncate the WAL before the recall is acknowledged.
    if (shredded) await ctx.store.checkpoint();
  }
  return { results };
}

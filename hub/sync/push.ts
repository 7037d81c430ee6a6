import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HubErrorCode, type MutationRejectionCode } from '../../shared/sync/errors';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { parseMutation, type Mutation } from '../../shared/sync/mutations';
import { pushRequest, type MutationResult, type PushValue } from '../../shared/sync/protocol';
import { appendAudits } from '../audit/audit';
import type { AuditEntry } from '../audit/chain';
import { canonicalJson } from '../audit/canonical';
import type { HubContext } from '../app/context';
import type { AuthContext } from '../auth/service';
import { HubError } from '../http/errors';
import type { StoreTx } from '../store/store';
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

/**
 * Applies one mutation exactly once, inside the caller's write transaction.
 *
 * The apply, its change-log rows, its audit record and its idempotency record
 * commit together (the audit record is returned, and appended by `push` in the same
 * transaction before it commits): that is the whole exactly-once argument. If the hub dies before
 * the commit, none of them exist and the client's retry applies it afresh; after
 * the commit, all exist and the retry finds the record and gets the same answer.
 * Were they separate, a crash in between would either apply it twice (change
 * without record) or never (record without change).
 *
 * The apply runs in a savepoint: a Rejection undoes whatever the applier wrote and
 * the refusal is recorded instead (so a replay gets the same refusal even if the
 * state would now allow it). Any other error undoes this mutation and is rethrown.
 */
async function applyOne(tx: StoreTx, ctx: HubContext, auth: AuthContext, m: Mutation): Promise<{ answer: MutationResult; shredded: boolean; audit: AuditEntry | null }> {
  const hash = argsHash(m);
  const seen = await tx.getMutation(m.id);
  if (seen) {
    // Same id, different caller or content: not a replay, and must not leak the other answer.
    if (seen.userId !== auth.userId || seen.argsHash !== hash || seen.type !== m.type) {
      return { answer: { id: m.id, status: 'rejected', code: HubErrorCode.mutationIdConflict, message: 'Mutation id already used for a different change' }, shredded: false, audit: null };
    }
    return { answer: answerOf(seen), shredded: false, audit: null };
  }
  const now = ctx.now();
  const base = { id: m.id, userId: auth.userId, workstationId: auth.workstationId, type: m.type, argsHash: hash, clientTime: m.clientTime, receivedAt: now };
  try {
    return await tx.savepoint(async () => {
      const c: ApplyContext = { tx, auth, now, meta: { at: now, mutationId: m.id, actorId: auth.userId } };
      const applied: Applied = await (appliers[m.type] as (c: ApplyContext, a: unknown) => Promise<Applied>)(c, m.args);
      const record: MutationRecord = { ...base, status: 'applied', result: applied.result, code: null, message: null };
      await tx.putMutation(record);
      const audit: AuditEntry = {
        at: now,
        userId: auth.userId,
        workstationId: auth.workstationId,
        action: m.type,
        objectType: applied.object.type,
        objectId: applied.object.id,
        outcome: 'ok',
        detail: { ...applied.auditDetail, mutationId: m.id, seq: applied.result.seq },
      };
      return { answer: answerOf(record), shredded: applied.shredded ?? false, audit };
    });
  } catch (e) {
    if (!(e instanceof Rejection)) throw e;
    const record: MutationRecord = { ...base, status: 'rejected', result: null, code: e.code, message: e.message };
    await tx.putMutation(record);
    const audit: AuditEntry = {
      at: now,
      userId: auth.userId,
      workstationId: auth.workstationId,
      action: m.type,
      objectType: 'mutation',
      objectId: m.id,
      outcome: 'rejected',
      detail: { mutationId: m.id, code: e.code },
    };
    return { answer: answerOf(record), shredded: false, audit };
  }
}

/**
 * How long one push may hold the hub's writer before it commits what it has applied
 * and lets other writers in (a patient's message arriving from a channel waits at most
 * about this long behind a workstation's catch-up).
 */
export const PUSH_COMMIT_EVERY_MS = 50;

/**
 * Applies a batch in array order (the client's outbox order) and answers one result
 * per mutation in the same order. Group commit: consecutive mutations share one
 * transaction (each in its own savepoint) for up to `commitEveryMs`, so a replica
 * back from a day offline costs a few commits — one disk flush each — instead of one
 * per mutation. If the hub fails mid-batch it answers 500; what was committed before
 * stays applied and is answered identically when the client retries the batch.
 */
export async function push(ctx: HubContext, auth: AuthContext, mutations: Mutation[], opts: { commitEveryMs?: number } = {}): Promise<PushValue> {
  const budget = opts.commitEveryMs ?? PUSH_COMMIT_EVERY_MS;
  const results: MutationResult[] = [];
  let shredded = false;
  try {
    while (results.length < mutations.length) {
      const step = await ctx.store.write(async (tx) => {
        const answers: MutationResult[] = [];
        const audits: AuditEntry[] = [];
        let shred = false;
        let failure: { error: unknown } | null = null;
        const started = performance.now();
        for (let i = results.length; i < mutations.length; i++) {
          if (answers.length > 0 && performance.now() - started >= budget) break;
          try {
            const r = await applyOne(tx, ctx, auth, mutations[i]!);
            answers.push(r.answer);
            if (r.audit) audits.push(r.audit);
            shred ||= r.shredded;
          } catch (error) {
            // This mutation left nothing (its savepoint rolled back); the ones before it commit.
            failure = { error };
            break;
          }
        }
        // The chunk's audit records, in mutation order, in its transaction: one read and
        // one write of the chain head for the lot. Should this fail, nothing of the chunk commits.
        await appendAudits(tx, audits);
        return { answers, shred, failure };
      });
      results.push(...step.answers);
      shredded ||= step.shred;
      if (step.answers.length > 0) ctx.notifier.advanced();
      if (step.failure) throw step.failure.error;
    }
  } finally {
    // A recalled body may still sit in old WAL frames: copy the current pages
    // into the main file and truncate the WAL before the recall is acknowledged.
    if (shredded) await ctx.store.checkpoint();
  }
  return { results };
}

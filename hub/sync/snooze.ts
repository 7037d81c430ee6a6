import { appendAudits } from '../audit/audit';
import type { HubContext } from '../app/context';
import { startPeriodic, type Periodic } from '../app/periodic';
import { putConversation } from './changes';

/** At most this many snoozes are woken per round (one write transaction). */
const WAKE_BATCH = 200;

/**
 * Opens every snoozed conversation whose time has come: status 'open', `snoozedUntil`
 * cleared, one change per conversation carrying `prev` (so every replica shows the
 * event and the conversation is back in its inbox), one audit record each, by the hub
 * itself (no user). Answers how many it woke.
 */
export async function wakeSnoozed(ctx: HubContext): Promise<number> {
  let woken = 0;
  for (;;) {
    const n = await ctx.store.write(async (tx) => {
      const now = ctx.now();
      const due = await tx.dueSnoozes(now, WAKE_BATCH);
      const audits = [];
      for (const conv of due) {
        const patch = { status: 'open' as const, snoozedUntil: null, updatedAt: now };
        await tx.updateConversation(conv.id, patch);
        const seq = await putConversation(tx, { ...conv, ...patch }, { at: now }, { status: conv.status, snoozedUntil: conv.snoozedUntil ?? null });
        audits.push({ at: now, userId: null, workstationId: null, action: 'conversation.snoozeEnded', objectType: 'conversation', objectId: conv.id, outcome: 'ok' as const, detail: { seq, snoozedUntil: conv.snoozedUntil ?? null } });
      }
      await appendAudits(tx, audits);
      return due.length;
    });
    woken += n;
    if (n > 0) ctx.notifier.advanced();
    if (n < WAKE_BATCH) return woken;
  }
}

/** `tick()` runs one round now (tests, and the first round at start). */
export type SnoozeWaker = Periodic<number>;

/** Wakes due snoozes every `intervalMs` (default 15 s), and once at start (after a hub restart). */
export function startSnoozeWaker(ctx: HubContext, opts: { intervalMs?: number } = {}): SnoozeWaker {
  return startPeriodic(() => wakeSnoozed(ctx), {
    intervalMs: opts.intervalMs ?? 15_000,
    runAtStart: true,
    onResult: (n) => {
      if (n) ctx.log.info({ woken: n }, 'snoozed conversations opened');
    },
    onError: (e) => ctx.log.warn({ err: e }, 'snooze round failed'),
  });
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KnowledgeFeedbackKind } from '../../shared/sync/mutations';
import type { Change, TokenPair } from '../../shared/sync/protocol';
import { call, Clock, errorCode, newId, value, type TestClient } from '../testing/harness';
import { addUser } from '../users/admin';
import { copyKnowledge, startKnowledgeHub, type KnowledgeTestHub } from './testing';

const DAY = 86_400_000;
const ITEM = 'adm-pay-how';

type Applied = { status: 'applied'; result: { seq: number; acceptedAt: number; retired: boolean; reviewId?: string } };

async function mark(c: TestClient, kind: KnowledgeFeedbackKind, conversationId = 'v-zhang-appt', itemId = ITEM): Promise<Applied['result']> {
  const r = await c.mutate('knowledge.feedback', { itemId, kind, conversationId });
  expect(r.status).toBe('applied');
  return (r as unknown as Applied).result;
}

/** Moves the hub clock; the clients refresh their (15-minute) access tokens like a workstation would. */
async function advance(h: KnowledgeTestHub, ms: number, clients: TestClient[]): Promise<void> {
  h.clock.advance(ms);
  for (const c of clients) Object.assign(c.login, value(await call<TokenPair>(c.url, 'POST', '/auth/refresh', { refreshToken: c.login.refreshToken, workstationId: c.workstationId })));
}

async function signInAll<const T extends readonly string[]>(h: KnowledgeTestHub, names: T): Promise<{ [K in keyof T]: TestClient }> {
  return (await Promise.all(names.map((n) => h.signIn(n)))) as { [K in keyof T]: TestClient };
}

const statusIn = (changes: Change[], id: string) => changes.filter((c) => c.entity === 'knowledge_item' && c.id === id).map((c) => (c.data as { status?: string }).status);

async function auditActions(hub: KnowledgeTestHub) {
  // Decisions and refusals (not the reloads, the demo seed's publishes or the feedback mutations themselves).
  const skip = new Set(['knowledge.reload', 'knowledge.publish', 'knowledge.feedback']);
  return (await hub.ctx.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action.startsWith('knowledge.') && !skip.has(a.action));
}

describe('knowledge feedback at the hub', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function hub(clock = new Clock()) {
    const k = copyKnowledge();
    const h = await startKnowledgeHub({ clock, knowledge: { dir: k.dir, watch: false } });
    cleanups.push(k.cleanup, () => h.close());
    return h;
  }

  it('retires an item that 3 different users mark useless within 7 days (hub clock), publishes it as retired, and a supervisor restores or confirms it', async () => {
    const h = await hub();
    const [agent, agent2, nurse, supervisor] = await signInAll(h, ['agent', 'agent2', 'nurse', 'supervisor']);
    await supervisor.pullAll(0);

    expect(await mark(agent, 'useless')).toMatchObject({ seq: 0, retired: false });
    await advance(h, 3 * DAY, [agent, agent2, nurse, supervisor]);
    expect(await mark(agent2, 'useless', 'v-liu-report')).toMatchObject({ seq: 0, retired: false });
    await advance(h, 3 * DAY + 23 * 3_600_000, [agent, agent2, nurse, supervisor]); // 6 days 23 h after the first mark: still inside the window
    const third = await mark(nurse, 'useless', 'v-chen-glucose');
    expect(third).toMatchObject({ retired: true });
    expect(third.seq).toBeGreaterThan(0);

    // Every replica receives it as retired — not deleted.
    const pulled = await supervisor.pullAll();
    expect(statusIn(pulled, ITEM)).toEqual(['retired']);
    expect((pulled.find((c) => c.id === ITEM)!.data as { body: { id: string } }).body.id).toBe(ITEM);

    // Agents may not see or decide the review queue; the refusal is audited.
    const denied = await agent.req('GET', '/knowledge/review');
    expect([denied.status, errorCode(denied)]).toEqual([403, 'qa.forbidden']);
    const queue = value(await supervisor.req<{ items: { itemId: string; status: string; reason: string; uselessUsers: number; title: string; itemStatus: string }[]; settings: unknown }>('GET', '/knowledge/review'));
    expect(queue.items).toEqual([expect.objectContaining({ itemId: ITEM, status: 'pending', reason: 'users', uselessUsers: 3, itemStatus: 'retired', title: expect.any(String) })]);
    expect(queue.settings).toEqual({ windowDays: 7, minUsers: 3, minMarks: 5 });

    // Restore: suggested again everywhere, and the count starts afresh.
    const restored = value(await supervisor.req<{ itemStatus: string; seq: number }>('POST', `/knowledge/review/${ITEM}`, { decision: 'restore', comment: 'wording fixed' }));
    expect(restored).toMatchObject({ itemId: ITEM, review: 'restored', itemStatus: 'active' });
    expect(statusIn(await supervisor.pullAll(), ITEM)).toEqual(['active']);
    await advance(h, 60_000, [agent, agent2, nurse, supervisor]);
    expect(await mark(agent, 'useless')).toMatchObject({ retired: false }); // the three old marks no longer count
    expect(await mark(agent2, 'useless', 'v-liu-report')).toMatchObject({ retired: false });
    expect(await mark(nurse, 'useless', 'v-chen-glucose')).toMatchObject({ retired: true });

    // Confirm: it stays retired; a second decision on it is refused.
    expect(value(await supervisor.req('POST', `/knowledge/review/${ITEM}`, { decision: 'confirm' }))).toMatchObject({ review: 'confirmed', itemStatus: 'retired', seq: 0 });
    const again = await supervisor.req('POST', `/knowledge/review/${ITEM}`, { decision: 'confirm' });
    expect([again.status, errorCode(again)]).toEqual([409, 'qa.invalid_state']);
    expect(errorCode(await supervisor.req('POST', `/knowledge/review/adm-hours-night`, { decision: 'restore' }))).toBe('qa.not_found');
    expect(errorCode(await supervisor.req('POST', `/knowledge/review/${ITEM}`, { decision: 'delete' }))).toBe('qa.bad_request');
    expect(value(await supervisor.req<{ items: unknown[] }>('GET', '/knowledge/review?status=all')).items).toHaveLength(2);

    expect((await auditActions(h)).map((a) => [a.action, a.outcome])).toEqual([
      ['knowledge.retire', 'ok'],
      ['knowledge.access', 'denied'],
      ['knowledge.restore', 'ok'],
      ['knowledge.retire', 'ok'],
      ['knowledge.confirm_retirement', 'ok'],
    ]);
  });

  it('marks spread over more than 7 days do not retire; one mark too many per user does not count twice; ≥ N marks retire when configured', async () => {
    const h = await hub();
    const [agent, agent2, nurse, supervisor, admin] = await signInAll(h, ['agent', 'agent2', 'nurse', 'supervisor', 'admin']);
    const everyone = [agent, agent2, nurse, supervisor, admin];
    await mark(agent, 'useless');
    await advance(h, 4 * DAY, everyone);
    await mark(agent2, 'useless', 'v-liu-report');
    // Clicking again in the same conversation is the same vote.
    await mark(agent2, 'useless', 'v-liu-report');
    await advance(h, 3 * DAY + 1, everyone); // the first mark is now 7 days + 1 ms old
    expect(await mark(nurse, 'useless', 'v-chen-glucose')).toMatchObject({ retired: false });

    // Thresholds are an admin setting (audited); a supervisor may read but not change them.
    expect(errorCode(await supervisor.req('POST', '/knowledge/settings', { windowDays: 7, minUsers: 10, minMarks: 3 }))).toBe('qa.forbidden');
    expect(errorCode(await admin.req('POST', '/knowledge/settings', { windowDays: 0, minUsers: 10, minMarks: 3 }))).toBe('qa.bad_request');
    expect(value(await admin.req('POST', '/knowledge/settings', { windowDays: 7, minUsers: 10, minMarks: 3 }))).toEqual({ settings: { windowDays: 7, minUsers: 10, minMarks: 3 } });
    expect(value(await supervisor.req('GET', '/knowledge/settings'))).toEqual({ settings: { windowDays: 7, minUsers: 10, minMarks: 3 } });

    // One agent, useless in three conversations this week: 3 marks (the window now holds agent2 ×1, nurse ×1 too).
    const other = 'adm-hours-night';
    expect(await mark(agent, 'useless', 'v-zhang-appt', other)).toMatchObject({ retired: false });
    expect(await mark(agent, 'useless', 'v-li-call', other)).toMatchObject({ retired: false });
    expect(await mark(agent, 'useless', 'v-zhao-fever', other)).toMatchObject({ retired: true });
    const queue = value(await supervisor.req<{ items: { itemId: string; reason: string; uselessMarks: number; uselessUsers: number }[] }>('GET', '/knowledge/review'));
    expect(queue.items).toEqual([expect.objectContaining({ itemId: other, reason: 'marks', uselessMarks: 3, uselessUsers: 1 })]);
    const settingsAudit = (await h.ctx.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'knowledge.settings');
    expect(settingsAudit).toEqual([expect.objectContaining({ userId: 'u-admin', outcome: 'ok', detail: { before: { windowDays: 7, minUsers: 3, minMarks: 5 }, after: { windowDays: 7, minUsers: 10, minMarks: 3 } } })]);
  });

  it('a retired item stays retired when its file text changes; removed and re-added it is back, and confirming retires it again', async () => {
    const k = copyKnowledge();
    const h = await startKnowledgeHub({ knowledge: { dir: k.dir, watch: false } });
    cleanups.push(k.cleanup, () => h.close());
    const [agent, agent2, nurse, supervisor] = await signInAll(h, ['agent', 'agent2', 'nurse', 'supervisor']);
    await supervisor.pullAll(0);
    for (const [i, u] of [agent, agent2, nurse].entries()) await mark(u, 'useless', `v-${i}`);
    expect(statusIn(await supervisor.pullAll(), ITEM)).toEqual(['retired']);

    const path = join(k.dir, 'admin.jsonl');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace('门诊费用可通过', '门诊费用现可通过'));
    expect(await h.knowledge.reload()).toMatchObject({ ok: true, changed: [ITEM] });
    const edited = (await supervisor.pullAll()).filter((c) => c.id === ITEM);
    expect(edited.map((c) => (c.data as { status: string }).status)).toEqual(['retired']);
    expect(JSON.stringify(edited[0]!.data)).toContain('门诊费用现可通过');

    writeFileSync(path, original.split('\n').filter((l) => !l.includes(`"id": "${ITEM}"`)).join('\n'));
    expect(await h.knowledge.reload()).toMatchObject({ ok: true, removed: [ITEM] });
    writeFileSync(path, original);
    expect(await h.knowledge.reload()).toMatchObject({ ok: true, added: [ITEM] });
    expect(statusIn(await supervisor.pullAll(), ITEM)).toEqual(['removed', 'active']);
    expect(value(await supervisor.req('POST', `/knowledge/review/${ITEM}`, { decision: 'confirm' }))).toMatchObject({ review: 'confirmed', itemStatus: 'retired' });
    expect(statusIn(await supervisor.pullAll(), ITEM)).toEqual(['retired']);
  });

  it('only items the hub publishes can be retired; feedback on others is still counted', async () => {
    const h = await hub();
    const users = await signInAll(h, ['agent', 'agent2', 'nurse']);
    for (const [i, u] of users.entries()) expect(await mark(u, 'useless', `v-${i}`, 'redflag:chest_pain')).toMatchObject({ retired: false, seq: 0 });
    const rows = await h.ctx.store.read((r) => r.knowledgeFeedbackOf('redflag:chest_pain', 0));
    expect(rows).toHaveLength(3);
    expect(await h.ctx.store.read((r) => r.listKnowledgeReviews(['pending', 'confirmed', 'restored']))).toEqual([]);
  });

  it('is applied exactly once: a resent mutation answers the same and stores one event', async () => {
    const h = await hub();
    const agent = await h.signIn('agent');
    const id = newId();
    const args = { itemId: ITEM, kind: 'inserted', conversationId: 'v-zhang-appt' };
    const first = value(await agent.push([{ id, type: 'knowledge.feedback', args }]));
    h.clock.advance(60_000);
    const second = value(await agent.push([{ id, type: 'knowledge.feedback', args }]));
    expect(second).toEqual(first);
    expect(await h.ctx.store.read((r) => r.knowledgeFeedbackOf(ITEM, 0))).toEqual([expect.objectContaining({ id, kind: 'inserted', userId: 'u-agent', workstationId: 'ws-agent', at: h.clock.t - 60_000 })]);
    // Bad args refuse the batch before anything is applied.
    const bad = await agent.push([{ type: 'knowledge.feedback', args: { itemId: ITEM, kind: 'loved' } }]);
    expect([bad.status, errorCode(bad)]).toEqual([400, 'sync.bad_request']);
  });

  it('usage per item for supervisors, counted over their own teams only', async () => {
    const h = await hub();
    await addUser(h.ctx.store, { id: 'u-lead-out', username: 'lead-out', displayName: '门诊组长', role: 'supervisor', password: 'lead-out-demo', teamIds: ['t-outpatient'] }, null, h.clock.now());
    const [agent, agent2, nurse, supervisor] = await signInAll(h, ['agent', 'agent2', 'nurse', 'supervisor']);
    const lead = await h.signIn('lead-out', 'ws-lead', 'lead-out-demo');
    await mark(agent, 'shown');
    await mark(agent, 'shown', 'v-li-call');
    await mark(agent, 'inserted');
    await mark(agent, 'copied');
    await mark(nurse, 'dismissed', 'v-chen-glucose'); // counted, and not a vote
    await mark(agent, 'useless');
    await mark(agent, 'useful'); // corrected: the latest vote in that conversation counts
    await mark(agent2, 'useless', 'v-liu-report');
    await mark(nurse, 'useless', 'v-chen-glucose');
    await advance(h, 8 * DAY, [agent, agent2, nurse, supervisor, lead]);
    await mark(agent2, 'shown', 'v-liu-report', 'adm-hours-night');

    type Usage = { since: number; items: { itemId: string; shown: number; inserted: number; copied: number; dismissed: number; useful: number; useless: number; title: string | null; status: string | null }[] };
    const all = value(await supervisor.req<Usage>('GET', '/knowledge/usage?days=30'));
    expect(all.items.find((i) => i.itemId === ITEM)).toMatchObject({ shown: 2, inserted: 1, copied: 1, dismissed: 1, useful: 1, useless: 2, status: 'active', title: expect.any(String) });
    // The outpatient lead does not see the chronic-care nurse's marks.
    const mine = value(await lead.req<Usage>('GET', '/knowledge/usage?days=30'));
    expect(mine.items.find((i) => i.itemId === ITEM)).toMatchObject({ shown: 2, inserted: 1, copied: 1, dismissed: 0, useful: 1, useless: 1 });
    // Default window: the last 7 days.
    expect(value(await supervisor.req<Usage>('GET', '/knowledge/usage')).items.map((i) => i.itemId)).toEqual(['adm-hours-night']);
    expect(errorCode(await agent.req('GET', '/knowledge/usage'))).toBe('qa.forbidden');
    expect(errorCode(await supervisor.req('GET', '/knowledge/usage?days=0'))).toBe('qa.bad_request');
    // Admin-only manual reload and the reload status.
    expect(errorCode(await supervisor.req('POST', '/knowledge/reload'))).toBe('qa.forbidden');
    expect(value(await supervisor.req<{ watching: boolean; last: { ok: boolean; reason: string } }>('GET', '/knowledge/status'))).toMatchObject({ watching: false, last: { ok: true, reason: 'start' } });
  });
});

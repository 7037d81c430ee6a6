import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createWorkstation, type Workstation } from '../workstation';
import { createStaticKeyStore } from '../replica/keystore';
import { contract } from '../../../shared/contract';
import { createDispatcher } from '../../../shared/contract/dispatch';
import { createClient } from '../../../shared/contract/client';
import { tempDir } from '../../../tests/support/tmp';
import type { SyncClient } from '../sync/client';
import { HubError } from '../sync/http';
import type { ServiceContext } from './context';
import { supervisorHandlers } from './supervisor';

const demoDataPath = fileURLToPath(new URL('../../../resources/demo/demo.json', import.meta.url));
const NOW = 1_800_000_000_000;

/** A stand-in for the sync client: answers /qa/* from a table, or fails like a cut cable. */
function fakeSync(routes: Record<string, () => Response>) {
  const calls: { path: string; method: string; body: unknown }[] = [];
  let down = false;
  const sync = {
    async authorizedFetch(path: string, init: { method?: string; body?: unknown } = {}) {
      calls.push({ path, method: init.method ?? 'GET', body: init.body });
      if (down) throw new HubError('network', { code: 'hub.unreachable', message: 'ECONNREFUSED' }, null);
      const r = routes[`${init.method ?? 'GET'} ${path.split('?')[0]}`];
      return r ? r() : new Response(JSON.stringify({ ok: false, error: { code: 'request.not_found', message: 'no route' } }), { status: 404 });
    },
  };
  return { sync: sync as unknown as SyncClient, calls, setDown: (v: boolean) => (down = v) };
}
const ok = (value: unknown) => () => new Response(JSON.stringify({ ok: true, value }), { status: 200 });

const dashboard = { generatedAt: NOW, queues: [], agents: [], totals: { online: 0, busy: 0, away: 0, offline: 0, waiting: 0, slaBreaches: 0 }, presenceAvailable: false, bot: { handled: 0, transferred: 0, rate: null }, surges: [], pushed: [] };

describe('supervisor handlers', () => {
  let ws: Workstation | undefined;
  let cleanup = () => {};
  let clock = NOW;
  afterEach(async () => {
    await ws?.close();
    ws = undefined;
    cleanup();
  });

  /** The demo replica, with the supervisor's handlers over a fake hub. */
  async function start(role: 'supervisor' | 'agent', routes: Record<string, () => Response>) {
    const t = tempDir();
    cleanup = t.cleanup;
    clock = NOW;
    ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl: null, demoDataPath, now: () => clock });
    const ctx: ServiceContext = { replica: ws.replica, appVersion: 't', hubUrl: 'http://hub.invalid', now: () => clock, session: { user: { id: `u-${role}`, name: role, role, teamIds: ['t-outpatient', 't-chronic'] }, locked: false }, autoLockMinutes: 5, demoAccounts: null };
    const fake = fakeSync(routes);
    const handlers = supervisorHandlers(ctx, fake.sync, null);
    const dispatch = createDispatcher({ supervisor: contract.supervisor }, { supervisor: handlers });
    return { client: createClient({ supervisor: contract.supervisor }, { invoke: dispatch }), fake, ctx };
  }

  it('keeps the last hub answer in the replica and serves it, marked stale, when the hub is down', async () => {
    const { client, fake } = await start('supervisor', { 'GET /qa/dashboard': ok(dashboard) });
    const first = await client.supervisor.dashboard();
    expect(first).toMatchObject({ ok: true, value: { stale: false, asOf: NOW, value: { generatedAt: NOW } } });
    fake.setDown(true);
    clock = NOW + 60_000;
    expect(await client.supervisor.dashboard()).toMatchObject({ ok: true, value: { stale: true, asOf: NOW } });
    // Never loaded → a clear offline error; writes need the connection.
    expect(await client.supervisor.forms()).toMatchObject({ ok: false, error: { code: 'supervisor.offline' } });
    expect(await client.supervisor.fillQueue({})).toMatchObject({ ok: false, error: { code: 'supervisor.offline' } });
    fake.setDown(false);
    expect(await client.supervisor.dashboard()).toMatchObject({ ok: true, value: { stale: false, asOf: NOW + 60_000 } });
  });

  it('passes the hub’s refusals through with their code and checks answers', async () => {
    const { client } = await start('supervisor', {
      'POST /qa/reviews/r1/submit': () => new Response(JSON.stringify({ ok: false, error: { code: 'qa.comment_required', message: 'Overriding needs a comment', details: { questionId: 'empathy' } } }), { status: 400 }),
      'GET /qa/dashboard': ok({ queues: 'not a list' }),
    });
    expect(await client.supervisor.submitReview({ id: 'r1', answers: [{ questionId: 'empathy', value: 0 }] })).toMatchObject({ ok: false, error: { code: 'qa.comment_required', details: { questionId: 'empathy' } } });
    expect(await client.supervisor.dashboard()).toMatchObject({ ok: false, error: { code: 'supervisor.bad_answer' } });
  });

  it('refuses supervisor views to agents before asking the hub, but serves their own reviews', async () => {
    const { client, fake } = await start('agent', { 'GET /qa/my-reviews': ok({ items: [] }) });
    for (const r of [await client.supervisor.dashboard(), await client.supervisor.tide({ granularity: 'week' }), await client.supervisor.sentimentTimeline({ conversationId: 'v-wang-bp' }), await client.supervisor.packCandidates({ topicId: 'dizziness' })]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'supervisor.forbidden' } });
    }
    expect(fake.calls).toEqual([]);
    expect(await client.supervisor.myReviews()).toMatchObject({ ok: true, value: { value: { items: [] } } });
  });

  it('computes the sentiment timeline from the replica and queues the audit of the open while offline', async () => {
    const { client, fake, ctx } = await start('supervisor', {});
    fake.setDown(true);
    const tl = await client.supervisor.sentimentTimeline({ conversationId: 'v-zhao-fever' });
    if (!tl.ok) throw new Error(tl.error.code);
    // 宝宝…39.6度…怎么办！！ — an anxious, negative parent (39.6 °C at 10 months is urgent care, not a red flag).
    expect(tl.value.points.length).toBe(3);
    expect(Math.min(...tl.value.points.map((p) => p.level))).toBeLessThan(0);
    expect(tl.value.points.some((p) => p.anxious)).toBe(true);
    expect(tl.value.markers.filter((m) => m.kind === 'reply')).toEqual([]); // nobody answered yet
    const pending = ctx.replica.sqlite.prepare("SELECT value FROM settings WHERE key = 'supervisor.pendingAudit'").get() as { value: string };
    expect(JSON.parse(pending.value)).toEqual([{ conversationId: 'v-zhao-fever', view: 'sentiment', at: NOW }]);
    expect(fake.calls.map((c) => c.path)).toEqual(['/qa/audit/open']); // tried, failed, kept
  });

  it('builds CSV exports from the hub with the BOM intact', async () => {
    const csv = '\uFEFF质检编号,得分\r\nr1,92\r\n';
    const { client } = await start('supervisor', {
      'GET /qa/export.csv': () => new Response(new TextEncoder().encode(csv), { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="qa-reviews-2027-01-15.csv"' } }),
    });
    expect(await client.supervisor.exportCsv({ lang: 'zh-CN' })).toEqual({ ok: true, value: { filename: 'qa-reviews-2027-01-15.csv', csv, rows: 1 } });
  });
});

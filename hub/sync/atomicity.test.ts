import { describe, expect, it } from 'vitest';
import type { HubContext } from '../app/context';
import type { AuthContext } from '../auth/service';
import { loadHubDemo } from '../demo/data';
import { seedHubDemo } from '../demo/seed';
import { silentLogger } from '../log/logger';
import { hubConfigSchema } from '../config/config';
import type { HubStore, StoreTx } from '../store/store';
import { openSqliteStore } from '../store/sqlite/store';
import { newId } from '../testing/harness';
import { Notifier } from './notifier';
import { push } from './push';
import { Rejection } from './mutations/types';
import { verifyAuditChain } from '../audit/audit';

const agent: AuthContext = { userId: 'u-agent', username: 'agent', displayName: '客服 小林', role: 'agent', teamIds: ['t-outpatient'], sessionId: 's', workstationId: 'ws-1' };

/**
 * A store that counts write transactions and can make the Nth call of one tx method
 * (counted within a transaction) throw — like a crash before commit, or a late refusal.
 * It also counts reads of the audit chain's head (one per appended group of records).
 */
function instrumented(inner: HubStore) {
  const s = {
    writes: 0,
    headReads: 0,
    fail: null as null | { method: keyof StoreTx; call: number; error: () => Error },
    kind: inner.kind,
    hubId: inner.hubId,
    read: inner.read.bind(inner),
    checkpoint: inner.checkpoint.bind(inner),
    close: inner.close.bind(inner),
    write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      s.writes++;
      let calls = 0;
      return inner.write((tx) =>
        fn(
          new Proxy(tx, {
            get(target, prop, recv) {
              if (prop === 'auditHead') s.headReads++;
              const f = s.fail;
              if (f && prop === f.method && ++calls === f.call) {
                s.fail = null;
                return () => Promise.reject(f.error());
              }
              return Reflect.get(target, prop, recv) as unknown;
            },
          }),
        ),
      );
    },
  };
  return s;
}

describe('apply + change log + idempotency record are one transaction', () => {
  for (const failAt of ['putMutation', 'insertAudit', 'appendChange'] as const) {
    it(`a failure at ${failAt} leaves no trace, and the retry applies exactly once`, async () => {
      const real = openSqliteStore({ path: ':memory:' });
      await seedHubDemo(real, loadHubDemo(), 1_000);
      const store = instrumented(real);
      store.fail = { method: failAt, call: 1, error: () => new Error('simulated crash') };
      const ctx: HubContext = { store, config: hubConfigSchema.parse({}), secret: Buffer.alloc(32), now: () => 2_000, log: silentLogger(), notifier: new Notifier() };
      const snapshot = () =>
        real.read(async (r) => ({ head: await r.headSeq(), msgs: (await r.messagesOf('v-zhang-appt')).length, audit: await r.auditCount(), conv: await r.getConversation('v-zhang-appt') }));
      const before = await snapshot();
      const m = { id: newId(), type: 'message.send' as const, args: { conversationId: 'v-zhang-appt', messageId: newId(), body: '复诊时间已确认', contentType: 'text' as const, attachments: [] }, clientTime: 1 };

      await expect(push(ctx, agent, [m])).rejects.toThrow('simulated crash');
      expect(await snapshot()).toEqual(before);
      expect(await real.read((r) => r.getMutation(m.id))).toBeNull();

      const first = await push(ctx, agent, [m]);
      const replay = await push(ctx, agent, [m]);
      expect(first.results[0]).toMatchObject({ status: 'applied' });
      expect(replay).toEqual(first);
      const after = await snapshot();
      expect(after.msgs).toBe(before.msgs + 1);
      expect(after.conv?.lastMessagePreview).toBe('复诊时间已确认');
      ctx.notifier.stop();
      await real.close();
    });
  }
});

describe('group commit: one push, few transactions, each mutation still all-or-nothing', () => {
  async function setup() {
    const real = openSqliteStore({ path: ':memory:' });
    await seedHubDemo(real, loadHubDemo(), 1_000);
    const store = instrumented(real);
    const ctx: HubContext = { store, config: hubConfigSchema.parse({}), secret: Buffer.alloc(32), now: () => 2_000, log: silentLogger(), notifier: new Notifier() };
    const send = (body: string) => ({ id: newId(), type: 'message.send' as const, args: { conversationId: 'v-zhang-appt', messageId: newId(), body, contentType: 'text' as const, attachments: [] }, clientTime: 1 });
    const bodies = async () => (await real.read((r) => r.messagesOf('v-zhang-appt'))).map((m) => m.body);
    const done = async () => {
      ctx.notifier.stop();
      await real.close();
    };
    return { real, store, ctx, send, bodies, done };
  }

  it('a batch shares one transaction; with no time budget each mutation commits alone, with the same answers', async () => {
    const { real, store, ctx, send, bodies, done } = await setup();
    const batch = Array.from({ length: 20 }, (_, i) => send(`批量 ${i}`));
    const audited = await real.read((r) => r.auditCount());
    const grouped = await push(ctx, agent, batch, { commitEveryMs: 60_000 });
    expect(store.writes).toBe(1);
    // Twenty audit records, appended together: the chain head is read once.
    expect(await real.read((r) => r.auditCount())).toBe(audited + 20);
    expect(store.headReads).toBe(1);
    expect(grouped.results.map((r) => r.status)).toEqual(batch.map(() => 'applied'));
    const single = Array.from({ length: 5 }, (_, i) => send(`逐条 ${i}`));
    store.writes = 0;
    store.headReads = 0;
    const alone = await push(ctx, agent, single, { commitEveryMs: 0 });
    expect(store.writes).toBe(5);
    expect(store.headReads).toBe(5);
    expect(await real.read((r) => r.auditCount())).toBe(audited + 25);
    expect(alone.results.map((r) => r.status)).toEqual(single.map(() => 'applied'));
    const all = await bodies();
    for (const m of [...batch, ...single]) expect(all.filter((b) => b === m.args.body)).toHaveLength(1);
    expect((await verifyAuditChain(real)).ok).toBe(true);
    await done();
  });

  it('a refusal after the applier wrote undoes only that mutation and is recorded; its neighbours commit', async () => {
    const { real, store, ctx, send, bodies, done } = await setup();
    const batch = [send('第一条'), send('第二条'), send('第三条')];
    // The second mutation's idempotency record (after its message row was written) refuses.
    store.fail = { method: 'putMutation', call: 2, error: () => new Rejection('sync.not_found', 'refused late') };
    const res = await push(ctx, agent, batch, { commitEveryMs: 60_000 });
    expect(store.writes).toBe(1);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(res.results[1]).toMatchObject({ code: 'sync.not_found' });
    const all = await bodies();
    expect(all).toContain('第一条');
    expect(all).not.toContain('第二条');
    expect(all).toContain('第三条');
    expect(await real.read((r) => r.getMutation(batch[1]!.id))).toMatchObject({ status: 'rejected' });
    // A replay of the whole batch answers the same, refusal included.
    expect(await push(ctx, agent, batch)).toEqual(res);
    expect((await verifyAuditChain(real)).ok).toBe(true);
    await done();
  });

  it('a crash inside the third mutation keeps the two before it committed; the retry applies the rest exactly once', async () => {
    const { real, store, ctx, send, bodies, done } = await setup();
    const batch = [send('甲'), send('乙'), send('丙'), send('丁')];
    store.fail = { method: 'putMutation', call: 3, error: () => new Error('simulated crash') };
    await expect(push(ctx, agent, batch, { commitEveryMs: 60_000 })).rejects.toThrow('simulated crash');
    expect(await bodies()).toEqual(expect.arrayContaining(['甲', '乙']));
    expect((await bodies()).filter((b) => b === '丙' || b === '丁')).toEqual([]);
    expect(await real.read((r) => r.getMutation(batch[2]!.id))).toBeNull();
    const retry = await push(ctx, agent, batch);
    expect(retry.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const all = await bodies();
    for (const b of ['甲', '乙', '丙', '丁']) expect(all.filter((x) => x === b)).toHaveLength(1);
    expect((await verifyAuditChain(real)).ok).toBe(true);
    await done();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, startHub, value, errorCode, type TestClient, type TestHub } from '../testing/harness';

describe('pull: one ordered change log, read by cursor', () => {
  let t: TestHub;
  let agent: TestClient;
  let nurse: TestClient;

  beforeAll(async () => {
    t = await startHub();
    [agent, nurse] = await t.signInAll(['agent', 'nurse']);
  });
  afterAll(() => t.close());

  it('pages by cursor: small pages concatenate to the same stream as one big pull', async () => {
    const all = await agent.pullAll(0, 1000);
    const paged = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const v = value(await agent.pull(cursor, 7));
      expect(v.changes.length).toBeLessThanOrEqual(7);
      paged.push(...v.changes);
      pages++;
      if (!v.hasMore) break;
      expect(v.cursor).toBe(v.changes.at(-1)!.seq);
      cursor = v.cursor;
    }
    expect(pages).toBeGreaterThan(3);
    expect(paged).toEqual(all);
    const seqs = all.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('jumps the cursor over changes the caller may not see', async () => {
    const { cursor } = value(await agent.pull(0, 1000));
    await nurse.mutate('note.add', { conversationId: 'v-chen-glucose', noteId: newId(), body: '已电话随访' });
    const head = await t.hub.store.read((r) => r.headSeq());
    const v = value(await agent.pull(cursor));
    expect(v).toMatchObject({ changes: [], hasMore: false, cursor: head });
    expect(head).toBeGreaterThan(cursor);
  });

  it('a stale (older) cursor simply gets the same changes again', async () => {
    const a = value(await agent.pull(10, 20));
    const b = value(await agent.pull(10, 20));
    expect(b).toEqual(a);
  });

  it('refuses malformed, future and other-hub cursors with sync.bad_cursor; bad limits too', async () => {
    for (const cursor of [-1, 1.5, '12', null, undefined, Number.MAX_SAFE_INTEGER + 2]) {
      const r = await agent.req('POST', '/sync/pull', { cursor });
      expect([r.status, errorCode(r)], String(cursor)).toEqual([400, 'sync.bad_cursor']);
    }
    const head = await t.hub.store.read((r) => r.headSeq());
    const ahead = await agent.pull(head + 1);
    expect(ahead.status).toBe(409);
    expect(ahead.body).toMatchObject({ ok: false, error: { code: 'sync.bad_cursor', details: { reason: 'ahead', head } } });
    const other = await agent.req('POST', '/sync/pull', { cursor: 0, hubId: '01HOTHERHUB0000000000000000' });
    expect(other.body).toMatchObject({ ok: false, error: { code: 'sync.bad_cursor', details: { reason: 'other_hub', hubId: t.hub.hubId } } });
    expect(value(await agent.req('POST', '/sync/pull', { cursor: 0, limit: 1, hubId: t.hub.hubId }))).toMatchObject({ hubId: t.hub.hubId });
    const tooMany = await agent.pull(0, 1001);
    expect([tooMany.status, errorCode(tooMany)]).toEqual([413, 'sync.batch_too_large']);
    for (const limit of [0, -5, 2.5, 'x']) expect(errorCode(await agent.req('POST', '/sync/pull', { cursor: 0, limit }))).toBe('sync.bad_request');
    expect(errorCode(await agent.req('POST', '/sync/pull', { cursor: 0, extra: true }))).toBe('sync.bad_request');
  });

  it('stops a page at the byte budget (always at least one change)', async () => {
    const scope = { userId: 'u-agent', supervisor: false };
    const tiny = await t.hub.store.read((r) => r.pull(scope, 0, 1000, 1));
    expect(tiny.rows).toHaveLength(1);
    expect(tiny.hasMore).toBe(true);
    const some = await t.hub.store.read((r) => r.pull(scope, 0, 1000, 2000));
    expect(some.rows.length).toBeGreaterThan(1);
    expect(some.rows.length).toBeLessThan((await t.hub.store.read((r) => r.pull(scope, 0, 1000, 1e9))).rows.length);
  });

  it('every pull that returns patient data is audited with the conversations it exposed', async () => {
    const before = await t.hub.store.read((r) => r.auditCount());
    value(await agent.pull(0, 1000));
    const rec = (await t.hub.store.read((r) => r.auditHead()))!;
    expect(rec.id).toBe(before + 1);
    expect(rec).toMatchObject({ userId: 'u-agent', workstationId: 'ws-agent', action: 'sync.pull', outcome: 'ok' });
    expect((rec.detail as { conversations: string[] }).conversations).toContain('v-zhang-appt');
    expect((rec.detail as { conversations: string[] }).conversations).not.toContain('v-chen-glucose');
    // a pull with nothing patient-related is not a read of patient data
    const head = await t.hub.store.read((r) => r.headSeq());
    value(await agent.pull(head));
    expect(await t.hub.store.read((r) => r.auditCount())).toBe(before + 1);
  });

  it('the cursor survives a hub restart: seqs continue, nothing is re-numbered', async () => {
    await agent.pullAll(0);
    const cursor = agent.cursor;
    await t.restart();
    const fresh = await t.signIn('agent', 'ws-agent');
    const noteId = newId();
    const r = await fresh.mutate('note.add', { conversationId: 'v-zhang-appt', noteId, body: '重启后写入' });
    expect(r.status).toBe('applied');
    const v = value(await fresh.pull(cursor));
    expect(v.changes.map((c) => c.id)).toEqual([noteId]);
    expect(v.changes[0]!.seq).toBeGreaterThan(cursor);
  });
});

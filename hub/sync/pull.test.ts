import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, startHub, value, errorCode, type TestClient, type TestHub } from '../testing/harness';
import { ingestInbound } from './ingest';
import type { Change } from '../../shared/sync/protocol';

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

  it('leaves out the middle versions of a row in a run of pulls (`from`): never the first, the last or an event', async () => {
    const start = value(await agent.pull(0, 1000)).cursor;
    // Five patient messages re-put the conversation five times; the agent's status change in the middle is an event (prev).
    for (let i = 0; i < 5; i++) {
      await t.hub.write((tx) => ingestInbound(tx, { conversationId: 'v-zhang-appt', messageId: newId(), body: `复诊改期 ${i}`, authorName: null, at: t.clock.now() }, { at: t.clock.now() }));
      if (i === 2) expect((await agent.mutate('conversation.setStatus', { conversationId: 'v-zhang-appt', status: 'pending' })).status).toBe('applied');
      t.clock.advance(1000);
    }
    const runOf = async (limit: number, from?: number, begin = start) => {
      const out: Change[] = [];
      let cursor = begin;
      for (;;) {
        const v = value(await agent.req<{ changes: Change[]; cursor: number; hasMore: boolean }>('POST', '/sync/pull', { cursor, limit, ...(from !== undefined ? { from } : {}) }));
        out.push(...v.changes);
        cursor = v.cursor;
        if (!v.hasMore) return out;
      }
    };
    const convPuts = (cs: Change[]) => cs.filter((c) => c.entity === 'conversation' && c.id === 'v-zhang-appt');
    const oneRun = await runOf(2, start);
    const everyPage = await runOf(2);
    const bigPage = await runOf(1000, start);
    // Same stream however the run is paged; more versions without `from` (only per page).
    expect(oneRun).toEqual(bigPage);
    expect(convPuts(oneRun).length).toBeLessThan(convPuts(everyPage).length);
    expect(convPuts(oneRun).length).toBeLessThan(6);
    // Every message arrives.
    const msgsOf = (cs: Change[]) => cs.filter((c) => c.entity === 'message' && (c.data as { conversationId: string }).conversationId === 'v-zhang-appt');
    expect(msgsOf(oneRun).map((m) => (m.data as { body: string }).body)).toEqual([0, 1, 2, 3, 4].map((i) => `复诊改期 ${i}`));
    // A first sync (run from 0, small pages) gets the conversation before any of its messages, and fewer versions.
    const initial = await runOf(3, 0, 0);
    expect(initial.indexOf(convPuts(initial)[0]!)).toBeLessThan(initial.indexOf(msgsOf(initial)[0]!));
    expect(msgsOf(initial).length).toBe(msgsOf(await runOf(1000, undefined, 0)).length);
    expect(convPuts(initial).length).toBeLessThan(convPuts(await runOf(3, undefined, 0)).length);
    // Every event is there, in both runs alike.
    const events = (cs: Change[]) => convPuts(cs).filter((c) => c.prev).map((c) => c.seq);
    expect(events(oneRun).length).toBeGreaterThan(0);
    expect(events(oneRun)).toEqual(events(everyPage));
    // The last version is the hub's current row.
    const current = await t.hub.store.read((r) => r.getConversation('v-zhang-appt'));
    expect(convPuts(oneRun).at(-1)!.data).toEqual(JSON.parse(JSON.stringify(current)));
    // `from` may not lie after the cursor.
    expect(errorCode(await agent.req('POST', '/sync/pull', { cursor: start, from: start + 1 }))).toBe('sync.bad_request');
  });
});

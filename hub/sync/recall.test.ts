import { readFileSync, existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { newId, startHub, type TestClient, type TestHub } from '../testing/harness';

function onDisk(dir: string, marker: string): boolean {
  const needle = Buffer.from(marker, 'utf8');
  return ['hub.db', 'hub.db-wal'].some((f) => existsSync(join(dir, f)) && readFileSync(join(dir, f)).includes(needle));
}

describe('message.recall: within 5 s of the hub accepting it, and then the body is gone', () => {
  let t: TestHub;
  let agent: TestClient;
  let supervisor: TestClient;

  beforeAll(async () => {
    t = await startHub();
    [agent, supervisor] = await t.signInAll(['agent', 'supervisor']);
  });
  afterAll(() => t.close());

  it('shreds the body in the table, in every change-log copy and preview, and on disk', async () => {
    const marker = `RECALL-ME-${newId()}`;
    const messageId = newId();
    await agent.pullAll(0);
    await supervisor.pullAll(0);
    const previewBefore = (await t.hub.store.read((r) => r.getConversation('v-zhang-appt')))!.lastMessagePreview;
    expect((await agent.mutate('message.send', { conversationId: 'v-zhang-appt', messageId, body: `发错了 ${marker}` })).status).toBe('applied');
    // The supervisor's replica already has it; and a re-assignment copies it into a snapshot too.
    expect((await supervisor.pullAll()).some((c) => JSON.stringify(c.data).includes(marker))).toBe(true);
    expect((await supervisor.mutate('conversation.assign', { conversationId: 'v-zhang-appt', assigneeId: 'u-agent2' })).status).toBe('applied');
    expect((await supervisor.mutate('conversation.assign', { conversationId: 'v-zhang-appt', assigneeId: 'u-agent' })).status).toBe('applied');
    const sqlite = (t.hub.store as unknown as { sqlite: Database.Database }).sqlite;
    const copies = await t.hub.store.read(async () => sqlite.prepare('SELECT count(*) AS n FROM change_log WHERE data LIKE ?').get(`%${marker}%`) as { n: number });
    expect(copies.n).toBeGreaterThanOrEqual(3); // the send's message + conversation preview, and the snapshot's copy
    await t.hub.store.checkpoint();
    expect(onDisk(t.dir, marker)).toBe(true);

    t.clock.advance(SYNC_LIMITS.recallWindowMs);
    const r = await agent.mutate('message.recall', { messageId });
    expect(r).toMatchObject({ status: 'applied', result: { messageId, recalledAt: t.clock.now() } });

    const m = (await t.hub.store.read((x) => x.getMessage(messageId)))!;
    expect(m).toMatchObject({ body: '', recalledAt: t.clock.now() });
    expect((await t.hub.store.read((x) => x.getConversation('v-zhang-appt')))!.lastMessagePreview).toBe(previewBefore);
    // No copy anywhere in the log, for anyone pulling from the start.
    expect((await supervisor.pullAll(0)).some((c) => JSON.stringify(c).includes(marker))).toBe(false);
    expect(onDisk(t.dir, marker)).toBe(false);

    // Clients that had it are told to shred it.
    const told = (await agent.pullAll()).filter((c) => c.entity === 'message' && c.id === messageId);
    expect(told.at(-1)!.data).toMatchObject({ body: '', recalledAt: t.clock.now() });
  });

  it('is refused after the window, for someone else’s or an inbound message, and twice', async () => {
    const late = newId();
    await agent.mutate('message.send', { conversationId: 'v-zhang-appt', messageId: late, body: '正常回复' });
    t.clock.advance(SYNC_LIMITS.recallWindowMs + 1);
    expect(await agent.mutate('message.recall', { messageId: late })).toMatchObject({ status: 'rejected', code: 'sync.recall_window_closed' });
    expect((await t.hub.store.read((x) => x.getMessage(late)))!.body).toBe('正常回复');

    const mine = newId();
    await agent.mutate('message.send', { conversationId: 'v-zhang-appt', messageId: mine, body: '再发一条' });
    expect(await supervisor.mutate('message.recall', { messageId: mine })).toMatchObject({ status: 'rejected', code: 'sync.not_recallable' });
    expect(await agent.mutate('message.recall', { messageId: 'v-zhang-appt-m0' })).toMatchObject({ status: 'rejected', code: 'sync.not_recallable' });
    expect((await agent.mutate('message.recall', { messageId: mine })).status).toBe('applied');
    expect(await agent.mutate('message.recall', { messageId: mine })).toMatchObject({ status: 'rejected', code: 'sync.already_recalled' });
    expect(await agent.mutate('message.recall', { messageId: 'v-zzz' })).toMatchObject({ status: 'rejected', code: 'sync.not_found' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { createHub, type Hub } from '../../hub/app/create-hub';
import { ingestInbound } from '../../hub/sync/ingest';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { contract } from '../../shared/contract';
import { createClient } from '../../shared/contract/client';
import { tempDir } from '../support/tmp';
import { settleSync } from '../support/settle';

/** The workstation's sync engine against a real hub over real sockets (loopback). */
describe('sync client ↔ hub', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function hubAt(dir: string, port = 0): Promise<Hub> {
    const hub = await createHub({ dataDir: dir, port, demo: true, logger: false });
    return hub;
  }

  async function station(hubUrl: string, key = randomBytes(32), dir?: string) {
    const t = dir ? { dir, cleanup: () => undefined } : tempDir('lantern-sync-');
    const ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(key, true), appVersion: 't', hubUrl, sync: { pollMs: 200 } });
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    const client = createClient(contract, { invoke: ws.dispatch });
    return { ws, client, dir: t.dir };
  }

  const settle = (ws: Workstation) => settleSync(ws);

  /**
   * A fresh demo hub (closed after the test) and the agent's workstation, signed in and
   * synced. `restart()` brings the hub back on the same port and data directory.
   */
  async function agentAtFreshHub() {
    const h = tempDir('lantern-hub-');
    let current = await hubAt(h.dir);
    const port = current.port;
    cleanups.push(async () => {
      await current.close();
      h.cleanup();
    });
    const { ws, client } = await station(current.url);
    await client.sync.login({ username: 'agent', password: 'agent-demo' });
    await settle(ws);
    return {
      hub: current,
      ws,
      client,
      port,
      async restart() {
        current = await hubAt(h.dir, port);
        return current;
      },
    };
  }

  const ids = (r: { ok: boolean; value?: unknown }) => ((r as { value: { items: { id: string }[] } }).value.items.map((i) => i.id) ?? []).sort();

  it('signs in and pulls only what the user may see', async () => {
    const h = tempDir('lantern-hub-');
    const hub = await hubAt(h.dir);
    cleanups.push(async () => {
      await hub.close();
      h.cleanup();
    });
    const { ws, client } = await station(hub.url);
    expect(await client.conversations.list({})).toMatchObject({ ok: false, error: { code: 'session.signed_out' } });
    expect(await client.sync.login({ username: 'agent', password: 'wrong-password' })).toMatchObject({ ok: false, error: { code: 'auth.invalid_credentials' } });
    expect(await client.sync.login({ username: 'agent', password: 'agent-demo' })).toMatchObject({ ok: true, value: { role: 'agent' } });
    await settle(ws);
    const mine = ids(await client.conversations.list({ limit: 500 }));
    // agent: own (zhang, li, zhao, zheng) + the outpatient queue (liu, huang) — never the nurse's chronic ones.
    expect(mine).toEqual(['v-huang-en', 'v-li-call', 'v-liu-report', 'v-zhang-appt', 'v-zhao-fever', 'v-zheng-optout']);
    expect(await client.session.info()).toMatchObject({ ok: true, value: { mode: 'hub', user: { id: 'u-agent' } } });
  });

  it('pushes a reply exactly once, shows refusals with their reason, and rolls back a refused change', async () => {
    const { hub, ws, client } = await agentAtFreshHub();
    ws.sync!.stop(); // queue offline, then send together
    const reply = await client.messages.queueReply({ conversationId: 'v-zhang-appt', body: '已为您改约到周五上午' });
    if (!reply.ok) throw new Error(reply.error.code);
    await client.conversations.setStatus({ id: 'v-li-call', status: 'resolved' });
    await client.conversations.setStatus({ id: 'v-li-call', status: 'pending' }); // resolved → pending is not allowed
    expect(ws.sync!.snapshot().queued).toBe(3);
    ws.sync!.start();
    await settle(ws);

    const rejected = await client.sync.rejected();
    expect(rejected).toMatchObject({ ok: true, value: { items: [{ kind: 'conversation.setStatus', code: 'sync.invalid_transition' }] } });
    // The refused change is rolled back to the hub's value; the accepted one stays.
    expect(await client.conversations.get({ id: 'v-li-call' })).toMatchObject({ ok: true, value: { status: 'resolved' } });
    const tl = await client.conversations.timeline({ id: 'v-li-call' });
    const events = tl.ok ? tl.value.items.filter((i) => i.type === 'event') : [];
    expect(events.some((e) => e.type === 'event' && e.detail.rejected === 'sync.invalid_transition')).toBe(true);

    // A supervisor's replica sees the reply once, with the same id.
    const sup = await station(hub.url);
    await sup.client.sync.login({ username: 'supervisor', password: 'supervisor-demo' });
    await settle(sup.ws);
    const rows = sup.ws.replica.sqlite.prepare("SELECT id FROM messages WHERE body = '已为您改约到周五上午'").all();
    expect(rows).toEqual([{ id: reply.value.id }]);
  });

  it('keeps working offline, shows what is queued, and converges after the hub restarts', async () => {
    const fresh = await agentAtFreshHub();
    let hub = fresh.hub;
    const { ws, client } = fresh;
    await hub.close();
    const r = await client.messages.queueReply({ conversationId: 'v-zhao-fever', body: '请尽快到儿科急诊' });
    expect(r.ok).toBe(true);
    await client.notes.add({ conversationId: 'v-zhao-fever', body: '已建议急诊' });
    ws.sync!.kick();
    await ws.sync!.idle();
    expect(await client.sync.status()).toMatchObject({ ok: true, value: { status: 'offline', queued: 2 } });
    // Reading and searching still work offline.
    expect(ids(await client.conversations.list({ filter: { query: '急诊' } }))).toContain('v-zhao-fever');
    hub = await fresh.restart();
    await settle(ws);
    expect(await client.sync.status()).toMatchObject({ ok: true, value: { status: 'online', queued: 0, rejected: 0 } });
  });

  it('a reply that never reached the hub can be cancelled offline; one whose push may have arrived cannot, and is delivered once', async () => {
    const fresh = await agentAtFreshHub();
    let hub = fresh.hub;
    const { ws, client, port } = fresh;
    let blackHole: Server | null = null;
    cleanups.push(() => void blackHole?.close());
    const outboxState = (messageId: string) =>
      (ws.replica.sqlite.prepare("SELECT state FROM outbox WHERE kind = 'message.send' AND json_extract(payload, '$.messageId') = ?").get(messageId) as { state: string } | undefined)?.state;
    await hub.close();

    // Hub down (connection refused): the push is tried and fails, and the reply stays cancellable.
    const wrong = await client.messages.queueReply({ conversationId: 'v-zhao-fever', body: '发错了的回复' });
    if (!wrong.ok) throw new Error(wrong.error.code);
    ws.sync!.kick();
    await ws.sync!.idle();
    expect(await client.sync.status()).toMatchObject({ ok: true, value: { status: 'offline', queued: 1 } });
    expect(outboxState(wrong.value.id)).toBe('pending');
    expect(await client.messages.cancelQueued({ id: wrong.value.id })).toMatchObject({ ok: true, value: { cancelled: true } });

    // Something takes the request and drops the connection without an answer: it may have
    // been applied, so the reply is no longer cancellable (recall is the way), not even
    // after a later attempt that could not connect at all.
    blackHole = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((r) => blackHole!.listen(port, '127.0.0.1', () => r()));
    const maybe = await client.messages.queueReply({ conversationId: 'v-zhao-fever', body: '请尽快到儿科急诊' });
    if (!maybe.ok) throw new Error(maybe.error.code);
    ws.sync!.kick();
    await ws.sync!.idle();
    expect(outboxState(maybe.value.id)).toBe('sending');
    await new Promise<void>((r) => blackHole!.close(() => r()));
    blackHole = null;
    ws.sync!.kick();
    await ws.sync!.idle();
    expect(outboxState(maybe.value.id)).toBe('sending');
    expect(await client.messages.cancelQueued({ id: maybe.value.id })).toMatchObject({ ok: false, error: { code: 'messages.already_sending' } });

    hub = await fresh.restart();
    await settle(ws);
    const atHub = await hub.store.read(async (r) => (await r.messagesOf('v-zhao-fever')).map((m) => m.body));
    expect(atHub.filter((b) => b === '请尽快到儿科急诊')).toHaveLength(1);
    expect(atHub).not.toContain('发错了的回复');
  });

  it('builds the offline search index after the initial sync, in the background, also with the hub gone', async () => {
    const { hub, ws, client } = await agentAtFreshHub();
    // The download stored the messages without indexing them; a backfill is due.
    const messages = (ws.replica.sqlite.prepare("SELECT count(*) AS n FROM messages WHERE recalled_at IS NULL").get() as { n: number }).n;
    expect(messages).toBeGreaterThan(5);
    const marked = ws.replica.sqlite.prepare("SELECT 1 FROM sync_state WHERE key = 'search_backfill'").get();
    const indexedNow = (ws.replica.sqlite.prepare("SELECT count(*) AS n FROM search_docs WHERE kind = 'message'").get() as { n: number }).n;
    // Either still running (progress shown) or already done — never a mark without a runner.
    const snap = (await client.sync.status()) as { ok: true; value: { indexing: { done: number; total: number } | null } };
    if (marked) expect(snap.value.indexing).toMatchObject({ total: expect.any(Number) });
    await hub.close();
    await ws.sync!.searchIndexed();
    expect(ws.replica.sqlite.prepare("SELECT 1 FROM sync_state WHERE key = 'search_backfill'").get()).toBeUndefined();
    expect((ws.replica.sqlite.prepare("SELECT count(*) AS n FROM search_docs WHERE kind = 'message'").get() as { n: number }).n).toBe(messages);
    expect(indexedNow).toBeLessThanOrEqual(messages);
    expect((await client.sync.status()) as unknown).toMatchObject({ ok: true, value: { indexing: null } });
    // A message only the hub had (never written on this workstation) is found offline.
    expect(ids(await client.conversations.list({ filter: { query: '布洛芬' } }))).toEqual(['v-li-call']);
    expect(ids(await client.conversations.list({ filter: { query: '退烧' } }))).toEqual(['v-zhao-fever']);
  });

  it('receives a patient message by poke, and drops a conversation reassigned away (scope revoke)', async () => {
    const { hub, ws, client } = await agentAtFreshHub();
    await client.sync.status(); // clear the initial arrivals
    await hub.write((tx) => ingestInbound(tx, { conversationId: 'v-zhao-fever', messageId: 'in-1', body: '还是39度，要不要去医院', authorName: '赵磊家长', at: Date.now() }, { at: Date.now() }));
    // No kick: the WebSocket poke (or the poll) brings it.
    await expect.poll(() => ws.replica.sqlite.prepare("SELECT body FROM messages WHERE id = 'in-1'").get(), { timeout: 5000 }).toEqual({ body: '还是39度，要不要去医院' });
    const status = await client.sync.status();
    expect(status.ok && status.value.arrived.map((a) => a.id)).toContain('v-zhao-fever');

    const sup = await station(hub.url);
    await sup.client.sync.login({ username: 'supervisor', password: 'supervisor-demo' });
    await settle(sup.ws);
    expect((await sup.client.conversations.assign({ id: 'v-zhao-fever', assigneeId: 'u-agent2' })).ok).toBe(true);
    await settle(sup.ws);
    await expect.poll(() => ws.replica.sqlite.prepare("SELECT count(*) AS n FROM conversations WHERE id = 'v-zhao-fever'").get(), { timeout: 5000 }).toEqual({ n: 0 });
    expect(ws.replica.sqlite.prepare("SELECT count(*) AS n FROM messages WHERE conversation_id = 'v-zhao-fever'").get()).toEqual({ n: 0 });
  });

  it('reading a conversation clears its unread count at the hub too, for colleagues and after the next pull', async () => {
    const { hub, ws, client } = await agentAtFreshHub();
    await hub.write((tx) => ingestInbound(tx, { conversationId: 'v-zhao-fever', messageId: 'in-read-1', body: '孩子退烧了吗？', authorName: '赵磊家长', at: Date.now() }, { at: Date.now() }));
    await expect.poll(async () => ((await client.conversations.get({ id: 'v-zhao-fever' })) as { value: { unreadCount: number } }).value.unreadCount, { timeout: 5000 }).toBeGreaterThan(0);
    const before = ws.sync!.snapshot();
    await client.conversations.markRead({ id: 'v-zhao-fever' });
    // A background record: it waits for the hub, but is not counted as the user's queued work.
    expect(ws.sync!.snapshot()).toMatchObject({ queued: before.queued, background: before.background + 1 });
    await settle(ws);
    expect((await hub.store.read((r) => r.getConversation('v-zhao-fever')))?.unreadCount).toBe(0);
    // A full pull of the same state keeps it read; a colleague's replica shows it read.
    ws.sync!.kick();
    await ws.sync!.idle();
    expect(await client.conversations.get({ id: 'v-zhao-fever' })).toMatchObject({ ok: true, value: { unreadCount: 0 } });
    const sup = await station(hub.url);
    await sup.client.sync.login({ username: 'supervisor', password: 'supervisor-demo' });
    await settle(sup.ws);
    expect(await sup.client.conversations.get({ id: 'v-zhao-fever' })).toMatchObject({ ok: true, value: { unreadCount: 0 } });
    // Opening it again queues nothing.
    await client.conversations.markRead({ id: 'v-zhao-fever' });
    expect(ws.sync!.snapshot()).toMatchObject({ queued: 0, background: 0 });
  });

  it('revealing a masked identifier is recorded locally at once and in the hub audit chain when it syncs (also after offline)', async () => {
    const fresh = await agentAtFreshHub();
    let hub = fresh.hub;
    const { ws, client } = fresh;
    await hub.close();
    expect(await client.contacts.revealIdentifier({ identityId: 'c-li-id0', reason: '回拨' })).toMatchObject({ ok: true, value: { value: '+8613800000002' } });
    expect(ws.replica.sqlite.prepare("SELECT action, object_id AS objectId FROM audit WHERE action = 'identifier.reveal'").all()).toEqual([{ action: 'identifier.reveal', objectId: 'c-li-id0' }]);
    hub = await fresh.restart();
    await settle(ws);
    const atHub = (await hub.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'contact.revealIdentifier');
    expect(atHub).toEqual([expect.objectContaining({ userId: 'u-agent', objectId: 'c-li-id0', outcome: 'ok', detail: expect.objectContaining({ reason: '回拨' }) })]);
    expect(atHub[0]!.workstationId).toBeTruthy();
  });

  it('snoozing from the workstation is accepted by the hub, which opens the conversation again when the time comes', async () => {
    const { hub, ws, client } = await agentAtFreshHub();
    const until = Date.now() + 400;
    expect((await client.conversations.setStatus({ id: 'v-zhang-appt', status: 'snoozed', snoozeUntil: until })).ok).toBe(true);
    await settle(ws);
    expect(await client.sync.status()).toMatchObject({ ok: true, value: { rejected: 0 } });
    expect(await hub.store.read((r) => r.getConversation('v-zhang-appt'))).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    expect(await client.conversations.get({ id: 'v-zhang-appt' })).toMatchObject({ ok: true, value: { status: 'snoozed', snoozedUntil: until } });
    await new Promise((r) => setTimeout(r, 500));
    expect(await hub.snooze.tick()).toBe(1);
    await expect.poll(async () => ((await client.conversations.get({ id: 'v-zhang-appt' })) as { value: { status: string; snoozedUntil: number | null } }).value, { timeout: 5000 }).toEqual(
      expect.objectContaining({ status: 'open', snoozedUntil: null }),
    );
  });

  it('live tail: a new message arrives on the socket and is applied without a pull; a frame that does not fit the cursor falls back to a pull', async () => {
    const h = tempDir('lantern-hub-');
    const hub = await hubAt(h.dir);
    cleanups.push(async () => {
      await hub.close();
      h.cleanup();
    });
    const t = tempDir('lantern-sync-');
    // No polling within the test: only the socket can bring changes.
    const ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl: hub.url, sync: { pollMs: 600_000 } });
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    const client = createClient(contract, { invoke: ws.dispatch });
    await client.sync.login({ username: 'agent', password: 'agent-demo' });
    await settle(ws);
    const wid = (ws.replica.sqlite.prepare("SELECT value FROM sync_state WHERE key = 'workstation_id'").get() as { value: string }).value;
    const pulls = async (via: 'live' | 'pull') =>
      (await hub.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'sync.pull' && a.workstationId === wid && (a.detail as { via?: string }).via === (via === 'live' ? 'live' : undefined)).length;
    await expect.poll(async () => (await pulls('live')) + (await pulls('pull'))).toBeGreaterThan(0);
    const httpBefore = await pulls('pull');
    const message = (id: string) => ws.replica.sqlite.prepare('SELECT body FROM messages WHERE id = ?').get(id);

    await hub.write((tx) => ingestInbound(tx, { conversationId: 'v-zhao-fever', messageId: 'live-1', body: '退烧了吗？还在38.5', authorName: '赵磊家长', at: Date.now() }, { at: Date.now() }));
    await expect.poll(() => message('live-1'), { timeout: 5000 }).toEqual({ body: '退烧了吗？还在38.5' });
    expect(await pulls('live')).toBeGreaterThanOrEqual(1);
    expect(await pulls('pull')).toBe(httpBefore);
    const cursor = Number((ws.replica.sqlite.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").get() as { value: string }).value);
    expect(cursor).toBe(await hub.store.read((r) => r.latestVisibleSeq({ userId: 'u-agent', supervisor: false }, 0)));

    // The replica's cursor no longer matches what the hub believes (a page applied elsewhere, a restore…):
    // the next frame does not fit, so the client pulls — and still ends up complete.
    ws.replica.sqlite.prepare("UPDATE sync_state SET value = ? WHERE key = 'cursor'").run(String(cursor - 1));
    await hub.write((tx) => ingestInbound(tx, { conversationId: 'v-zhao-fever', messageId: 'live-2', body: '现在39度了', authorName: '赵磊家长', at: Date.now() }, { at: Date.now() }));
    await expect.poll(() => message('live-2'), { timeout: 5000 }).toEqual({ body: '现在39度了' });
    await expect.poll(() => pulls('pull'), { timeout: 5000 }).toBeGreaterThan(httpBefore);
    await settle(ws);
    expect(ws.replica.sqlite.prepare("SELECT count(*) AS n FROM messages WHERE id IN ('live-1','live-2')").get()).toEqual({ n: 2 });
  });

  it('reconnects the live socket as soon as the hub answers HTTP again, instead of waiting out its backoff', async () => {
    const h = tempDir('lantern-hub-');
    let hub = await hubAt(h.dir);
    const port = hub.port;
    cleanups.push(async () => {
      await hub.close();
      h.cleanup();
    });
    const t = tempDir('lantern-sync-');
    // No polling, and always the longest backoff (random = 1): only the socket brings changes.
    const ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl: hub.url, sync: { pollMs: 600_000, random: () => 1 } });
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    const client = createClient(contract, { invoke: ws.dispatch });
    await client.sync.login({ username: 'agent', password: 'agent-demo' });
    await settle(ws);
    await expect.poll(() => ws.sync!.socketLive, { timeout: 2_000 }).toBe(true);
    await hub.close();
    await expect.poll(() => ws.sync!.socketLive, { timeout: 2_000 }).toBe(false);
    // Handshakes fail at about +0.5, +1.5, +3.5 and +7.5 s; the next one would wait 8 s more.
    await new Promise((r) => setTimeout(r, 8_000));
    hub = await hubAt(h.dir, port);
    // The agent does something that syncs (a reply, a status change): HTTP works again.
    ws.sync!.kick();
    await ws.sync!.idle();
    expect(ws.sync!.snapshot().status).toBe('online');
    await expect.poll(() => ws.sync!.socketLive, { timeout: 2_000 }).toBe(true);
    await hub.write((tx) => ingestInbound(tx, { conversationId: 'v-zhao-fever', messageId: 'in-after-outage', body: '烧退了一点', authorName: '赵磊家长', at: Date.now() }, { at: Date.now() }));
    await expect.poll(() => ws.replica.sqlite.prepare("SELECT body FROM messages WHERE id = 'in-after-outage'").get(), { timeout: 3_000 }).toEqual({ body: '烧退了一点' });
  });

  it('re-syncs from 0 when the hub was replaced, keeping unsent work', async () => {
    const h1 = tempDir('lantern-hub-');
    const h2 = tempDir('lantern-hub-');
    let hub = await hubAt(h1.dir);
    const port = hub.port;
    cleanups.push(async () => {
      await hub.close();
      h1.cleanup();
      h2.cleanup();
    });
    const { ws, client } = await station(hub.url);
    await client.sync.login({ username: 'agent', password: 'agent-demo' });
    await settle(ws);
    await hub.close();
    const r = await client.notes.add({ conversationId: 'v-zhang-appt', body: '换服务器前写的备注' });
    expect(r.ok).toBe(true);
    // A brand-new hub (restored elsewhere) on the same address: our cursor means nothing there.
    hub = await hubAt(h2.dir, port);
    for (let i = 0; i < 100 && !(await client.sync.status()).ok; i++) await new Promise((res) => setTimeout(res, 20));
    // The refresh token belongs to the old hub: sign in again, then it converges.
    await client.sync.login({ username: 'agent', password: 'agent-demo' });
    await settle(ws);
    expect(ws.replica.sqlite.prepare("SELECT value FROM sync_state WHERE key = 'hub_id'").get()).toEqual({ value: hub.hubId });
    expect(ws.replica.sqlite.prepare("SELECT count(*) AS n FROM notes WHERE body = '换服务器前写的备注'").get()).toEqual({ n: 1 });
    const list = await client.conversations.list({});
    expect(list.ok && list.value.total).toBe(6);
  });
});

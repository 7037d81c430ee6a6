import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createHub, type Hub } from '../../hub/app/create-hub';
import { ingestInbound } from '../../hub/sync/ingest';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { call } from '../../hub/testing/harness';
import type { LoginValue, PullValue } from '../../shared/sync/protocol';
import { HttpTestProxy } from '../support/http-proxy';
import { HubHttp } from '../../electron/services/sync/http';
import { settleSync } from '../support/settle';
import { tempDir } from '../support/tmp';

const EXTRA = 1200;
const PAGE = 50;

/**
 * A workstation far behind its hub gets the rest of a run of pulls on one streamed
 * response (docs/sync.md §4.1), commits several pages at once, falls back to page pulls
 * on a hub without the stream, and keeps what it applied when a stream is cut.
 * Real hub, real replica, a real HTTP proxy in between.
 */
describe('streamed pulls', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  /**
   * A demo hub with EXTRA more patient messages in two conversations the agent sees.
   * `badAt`: after that many, a change-log row no workstation can read (a message without its fields).
   */
  async function busyHub(badAt?: number): Promise<Hub & { extrasFrom: number }> {
    const h = tempDir('lantern-hub-');
    const hub = await createHub({ dataDir: h.dir, port: 0, demo: true, logger: false });
    cleanups.push(async () => {
      await hub.close();
      h.cleanup();
    });
    const [a, b] = await hub.store.read((r) => r.visibleConversationIds({ userId: 'u-agent', supervisor: false }));
    const extrasFrom = await hub.store.read((r) => r.headSeq());
    const now = Date.now();
    await hub.write(async (tx) => {
      for (let i = 0; i < EXTRA; i++) {
        const conversationId = i % 2 ? a! : b!;
        if (i === badAt) {
          const raw = (hub.store as unknown as { sqlite: { prepare(sql: string): { run(...args: unknown[]): unknown } } }).sqlite;
          raw.prepare("INSERT INTO change_log (at, entity, entity_id, op, data, conversation_id) VALUES (?, 'message', 'ps-bad', 'put', ?, ?)").run(now, JSON.stringify({ id: 'ps-bad', conversationId }), conversationId);
        }
        await ingestInbound(tx, { conversationId, messageId: `ps-${i}`, body: `患者留言 ${i}`, authorName: null, at: now + i }, { at: now + i });
      }
    });
    return Object.assign(hub, { extrasFrom });
  }

  async function proxied(hub: Hub): Promise<{ proxy: HttpTestProxy; url: string }> {
    const proxy = new HttpTestProxy(hub.port);
    const url = await proxy.listen();
    cleanups.push(() => proxy.close());
    return { proxy, url };
  }

  /** `commits` counts the replica's commits of pulled changes (onApplied is called once per commit). */
  async function station(hubUrl: string, counter = { commits: 0 }): Promise<Workstation> {
    const t = tempDir('lantern-ps-');
    const ws = await createWorkstation({
      dataDir: t.dir,
      keyStore: createStaticKeyStore(randomBytes(32), true),
      appVersion: 't',
      hubUrl,
      sync: { pollMs: 60_000, pullLimit: PAGE, onApplied: () => void counter.commits++ },
    });
    cleanups.push(async () => {
      await ws.close();
      t.cleanup();
    });
    return ws;
  }

  /** Every message id the agent may see, by page pulls straight from the hub. */
  async function hubMessages(hub: Hub): Promise<string[]> {
    const login = await call<LoginValue>(hub.url, 'POST', '/auth/login', { username: 'agent', password: 'agent-demo', workstationId: 'ws-expected' });
    const token = (login.body as { value: LoginValue }).value.accessToken;
    const ids = new Set<string>();
    let cursor = 0;
    for (;;) {
      const v = (await call<PullValue>(hub.url, 'POST', '/sync/pull', { cursor, limit: 1000, from: 0 }, token)).body as { value: PullValue };
      for (const c of v.value.changes) if (c.entity === 'message') ids.add(c.id);
      cursor = v.value.cursor;
      if (!v.value.hasMore) break;
    }
    return [...ids].sort();
  }

  const replicaMessages = (ws: Workstation) => (ws.replica.sqlite.prepare('SELECT id FROM messages ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  const cursorOf = (ws: Workstation) => Number((ws.replica.sqlite.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").get() as { value: string } | undefined)?.value ?? 0);

  async function signIn(ws: Workstation) {
    const r = await ws.dispatch('sync.login', { username: 'agent', password: 'agent-demo' });
    expect(r.ok).toBe(true);
  }

  it('a first sync far behind: one page pull, then the rest streamed and committed several pages at a time', async () => {
    const hub = await busyHub();
    const { proxy, url } = await proxied(hub);
    // A buffering reverse proxy hands over the whole stream at once: pages wait, and commit together.
    proxy.whole.add('/sync/pull/stream');
    const counter = { commits: 0 };
    const ws = await station(url, counter);
    await signIn(ws);
    await settleSync(ws);
    const expected = await hubMessages(hub);
    expect(expected.length).toBeGreaterThan(EXTRA);
    expect(replicaMessages(ws)).toEqual(expected);
    expect(proxy.count('/sync/pull/stream')).toBeGreaterThanOrEqual(1);
    // The first pull of each run is a plain page; a run's rest never went page by page.
    const pagesNeeded = Math.ceil(expected.length / PAGE);
    expect(proxy.count('/sync/pull')).toBeLessThan(pagesNeeded / 4);
    expect(counter.commits).toBeLessThan(pagesNeeded / 3);
    // The replica is usable: the inbox shows the newest message of a busy conversation.
    const row = ws.replica.sqlite.prepare('SELECT last_message_preview AS p FROM conversations ORDER BY last_message_at DESC LIMIT 1').get() as { p: string };
    expect(row.p).toContain(`患者留言 ${EXTRA - 1}`);
    expect(ws.sync!.snapshot()).toMatchObject({ status: 'online', initial: null });
  });

  it('a hub without the stream route: page pulls, same replica, and the stream is not asked for again', async () => {
    const hub = await busyHub();
    const { proxy, url } = await proxied(hub);
    proxy.missing.add('/sync/pull/stream');
    const ws = await station(url);
    await signIn(ws);
    await settleSync(ws);
    expect(replicaMessages(ws)).toEqual(await hubMessages(hub));
    expect(proxy.count('/sync/pull/stream')).toBe(1);
    expect(proxy.count('/sync/pull')).toBeGreaterThan(Math.ceil(EXTRA / PAGE));
    // Later catch-ups go page by page straight away.
    const now = Date.now();
    const [a] = await hub.store.read((r) => r.visibleConversationIds({ userId: 'u-agent', supervisor: false }));
    await hub.write(async (tx) => {
      for (let i = 0; i < 3 * PAGE; i++) await ingestInbound(tx, { conversationId: a!, messageId: `ps-late-${i}`, body: `后来 ${i}`, authorName: null, at: now + i }, { at: now + i });
    });
    await settleSync(ws);
    expect(replicaMessages(ws)).toEqual(await hubMessages(hub));
    expect(proxy.count('/sync/pull/stream')).toBe(1);
  });

  it('a stream cut mid-way: the pages before the cut stay applied with their cursor, and the next cycle goes on from there', async () => {
    const hub = await busyHub();
    const { proxy, url } = await proxied(hub);
    proxy.cutNext = { path: '/sync/pull/stream', afterBytes: 60_000 };
    const ws = await station(url);
    const sync = () => ws.sync!;
    // After the cut nothing more gets through until we have looked at the replica.
    const cutSeen = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (proxy.cutNext === null && proxy.count('/sync/pull/stream') >= 1) {
          clearInterval(timer);
          proxy.hold();
          resolve();
        }
      }, 1);
    });
    await signIn(ws);
    await cutSeen;
    // The cycle the cut broke has failed, with the reason shown (its retry waits at the proxy).
    while (sync().snapshot().error?.code !== 'hub.unreachable') await new Promise((r) => setTimeout(r, 5));
    const expected = await hubMessages(hub);
    const partial = replicaMessages(ws).length;
    expect(partial).toBeGreaterThan(PAGE);
    expect(partial).toBeLessThan(expected.length);
    const cursorAtCut = cursorOf(ws);
    expect(cursorAtCut).toBeGreaterThan(0);
    proxy.release();
    await settleSync(ws);
    expect(replicaMessages(ws)).toEqual(expected);
    expect(cursorOf(ws)).toBeGreaterThan(cursorAtCut);
    expect(ws.replica.integrityCheck().ok).toBe(true);
  });

  it('a change the workstation cannot read mid-stream: the pages before it stay applied, the reason is shown, and the response is let go', async () => {
    const hub = await busyHub(EXTRA / 2);
    const { url } = await proxied(hub);
    const ws = await station(url);
    await signIn(ws);
    while (ws.sync!.snapshot().error === null) await new Promise((r) => setTimeout(r, 10));
    await ws.sync!.idle();
    const held = replicaMessages(ws);
    expect(held.length).toBeGreaterThan(PAGE);
    expect(held).not.toContain('ps-bad');
    // Nothing at or after the unreadable change: its page (and any page committed with it) rolled back.
    expect(held.filter((id) => id.startsWith('ps-')).every((id) => Number(id.slice(3)) < EXTRA / 2)).toBe(true);
    expect(ws.sync!.snapshot().error?.message).toMatch(/Bad message data/);
    // The hub is not left serving a response nobody reads: it shuts down at once.
    const closed = await Promise.race([hub.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 5_000))]);
    expect(closed).toBe('closed');
  });

  it('a reader that stops early ends the streamed response at once (not after the 15 s idle timeout)', async () => {
    const hub = await busyHub();
    const { proxy, url } = await proxied(hub);
    const login = (await call<LoginValue>(url, 'POST', '/auth/login', { username: 'agent', password: 'agent-demo', workstationId: 'ws-stream-stop' })).body as { value: LoginValue };
    // Pages of patient messages (~20 KB each): about two get through, then the link stalls.
    proxy.stallNext = { path: '/sync/pull/stream', afterBytes: 2 * PAGE * 400 };
    const stop = new AbortController();
    const pages = new HubHttp({ baseUrl: url }).pullStream(login.value.accessToken, hub.extrasFrom, PAGE, null, hub.extrasFrom, stop.signal)[Symbol.asyncIterator]();
    // Read what gets through until the next page does not come.
    let read = 0;
    let waiting: Promise<IteratorResult<PullValue>> | null = null;
    for (let i = 0; i < 50 && !waiting; i++) {
      const next = pages.next();
      const got = await Promise.race([next, new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 500))]);
      if (got === 'stalled') waiting = next;
      else {
        expect(got.done).toBe(false);
        read++;
      }
    }
    expect(read).toBeGreaterThan(0);
    expect(waiting).not.toBeNull();
    const t0 = Date.now();
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'network' });
    expect(Date.now() - t0).toBeLessThan(3_000);
    for (let i = 0; i < 100 && proxy.abandoned === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(proxy.abandoned).toBe(1);
  });

  it('a stream that ends without a page is an error shown to the user, not a loop of requests', async () => {
    const hub = await busyHub();
    const { proxy, url } = await proxied(hub);
    proxy.emptyStream.add('/sync/pull/stream');
    const ws = await station(url);
    await signIn(ws);
    while (ws.sync!.snapshot().error === null) await new Promise((r) => setTimeout(r, 10));
    expect(ws.sync!.snapshot().error).toMatchObject({ code: 'hub.bad_response' });
    await ws.sync!.idle();
    // One cycle asked once; the retry waits for its backoff.
    expect(proxy.count('/sync/pull/stream')).toBeLessThanOrEqual(2);
    // What came before stays: the first page of the run.
    expect(replicaMessages(ws).length).toBeGreaterThan(0);
  });
});

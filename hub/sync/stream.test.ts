import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from '../auth/secret';
import { silentLogger } from '../log/logger';
import { Notifier } from './notifier';
import { ingestInbound } from './ingest';
import { streamLines, pullPageWithToken } from './stream';
import { newId, startHub, value, type TestClient, type TestHub } from '../testing/harness';
import type { HubContext } from '../app/context';
import type { PullValue } from '../../shared/sync/protocol';
import { SYNC_LIMITS } from '../../shared/sync/limits';

type Line = { ok: true; value: PullValue } | { ok: false; error: { code: string; message: string } };

/** POST /sync/pull/stream, read to the end over a real socket: status, content type, one envelope per line. */
async function stream(url: string, token: string | null, body: unknown): Promise<{ status: number; type: string; lines: Line[]; raw: string }> {
  const res = await fetch(`${url}/sync/pull/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const lines = type.startsWith('application/x-ndjson') ? raw.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line) : [JSON.parse(raw) as Line];
  return { status: res.status, type, lines, raw };
}

const pages = (lines: Line[]) => lines.map((l) => (l.ok ? l.value : null)).filter((v): v is PullValue => v !== null);

describe('pull stream: the rest of a run of pulls on one response', () => {
  let t: TestHub;
  let agent: TestClient;
  let nurse: TestClient;
  let ctx: HubContext;

  beforeAll(async () => {
    t = await startHub();
    [agent, nurse] = await t.signInAll(['agent', 'nurse']);
    // Enough changes for well over streamMaxPages one-change pages.
    const now = t.clock.now();
    await t.hub.write(async (tx) => {
      for (let i = 0; i < 150; i++) await ingestInbound(tx, { conversationId: 'v-zhang-appt', messageId: `st-${i}`, body: `流 ${i}`, authorName: null, at: now + i }, { at: now + i });
    });
    // The same context the hub's routes get, to step through a stream line by line.
    ctx = { store: t.hub.store, config: t.hub.config, secret: loadOrCreateSecret(t.dir), now: t.clock.now, log: silentLogger(), notifier: new Notifier() };
  });
  afterAll(() => t.close());

  /** Page pulls from `cursor`, all in one run (`from`), until hasMore is false or `max` pages. */
  async function paged(client: TestClient, cursor: number, limit: number, max = Infinity): Promise<PullValue[]> {
    const out: PullValue[] = [];
    const from = cursor;
    for (;;) {
      const v = value(await client.req<PullValue>('POST', '/sync/pull', { cursor, limit, from }));
      out.push(v);
      if (!v.hasMore || out.length >= max) return out;
      cursor = v.cursor;
    }
  }

  it('sends, one line each, exactly the pages page-by-page pulls of the same run get', async () => {
    const s = await stream(t.url, agent.token, { cursor: 0, limit: 7, from: 0 });
    expect(s.status).toBe(200);
    expect(s.type).toMatch(/^application\/x-ndjson/);
    expect(s.raw.endsWith('\n')).toBe(true);
    const streamed = pages(s.lines);
    expect(streamed.length).toBe(s.lines.length);
    expect(streamed.length).toBeGreaterThan(3);
    expect(streamed.at(-1)!.hasMore).toBe(false);
    expect(streamed).toEqual(await paged(agent, 0, 7));
    // Scoped like a pull: the nurse's stream is her own, not the agent's.
    const theirs = pages((await stream(t.url, nurse.token, { cursor: 0, limit: 50 })).lines).flatMap((p) => p.changes.map((c) => c.id));
    expect(theirs).not.toContain('st-0');
    expect(theirs.length).toBeGreaterThan(0);
  });

  it('audits every page it sends, like a pull', async () => {
    const before = (await t.hub.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'sync.pull' && a.userId === 'u-agent').length;
    const streamed = pages((await stream(t.url, agent.token, { cursor: 0, limit: 20 })).lines);
    const after = (await t.hub.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'sync.pull' && a.userId === 'u-agent');
    expect(after.length - before).toBe(streamed.filter((p) => p.changes.length > 0).length);
    expect(after.at(-1)).toMatchObject({ workstationId: 'ws-agent', objectType: 'changes', outcome: 'ok' });
    expect(await t.hub.verifyAudit()).toMatchObject({ ok: true });
  });

  it('is bounded: after streamMaxPages pages it ends with hasMore, and the client asks again from that cursor', async () => {
    const first = pages((await stream(t.url, agent.token, { cursor: 0, limit: 1 })).lines);
    expect(first.length).toBe(SYNC_LIMITS.streamMaxPages);
    expect(first.at(-1)!.hasMore).toBe(true);
    const rest = pages((await stream(t.url, agent.token, { cursor: first.at(-1)!.cursor, limit: 1000, from: 0 })).lines);
    expect(rest.at(-1)!.hasMore).toBe(false);
    const all = [...first, ...rest].flatMap((p) => p.changes);
    expect(all).toEqual((await paged(agent, 0, 1000)).flatMap((p) => p.changes));
  });

  it('answers a bad token, body or cursor with a plain error envelope and status, before any page', async () => {
    const noToken = await stream(t.url, null, { cursor: 0 });
    expect(noToken.status).toBe(401);
    expect(noToken.lines[0]).toMatchObject({ ok: false, error: { code: 'auth.missing_token' } });
    const forged = await stream(t.url, `${agent.token.slice(0, -4)}AAAA`, { cursor: 0 });
    expect(forged.status).toBe(401);
    const badCursor = await stream(t.url, agent.token, { cursor: -1 });
    expect(badCursor).toMatchObject({ status: 400, lines: [{ ok: false, error: { code: 'sync.bad_cursor' } }] });
    const tooBig = await stream(t.url, agent.token, { cursor: 0, limit: SYNC_LIMITS.maxPullLimit + 1 });
    expect(tooBig).toMatchObject({ status: 413, lines: [{ ok: false, error: { code: 'sync.batch_too_large' } }] });
    const ahead = await stream(t.url, agent.token, { cursor: 10_000_000 });
    expect(ahead).toMatchObject({ status: 409, lines: [{ ok: false, error: { code: 'sync.bad_cursor', details: { reason: 'ahead' } } }] });
    const otherHub = await stream(t.url, agent.token, { cursor: 0, hubId: 'not-this-hub' });
    expect(otherHub).toMatchObject({ status: 409, lines: [{ ok: false, error: { code: 'sync.bad_cursor', details: { reason: 'other_hub' } } }] });
    // The connection stays usable and nothing was lost.
    expect(pages((await stream(t.url, agent.token, { cursor: 0, limit: 1000 })).lines).at(-1)!.hasMore).toBe(false);
  });

  it('checks the token again for every page: a session revoked mid-stream gets an error line, no further page', async () => {
    const mallory = await t.signIn('agent', 'ws-stream-revoke');
    const input = { cursor: 0, limit: 5, from: 0 };
    const first = (await pullPageWithToken(ctx, mallory.token, input)).value;
    const lines = streamLines(ctx, mallory.token, input, first, () => false);
    expect(JSON.parse((await lines.next()).value as string)).toMatchObject({ ok: true, value: { cursor: first.cursor } });
    expect(JSON.parse((await lines.next()).value as string)).toMatchObject({ ok: true });
    value(await mallory.req('POST', '/auth/logout', {}));
    expect(JSON.parse((await lines.next()).value as string)).toMatchObject({ ok: false, error: { code: 'auth.session_revoked' } });
    expect((await lines.next()).done).toBe(true);
  });

  it('ends after the page in hand when the hub begins to close, and after its time budget', async () => {
    const input = { cursor: 0, limit: 5, from: 0 };
    const first = (await pullPageWithToken(ctx, agent.token, input)).value;
    let closing = false;
    const lines = streamLines(ctx, agent.token, input, first, () => closing);
    await lines.next();
    await lines.next();
    closing = true;
    expect((await lines.next()).done).toBe(true);
    // Time: the budget is checked before each page (the test clock moves, not the wall clock).
    const timed = streamLines(ctx, agent.token, input, first, () => false, { maxPages: 1000, maxMs: 60_000 });
    await timed.next();
    await timed.next();
    t.clock.advance(61_000);
    expect((await timed.next()).done).toBe(true);
  });

  it('a new message between two streams arrives on the next one (nothing skipped at the seam)', async () => {
    const head = pages((await stream(t.url, agent.token, { cursor: 0, limit: 1000 })).lines).at(-1)!.cursor;
    const id = newId();
    await t.hub.write((tx) => ingestInbound(tx, { conversationId: 'v-zhang-appt', messageId: id, body: '接缝', authorName: null, at: t.clock.now() }, { at: t.clock.now() }));
    const next = pages((await stream(t.url, agent.token, { cursor: head, limit: 1000 })).lines);
    expect(next.flatMap((p) => p.changes).map((c) => c.id)).toContain(id);
  });
});

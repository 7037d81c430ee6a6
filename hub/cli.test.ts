import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoginValue, PushValue } from '../shared/sync/protocol';
import { call, newId, value } from './testing/harness';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
const procs: ChildProcess[] = [];

interface Running {
  proc: ChildProcess;
  url: string;
  events: Record<string, unknown>[];
  exit: Promise<number | null>;
}

function run(args: string[]): { proc: ChildProcess; events: Record<string, unknown>[]; exit: Promise<number | null>; stderr: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args], { cwd: REPO, env: { ...process.env, LANTERN_HUB_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  const events: Record<string, unknown>[] = [];
  let buf = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      buf = buf.slice(i + 1);
    }
  });
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, events, exit, stderr: () => err };
}

async function serve(dir: string, extra: string[] = []): Promise<Running> {
  const r = run(['--data', dir, '--port', '0', ...extra]);
  const deadline = Date.now() + 30_000;
  while (!r.events.some((e) => e.event === 'listening')) {
    if (Date.now() > deadline || r.proc.exitCode !== null) throw new Error(`hub did not start: ${r.stderr()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  const listening = r.events.find((e) => e.event === 'listening')!;
  expect(listening.port).toEqual(expect.any(Number));
  expect(listening.port).not.toBe(0);
  return { proc: r.proc, url: `http://127.0.0.1:${listening.port as number}`, events: r.events, exit: r.exit };
}

async function admin(args: string[]): Promise<{ code: number | null; events: Record<string, unknown>[] }> {
  const r = run(args);
  const code = await r.exit;
  return { code, events: r.events };
}

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lantern-hub-cli-'));
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Mutation = { id: string; type: string; args: Record<string, unknown>; clientTime: number };
const sendMutation = (): Mutation => ({ id: newId(), type: 'message.send', args: { conversationId: 'v-zhang-appt', messageId: newId(), body: `msg ${newId()}` }, clientTime: Date.now() });

async function messageIds(url: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor = 0;
  for (;;) {
    const v = value(await call<{ changes: { entity: string; id: string; data: unknown }[]; cursor: number; hasMore: boolean }>(url, 'POST', '/sync/pull', { cursor, limit: 1000 }, token));
    // A reply's first version is `queued`; the channel's delivery updates add later versions of the same row.
    ids.push(...v.changes.filter((c) => c.entity === 'message' && (c.data as { deliveryStatus?: string }).deliveryStatus === 'queued').map((c) => c.id));
    cursor = v.cursor;
    if (!v.hasMore) return ids;
  }
}

async function signIn(url: string, username = 'agent', password = 'agent-demo'): Promise<string> {
  return value(await call<LoginValue>(url, 'POST', '/auth/login', { username, password, workstationId: 'ws-cli' })).accessToken;
}

describe('hub/cli.ts as a separate process', () => {
  it('serves /healthz, and SIGTERM shuts down cleanly without losing any acknowledged write', async () => {
    const dir = tmp();
    const hub = await serve(dir, ['--demo']);
    const health = value(await call<{ status: string; seq: number }>(hub.url, 'GET', '/healthz'));
    expect(health.status).toBe('ok');
    const token = await signIn(hub.url);

    // 30 batches of 10 replies in flight; SIGTERM lands in the middle of them.
    const batches = Array.from({ length: 30 }, () => Array.from({ length: 10 }, sendMutation));
    const acked = new Map<string, unknown>();
    const inflight = batches.map(async (mutations, i) => {
      await new Promise((r) => setTimeout(r, i * 5));
      try {
        const r = await call<PushValue>(hub.url, 'POST', '/sync/push', { mutations }, token);
        if (r.body.ok) for (const res of r.body.value.results) if (res.status === 'applied') acked.set(res.id, res);
      } catch {
        // connection refused/reset after shutdown began: not acknowledged, the client will retry
      }
    });
    await new Promise((r) => setTimeout(r, 60));
    hub.proc.kill('SIGTERM');
    await Promise.all(inflight);
    expect(await hub.exit).toBe(0);
    expect(hub.events.map((e) => e.event)).toEqual(['listening', 'stopping', 'closed']);
    expect(acked.size).toBeGreaterThan(0);

    // Restart on the same data: every acknowledged reply is there.
    const again = await serve(dir, ['--demo']);
    expect(again.events[0]).toMatchObject({ demo: false });
    const token2 = await signIn(again.url);
    const present = new Set(await messageIds(again.url, token2));
    const ackedMessages = batches.flat().filter((m) => acked.has(m.id));
    expect(ackedMessages.length).toBe(acked.size);
    for (const m of ackedMessages) expect(present.has(m.args.messageId as string)).toBe(true);

    // The outbox retries everything: acknowledged ones answer the same, the rest apply, each exactly once.
    for (const mutations of batches) {
      const r = value(await call<PushValue>(again.url, 'POST', '/sync/push', { mutations }, token2));
      for (const res of r.results) {
        expect(res.status).toBe('applied');
        if (acked.has(res.id)) expect(res).toEqual(acked.get(res.id));
      }
    }
    const all = await messageIds(again.url, token2);
    for (const m of batches.flat()) expect(all.filter((id) => id === m.args.messageId)).toHaveLength(1);

    // Admin commands work against the same data while the hub runs.
    const added = await admin(['user', 'add', '--data', dir, '--username', 'nurse2', '--role', 'nurse', '--name', '护士 王芳', '--teams', 't-chronic']);
    expect(added.code).toBe(0);
    const pw = added.events[0]!.password as string;
    expect(pw).toMatch(/^.{16}$/);
    expect((await call(again.url, 'POST', '/auth/login', { username: 'nurse2', password: pw, workstationId: 'ws-n2' })).status).toBe(200);
    expect((await admin(['user', 'add', '--data', dir, '--username', 'nurse2', '--role', 'nurse', '--name', 'x', '--password', 'long-enough'])).events[0]).toMatchObject({ event: 'error', code: 'admin.exists' });
    expect((await admin(['user', 'reset', '--data', dir, '--username', 'nurse2', '--password', 'new-password-1'])).code).toBe(0);
    expect((await call(again.url, 'POST', '/auth/login', { username: 'nurse2', password: 'new-password-1', workstationId: 'ws-n2' })).status).toBe(200);
    expect((await admin(['user', 'disable', '--data', dir, '--username', 'nurse2'])).code).toBe(0);
    expect((await call(again.url, 'POST', '/auth/login', { username: 'nurse2', password: 'new-password-1', workstationId: 'ws-n2' })).status).toBe(403);
    expect((await admin(['user', 'frobnicate', '--data', dir])).code).toBe(2);

    again.proc.kill('SIGINT');
    expect(await again.exit).toBe(0);
    const verified = await admin(['audit', 'verify', '--data', dir]);
    expect(verified.code).toBe(0);
    expect(verified.events[0]).toMatchObject({ event: 'audit.verified', ok: true });
    expect(verified.events[0]!.count as number).toBeGreaterThan(300);
  }, 120_000);

  it('after kill -9 in the middle of a batch, replaying it applies each mutation exactly once', async () => {
    const dir = tmp();
    const hub = await serve(dir, ['--demo']);
    const token = await signIn(hub.url);
    const batch = Array.from({ length: 500 }, sendMutation);
    const lost = call(hub.url, 'POST', '/sync/push', { mutations: batch }, token).catch(() => null);
    await new Promise((r) => setTimeout(r, 150));
    hub.proc.kill('SIGKILL');
    await lost;
    await hub.exit;

    const again = await serve(dir);
    const token2 = await signIn(again.url);
    const before = new Set(await messageIds(again.url, token2));
    const r = value(await call<PushValue>(again.url, 'POST', '/sync/push', { mutations: batch }, token2));
    expect(r.results.every((x) => x.status === 'applied')).toBe(true);
    const after = await messageIds(again.url, token2);
    for (const m of batch) expect(after.filter((id) => id === m.args.messageId)).toHaveLength(1);
    // (some were committed before the kill, or the test proves less)
    expect(batch.some((m) => before.has(m.args.messageId as string))).toBe(true);
    again.proc.kill('SIGTERM');
    expect(await again.exit).toBe(0);
    const verified = await admin(['audit', 'verify', '--data', dir]);
    expect(verified.events[0]).toMatchObject({ ok: true });
  }, 120_000);
});

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HubHttp } from '../../electron/services/sync/http';
import { FaultProxy } from './proxy';
import { ClientProcess, freePort, HubProcess } from './processes';
import { pick, seeded } from './rng';

export interface FaultOptions {
  seed: number;
  clients: number;
  /** Workload operations per second across all clients. */
  tps: number;
  seconds: number;
  /** Whether to kill -9 / restart the hub during the run. */
  hubFaults?: boolean;
  log?: (msg: string) => void;
}

export interface FaultReport {
  seed: number;
  ok: boolean;
  violations: string[];
  stats: { ops: number; acked: number; rejected: number; faults: Record<string, number>; convergeMs: number };
}

const USERS = [
  { username: 'agent', password: 'agent-demo' },
  { username: 'agent2', password: 'agent2-demo' },
  { username: 'nurse', password: 'nurse-demo' },
  { username: 'supervisor', password: 'supervisor-demo' },
  { username: 'admin', password: 'admin-demo' },
];

type Conv = { id: string; status: string; assigneeId: string | null; teamId: string | null; priority: string; tags: string };
type Dump = {
  conversations: Conv[];
  messages: { id: string; conversationId: string; body: string; recalledAt: number | null }[];
  notes: { id: string; conversationId: string; body: string }[];
  outbox: { id: string; kind: string; state: string; code: string | null; payload: string }[];
  integrity: { ok: boolean };
};

type Folded = { conversations: Map<string, Record<string, unknown>>; messages: Map<string, Record<string, unknown>>; notes: Map<string, Record<string, unknown>> };

/** The hub's scoped view for one user, built only from the public pull API. */
async function hubView(http: HubHttp, username: string, password: string): Promise<Folded> {
  const login = await http.login(username, password, `verifier-${username}`);
  const out: Folded = { conversations: new Map(), messages: new Map(), notes: new Map() };
  let cursor = 0;
  for (;;) {
    const page = await http.pull(login.accessToken, cursor, 1000, null);
    for (const c of page.changes) {
      const d = c.data as Record<string, unknown>;
      if (c.op === 'revoke') {
        const conv = String(d.conversationId);
        out.conversations.delete(conv);
        for (const [id, m] of out.messages) if (m.conversationId === conv) out.messages.delete(id);
        for (const [id, n] of out.notes) if (n.conversationId === conv) out.notes.delete(id);
        continue;
      }
      if (c.entity === 'conversation') out.conversations.set(c.id, d);
      if (c.entity === 'message') out.messages.set(c.id, d);
      if (c.entity === 'note') out.notes.set(c.id, d);
    }
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One seeded fault run: a real hub process, N real client processes behind a
 * breakable TCP proxy, a random workload and random faults; then heal everything
 * and check convergence and exactly-once.
 */
export async function runFault(opts: FaultOptions): Promise<FaultReport> {
  const log = opts.log ?? (() => undefined);
  const random = seeded(opts.seed);
  const root = mkdtempSync(join(tmpdir(), `lantern-fault-${opts.seed}-`));
  const violations: string[] = [];
  const faults: Record<string, number> = {};
  const count = (k: string) => (faults[k] = (faults[k] ?? 0) + 1);
  const hubPort = await freePort();
  const hub = new HubProcess(join(root, 'hub'), hubPort);
  const proxy = new FaultProxy({ host: '127.0.0.1', port: hubPort }, seeded(opts.seed ^ 0x5eed));
  const clients: ClientProcess[] = [];
  const acked = new Map<string, { client: string; kind: 'message' | 'note'; token: string }>();
  let ops = 0;
  try {
    mkdirSync(hub.dataDir, { recursive: true });
    await hub.start(true);
    await proxy.listen();
    const hubUrl = `http://127.0.0.1:${proxy.port}`;
    for (let i = 0; i < opts.clients; i++) {
      const u = USERS[i % USERS.length]!;
      const c = new ClientProcess(`c${i}`, join(root, `c${i}`), hubUrl, u.username, u.password, randomBytes(32).toString('hex'), opts.seed * 100 + i);
      clients.push(c);
    }
    await Promise.all(clients.map((c) => c.start()));
    log(`seed ${opts.seed}: hub on ${hubPort}, ${clients.length} clients up`);

    const visible = new Map<string, string[]>();
    const refreshVisible = async (c: ClientProcess) => {
      const r = await c.call('conversations.list', { limit: 500 }).catch(() => null);
      if (r?.ok) visible.set(c.name, (r.value as { items: { id: string }[] }).items.map((x) => x.id));
    };
    await Promise.all(clients.map((c) => c.request('kick')));
    await Promise.all(clients.map(refreshVisible));

    const end = Date.now() + opts.seconds * 1000;
    const interval = 1000 / opts.tps;
    let nextFault = Date.now() + 500;
    let hubRestart: Promise<unknown> | null = null;
    const inflight = new Set<Promise<unknown>>();
    while (Date.now() < end) {
      const c = pick(random, clients);
      const convs = visible.get(c.name) ?? [];
      if (c.alive && !c.stopped && convs.length) {
        const conv = pick(random, convs);
        const roll = random();
        const token = `#${opts.seed}-${ops}`;
        ops++;
        let p: Promise<unknown>;
        if (roll < 0.45) {
          p = c.call('messages.queueReply', { conversationId: conv, body: `回复 ${token}` }).then((r) => {
            if (r.ok) acked.set((r.value as { id: string }).id, { client: c.name, kind: 'message', token });
          });
        } else if (roll < 0.65) {
          p = c.call('notes.add', { conversationId: conv, body: `备注 ${token}` }).then((r) => {
            if (r.ok) acked.set((r.value as { id: string }).id, { client: c.name, kind: 'note', token });
          });
        } else if (roll < 0.8) {
          p = c.call('conversations.setStatus', { id: conv, status: pick(random, ['open', 'pending', 'resolved'] as const) });
        } else if (roll < 0.9) {
          p = c.call('conversations.setPriority', { id: conv, priority: pick(random, ['urgent', 'high', 'normal', 'low'] as const) });
        } else if (roll < 0.95) {
          p = c.call('conversations.setTags', { id: conv, tags: [pick(random, ['随访', '用药', '预约', '投诉'])] });
        } else {
          p = c.call('conversations.assign', { id: conv, assigneeId: null }).then(() => refreshVisible(c));
        }
        const tracked = p.catch(() => undefined).finally(() => inflight.delete(tracked));
        inflight.add(tracked);
      }
      if (c.alive && !c.stopped && !convs.length) void refreshVisible(c);
      if (Date.now() >= nextFault) {
        nextFault = Date.now() + 300 + random() * 900;
        const f = random();
        const victim = pick(random, clients);
        if (f < 0.2) {
          proxy.cutAll();
          count('cut');
        } else if (f < 0.35) {
          proxy.partition(true);
          count('partition');
          setTimeout(() => proxy.partition(false), 300 + random() * 1500);
        } else if (f < 0.45) {
          proxy.setDelay(50 + Math.floor(random() * 250));
          count('delay');
          setTimeout(() => proxy.setDelay(0), 1000);
        } else if (f < 0.55) {
          proxy.setDropRate(0.05);
          count('drop');
          setTimeout(() => proxy.setDropRate(0), 1000);
        } else if (f < 0.75 && victim.alive) {
          victim.kill9();
          count('client_kill9');
          setTimeout(() => void victim.start().catch((e: unknown) => violations.push(`restart ${victim.name}: ${String(e)}`)), 200 + random() * 800);
        } else if (f < 0.9 && victim.alive && !victim.stopped) {
          victim.pause();
          count('client_sigstop');
          setTimeout(() => victim.resume(), 300 + random() * 1500);
        } else if (opts.hubFaults !== false && hub.child && !hubRestart) {
          // The workload goes on while the hub is down and restarting: clients keep
          // working offline, as nurses do (a restart under load takes seconds).
          count('hub_kill9');
          const downMs = 100 + random() * 700;
          hubRestart = (async () => {
            await hub.kill9AndWait();
            await sleep(downMs);
            try {
              await hub.startWithRetry(false);
            } catch (e) {
              violations.push(`hub restart failed: ${String(e)}`);
            }
          })().finally(() => (hubRestart = null));
        }
      }
      await sleep(interval);
    }
    await hubRestart;
    await Promise.all(inflight);

    // Heal everything.
    proxy.heal();
    if (!hub.child) await hub.startWithRetry(false);
    for (const c of clients) c.resume();
    await sleep(1500);
    await Promise.all(clients.map((c) => c.start()));

    const t0 = Date.now();
    const admin = new HubHttp({ baseUrl: `http://127.0.0.1:${hubPort}` });
    // Converge: every client has nothing pending and has pulled to the hub's head.
    let settled = false;
    for (let round = 0; round < 120 && !settled; round++) {
      const dumps = await Promise.all(clients.map((c) => c.request<unknown>('kick').then(() => c.request<Dump>('dump'))));
      settled = dumps.every((d) => d.outbox.every((o) => o.state === 'rejected'));
      if (settled) {
        // One more round after the last push so every pull sees every other client's writes.
        await Promise.all(clients.map((c) => c.request('kick')));
      } else await sleep(250);
    }
    const convergeMs = Date.now() - t0;
    if (!settled) violations.push('clients did not drain their outboxes within the convergence window');

    const dumps = await Promise.all(clients.map((c) => c.request<Dump>('dump')));
    const adminView = await hubView(admin, 'admin', 'admin-demo');
    let rejected = 0;
    for (let i = 0; i < clients.length; i++) {
      const c = clients[i]!;
      const d = dumps[i]!;
      if (!d.integrity.ok) violations.push(`${c.name}: integrity_check failed`);
      const view = await hubView(admin, c.username, c.password);
      const local = new Map(d.conversations.map((x) => [x.id, x]));
      for (const [id, hc] of view.conversations) {
        const lc = local.get(id);
        if (!lc) {
          violations.push(`${c.name}: missing conversation ${id}`);
          continue;
        }
        for (const f of ['status', 'assigneeId', 'teamId', 'priority'] as const) if (lc[f] !== hc[f]) violations.push(`${c.name}: ${id}.${f} ${String(lc[f])} ≠ hub ${String(hc[f])}`);
        if (lc.tags !== JSON.stringify(hc.tags)) violations.push(`${c.name}: ${id}.tags ${lc.tags} ≠ hub ${JSON.stringify(hc.tags)}`);
      }
      for (const id of local.keys()) if (!view.conversations.has(id)) violations.push(`${c.name}: has conversation ${id} outside its scope`);
      const rejectedIds = new Set(d.outbox.filter((o) => o.state === 'rejected').map((o) => JSON.parse(o.payload).messageId ?? JSON.parse(o.payload).noteId));
      rejected += d.outbox.length;
      const localMsgs = new Map(d.messages.map((m) => [m.id, m]));
      for (const [id, hm] of view.messages) {
        const lm = localMsgs.get(id);
        if (!lm) violations.push(`${c.name}: missing message ${id}`);
        else if (lm.body !== hm.body || (lm.recalledAt ?? null) !== (hm.recalledAt ?? null)) violations.push(`${c.name}: message ${id} differs`);
      }
      for (const m of d.messages) if (!view.messages.has(m.id) && !rejectedIds.has(m.id)) violations.push(`${c.name}: message ${m.id} not at hub and not marked rejected`);
      const localNotes = new Set(d.notes.map((n) => n.id));
      for (const id of view.notes.keys()) if (!localNotes.has(id)) violations.push(`${c.name}: missing note ${id}`);
      for (const n of d.notes) if (!view.notes.has(n.id) && !rejectedIds.has(n.id)) violations.push(`${c.name}: note ${n.id} not at hub and not marked rejected`);
    }
    // Exactly once: each acknowledged reply/note is at the hub once (same id, one row per token),
    // unless the hub refused it and the client shows the refusal.
    const tokens = new Map<string, number>();
    for (const m of [...adminView.messages.values(), ...adminView.notes.values()]) {
      const tok = String(m.body).match(/#\d+-\d+/)?.[0];
      if (tok) tokens.set(tok, (tokens.get(tok) ?? 0) + 1);
    }
    for (const [tok, n] of tokens) if (n > 1) violations.push(`duplicate at hub: ${tok} ×${n}`);
    const allRejected = new Set(dumps.flatMap((d) => d.outbox.filter((o) => o.state === 'rejected').map((o) => o.id)));
    for (const [id, a] of acked) {
      const at = a.kind === 'message' ? adminView.messages.get(id) : adminView.notes.get(id);
      if (!at && !allRejected.has(id)) violations.push(`acknowledged ${a.kind} ${id} (${a.token}) from ${a.client} lost`);
    }

    for (const c of clients) await c.exit();
    await hub.stop();
    const hubDb = new Database(join(hub.dataDir, 'hub.db'), { readonly: true });
    const integrity = hubDb.pragma('integrity_check', { simple: true });
    hubDb.close();
    if (integrity !== 'ok') violations.push(`hub integrity_check: ${String(integrity)}`);
    return { seed: opts.seed, ok: violations.length === 0, violations: violations.slice(0, 50), stats: { ops, acked: acked.size, rejected, faults, convergeMs } };
  } finally {
    for (const c of clients) c.kill9();
    hub.kill9();
    await proxy.close().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

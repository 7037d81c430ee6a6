/**
 * One worker thread of the hub fan-out benchmark: K live-tail followers that speak the
 * protocol of docs/sync.md §10 exactly as a workstation does — sign in over HTTP, open
 * /sync/ws, `auth`, `follow` from the head the hub greets them with, check every frame
 * with the shared zod schema and take it only if it continues from their cursor (any
 * other frame or a poke: pull over HTTP, then `follow` again) — but store nothing. What
 * they measure is the hub's part of delivery: accepted → the page parsed at K sockets,
 * which in a clinic is all that K workstations share; each one's own apply runs on its
 * own PC (the replica delivery runs measure that part together with the hub).
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { wsServerFrame, type Change } from '../shared/sync/protocol';
import { HubHttp } from '../electron/services/sync/http';
import { newId } from '../electron/services/ids';

export interface FollowerWorkerData {
  hubUrl: string;
  first: number;
  count: number;
  username: string;
  password: string;
}
export type FollowerWorkerMessage =
  | { type: 'ready' }
  | { type: 'seen'; seen: [string, number, number][] }
  /** After the run: how many of the run's messages each follower received (by frame or pull). */
  | { type: 'closed'; held: number[]; pulls: number }
  | { type: 'error'; message: string };

const data = workerData as FollowerWorkerData;
const port = parentPort!;
const clock = () => performance.timeOrigin + performance.now();
const pending: [string, number, number][] = [];
const post = (m: FollowerWorkerMessage) => port.postMessage(m);
const flush = setInterval(() => {
  if (pending.length) post({ type: 'seen', seen: pending.splice(0) });
}, 50);

interface Follower {
  index: number;
  token: string;
  socket: WebSocket;
  cursor: number;
  hubId: string;
  greeted: boolean;
  pulling: boolean;
  again: boolean;
  received: Set<string>;
}

const http = new HubHttp({ baseUrl: data.hubUrl, timeoutMs: 60_000 });
const followers: Follower[] = [];
let pulls = 0;
let prefix = '';

function take(f: Follower, changes: Change[]): void {
  const t = clock();
  for (const c of changes) {
    if (c.entity !== 'message' || !c.id.startsWith('df-') || f.received.has(c.id)) continue;
    f.received.add(c.id);
    pending.push([c.id, f.index, t]);
  }
}

/** A poke, a frame that does not continue from our cursor: pull up to the head, then follow again. */
async function catchUp(f: Follower): Promise<void> {
  if (f.pulling) {
    f.again = true;
    return;
  }
  f.pulling = true;
  try {
    do {
      f.again = false;
      for (;;) {
        pulls++;
        const page = await http.pull(f.token, f.cursor, 1000, f.hubId);
        take(f, page.changes);
        f.cursor = page.cursor;
        if (!page.hasMore) break;
      }
    } while (f.again);
    f.socket.send(JSON.stringify({ type: 'follow', cursor: f.cursor, hubId: f.hubId }));
  } finally {
    f.pulling = false;
  }
}

function connect(f: Omit<Follower, 'socket'>): Promise<Follower> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${data.hubUrl.replace(/^http/, 'ws')}/sync/ws`, { handshakeTimeout: 60_000 });
    const follower: Follower = { ...f, socket };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'auth', token: f.token })));
    socket.on('error', reject);
    socket.on('message', (raw) => {
      let json: unknown;
      try {
        json = JSON.parse(String(raw));
      } catch {
        return;
      }
      const frame = wsServerFrame.safeParse(json);
      if (!frame.success) return;
      const m = frame.data;
      if (m.type === 'hello') {
        // Nothing stored: this follower starts at the head it may see.
        follower.cursor = m.seq;
        follower.hubId = m.hubId;
        socket.send(JSON.stringify({ type: 'follow', cursor: m.seq, hubId: m.hubId }));
        if (!follower.greeted) {
          follower.greeted = true;
          resolve(follower);
        }
      } else if (m.type === 'changes') {
        if (m.from !== follower.cursor || m.hubId !== follower.hubId || follower.pulling) return void catchUp(follower).catch(() => undefined);
        take(follower, m.changes);
        follower.cursor = m.cursor;
      } else if (m.type === 'poke' && m.seq > follower.cursor) void catchUp(follower).catch(() => undefined);
    });
  });
}

try {
  for (let i = data.first; i < data.first + data.count; i++) {
    const login = await http.login(data.username, data.password, `ws-${newId()}`);
    followers.push(await connect({ index: i, token: login.accessToken, cursor: 0, hubId: '', greeted: false, pulling: false, again: false, received: new Set() }));
  }
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

port.on('message', (m: { type: 'close'; prefix: string }) => {
  if (m.type !== 'close') return;
  prefix = m.prefix;
  void (async () => {
    clearInterval(flush);
    if (pending.length) post({ type: 'seen', seen: pending.splice(0) });
    // Convergence: one more pull each, then every follower must have had every message.
    for (const f of followers) await catchUp(f);
    const held = followers.map((f) => [...f.received].filter((id) => id.startsWith(prefix)).length);
    for (const f of followers) f.socket.close();
    post({ type: 'closed', held, pulls });
    port.close();
  })();
});

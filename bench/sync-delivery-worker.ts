/**
 * One worker thread of the delivery benchmark: hosts a share of the K workstations
 * (real replicas, real sync clients over loopback) and reports, for every benchmark
 * message, when its page committed in each replica. Clock: timeOrigin + now(), the
 * same epoch-based high-resolution clock the main thread stamps acceptance with.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createWorkstation, type Workstation } from '../electron/services/workstation';
import { createStaticKeyStore } from '../electron/services/replica/keystore';
import { settleSync } from './lib';

export interface DeliveryWorkerData {
  hubUrl: string;
  root: string;
  first: number;
  count: number;
  prefix: string;
}
export type DeliveryWorkerMessage =
  | { type: 'ready' }
  | { type: 'seen'; seen: [string, number, number][] }
  /**
   * After the run: how many benchmark messages each replica held before (`before`,
   * with its socket and sync state then) and after (`held`) one more full sync.
   */
  | { type: 'closed'; held: number[]; before: { replica: number; held: number; socketLive: boolean; status: string }[] }
  | { type: 'error'; message: string };

const data = workerData as DeliveryWorkerData;
const port = parentPort!;
const clock = () => performance.timeOrigin + performance.now();
const pending: [string, number, number][] = [];
const post = (m: DeliveryWorkerMessage) => port.postMessage(m);
const flush = setInterval(() => {
  if (pending.length) post({ type: 'seen', seen: pending.splice(0) });
}, 50);


const stations: Workstation[] = [];
try {
  for (let i = data.first; i < data.first + data.count; i++) {
    const ws = await createWorkstation({
      dataDir: join(data.root, `${data.prefix}-${i}`),
      keyStore: createStaticKeyStore(randomBytes(32), true),
      appVersion: 'bench',
      hubUrl: data.hubUrl,
      sync: {
        pollMs: 60_000,
        pullLimit: 1000,
        onApplied: (changes) => {
          const t = clock();
          for (const c of changes) if (c.entity === 'message' && c.id.startsWith('dl-')) pending.push([c.id, i, t]);
        },
      },
    });
    // agent2's scope is small (a few demo conversations), so K replicas start fast.
    const r = await ws.dispatch('sync.login', { username: 'agent2', password: 'agent2-demo' });
    if (!r.ok) throw new Error(r.error.code);
    stations.push(ws);
  }
  await Promise.all(stations.map((s) => settleSync(s)));
  // "Connected replicas": a socket whose handshake timed out while the hub was busy with
  // K sign-ins waits out its backoff; a sync cycle reconnects it at once (client.ts).
  for (const deadline = Date.now() + 120_000; stations.some((s) => !s.sync!.socketLive); ) {
    if (Date.now() > deadline) throw new Error(`${stations.filter((s) => !s.sync!.socketLive).length} replicas have no live socket after 120 s`);
    for (const s of stations) if (!s.sync!.socketLive) s.sync!.kick();
    await new Promise((r) => setTimeout(r, 250));
  }
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

port.on('message', (m: { type: 'close'; prefix: string }) => {
  if (m.type !== 'close') return;
  void (async () => {
    clearInterval(flush);
    if (pending.length) post({ type: 'seen', seen: pending.splice(0) });
    // Convergence, not speed: after one more full sync every replica must hold every message.
    const count = (s: Workstation) => (s.replica.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE id LIKE ?').get(`${m.prefix}%`) as { n: number }).n;
    const before = stations.map((s, i) => ({ replica: data.first + i, held: count(s), socketLive: s.sync!.socketLive, status: s.sync!.snapshot().status }));
    const held: number[] = [];
    for (const s of stations) {
      await settleSync(s);
      held.push(count(s));
    }
    for (const s of stations) await s.close();
    post({ type: 'closed', held, before });
    port.close();
  })();
});

/**
 * One sync client in its own process for the fault harness: the real workstation
 * services (encrypted replica + sync engine) driven by the parent over IPC. The
 * parent may SIGKILL, SIGSTOP or restart this process at any moment.
 */
import { createWorkstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const [dataDir, hubUrl, username, password, keyHex, seedText] = process.argv.slice(2);
if (!dataDir || !hubUrl || !username || !password || !keyHex) throw new Error('usage: client-worker <dataDir> <hubUrl> <user> <pass> <keyHex> [seed]');

type Req = { id: number; op: string; method?: string; input?: unknown };

// Listen on the IPC channel from the first moment: it keeps this process alive while
// the workstation starts (a start that waits only on unref'd timers would otherwise
// let Node exit quietly with code 0).
let handle: ((req: Req) => void) | null = null;
const early: Req[] = [];
process.on('message', (raw) => {
  const req = raw as Req;
  if (handle) handle(req);
  else early.push(req);
});

async function main() {
  const first = !existsSync(join(dataDir!, 'replica.db'));
  let seed = Number(seedText ?? '1') >>> 0;
  const random = () => {
    // mulberry32: reproducible jitter per client
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ws = await createWorkstation({
    dataDir: dataDir!,
    keyStore: createStaticKeyStore(Buffer.from(keyHex!, 'hex'), first),
    appVersion: 'fault',
    hubUrl: hubUrl!,
    // Small pages: a client back from a partition or a kill is many pages behind, so the
    // streamed pulls (docs/sync.md §4.1) run under the same cuts, drops and kills.
    sync: { pollMs: 300, random, pullLimit: 40 },
  });
  // Keep trying to sign in until the hub is reachable (it may be down right now).
  for (let attempt = 0; !ws.signedIn; attempt++) {
    const r = await ws.dispatch('sync.login', { username, password });
    if (r.ok) break;
    await new Promise((res) => setTimeout(res, Math.min(2000, 100 * 2 ** attempt)));
  }
  const sync = ws.sync!;
  process.send?.({ type: 'ready' });

  handle = (req: Req) => {
    void (async () => {
      try {
        if (req.op === 'call') {
          const r = await ws.dispatch(req.method, req.input);
          process.send?.({ type: 'reply', id: req.id, result: r });
        } else if (req.op === 'status') {
          process.send?.({ type: 'reply', id: req.id, result: sync.snapshot() });
        } else if (req.op === 'kick') {
          sync.kick();
          await sync.idle();
          process.send?.({ type: 'reply', id: req.id, result: sync.snapshot() });
        } else if (req.op === 'dump') {
          const db = ws.replica.sqlite;
          const result = {
            conversations: db.prepare('SELECT id, status, assignee_id AS assigneeId, team_id AS teamId, priority, tags FROM conversations ORDER BY id').all(),
            messages: db.prepare('SELECT id, conversation_id AS conversationId, body, recalled_at AS recalledAt FROM messages ORDER BY id').all(),
            notes: db.prepare('SELECT id, conversation_id AS conversationId, body FROM notes ORDER BY id').all(),
            outbox: db.prepare('SELECT id, kind, state, rejected_code AS code, payload FROM outbox ORDER BY rowid').all(),
            integrity: ws.replica.integrityCheck(),
            cursor: db.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").get(),
          };
          process.send?.({ type: 'reply', id: req.id, result });
        } else if (req.op === 'exit') {
          await ws.close();
          process.send?.({ type: 'reply', id: req.id, result: true });
          process.exit(0);
        }
      } catch (e) {
        process.send?.({ type: 'reply', id: req.id, error: String(e) });
      }
    })();
  };
  for (const req of early.splice(0)) handle(req);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

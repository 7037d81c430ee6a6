import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openReplica, type Replica } from './open';
import { startCheckpointer, INLINE_AUTOCHECKPOINT, SAFETY_NET_AUTOCHECKPOINT } from './checkpointer';
import { cipherPragmas, rawKeyPragma } from './cipher';
import { tempDir } from '../../../tests/support/tmp';

/** Open descriptors of this process on `path` (Linux: /proc/self/fd). */
const handlesOn = (path: string) =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;

/** Commits `n` transactions of one ~3 KB row each into a scratch table. */
function write(r: Replica, n: number) {
  r.sqlite.exec('CREATE TABLE IF NOT EXISTS scratch (id INTEGER PRIMARY KEY, body TEXT)');
  const ins = r.sqlite.prepare('INSERT INTO scratch (body) VALUES (?)');
  for (let i = 0; i < n; i++) ins.run(randomBytes(1500).toString('hex'));
}

/** WAL frames after a tiny write, as a PASSIVE checkpoint from the writer reports them. */
const framesAfterOneWrite = (r: Replica) => {
  write(r, 1);
  return (r.sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
};

describe('background WAL checkpoints', () => {
  let cleanup = () => {};
  let open: Replica | null = null;
  afterEach(() => {
    open?.close();
    open = null;
    cleanup();
  });
  const setup = (backgroundCheckpoint: boolean) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'replica.db');
    const key = randomBytes(32);
    open = openReplica({ path, key, create: true, backgroundCheckpoint });
    return { path, key, r: open };
  };

  it('copies the WAL into the database file on the worker, and the writer starts the WAL over', async () => {
    const { path, r } = setup(true);
    // The writer itself only checkpoints far beyond what this test writes.
    expect(r.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_AUTOCHECKPOINT);
    write(r, 300);
    const before = statSync(path).size;
    const stats = await r.flushCheckpoint();
    expect(stats?.failure).toBeNull();
    expect(stats!.runs).toBeGreaterThanOrEqual(1);
    expect(stats!.last!.log).toBeGreaterThan(300);
    expect(stats!.last!.checkpointed).toBe(stats!.last!.log);
    // The pages are in the main file now (it grew by the 300 rows)…
    expect(statSync(path).size).toBeGreaterThan(before + 300 * 3000);
    // …so the next write starts the WAL from its first frame instead of appending after 300+.
    expect(framesAfterOneWrite(r)).toBeLessThan(10);
  });

  it('asks by itself once something was written', async () => {
    const { r } = setup(true);
    write(r, 20);
    const deadline = Date.now() + 5_000;
    while (r.checkpointStats()!.runs === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(r.checkpointStats()!.runs).toBeGreaterThanOrEqual(1);
    expect(r.checkpointStats()!.last!.checkpointed).toBeGreaterThan(0);
  });

  it('without it the writer checkpoints inline as SQLite does by default', async () => {
    const { r } = setup(false);
    expect(r.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(INLINE_AUTOCHECKPOINT);
    expect(r.checkpointStats()).toBeNull();
    expect(await r.flushCheckpoint()).toBeNull();
  });

  it('close() lets go of the file: no connection of this process is left on it', () => {
    const { path, r } = setup(true);
    write(r, 5);
    // The writer and the worker each hold the file.
    expect(handlesOn(path)).toBe(2);
    r.close();
    open = null;
    expect(handlesOn(path)).toBe(0);
  });

  it('rekey: the worker lets go while the file leaves WAL, then serves it again under the new key', async () => {
    const { path, r } = setup(true);
    write(r, 50);
    const newKey = randomBytes(32);
    r.rekey(newKey);
    write(r, 50);
    const stats = await r.flushCheckpoint();
    expect(stats?.failure).toBeNull();
    expect(stats!.last!.checkpointed).toBe(stats!.last!.log);
    expect(stats!.last!.log).toBeGreaterThan(50);
    r.close();
    open = openReplica({ path, key: newKey, create: false });
    expect((open.sqlite.prepare('SELECT count(*) AS n FROM scratch').get() as { n: number }).n).toBe(100);
  });

  it('does not keep a process alive: a program that leaves its replica open still exits', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const openTs = fileURLToPath(new URL('./open.ts', import.meta.url));
    const script = join(t.dir, 'leave-open.mts');
    writeFileSync(
      script,
      `import { randomBytes } from 'node:crypto';
       import { openReplica } from ${JSON.stringify(openTs)};
       const r = openReplica({ path: ${JSON.stringify(join(t.dir, 'r.db'))}, key: randomBytes(32), create: true, backgroundCheckpoint: true });
       r.sqlite.exec('CREATE TABLE x (a)');
       await r.flushCheckpoint();
       console.log('written');`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running after 20 s');
      }, 20_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c ?? 'killed');
      });
    });
    expect(out).toContain('written');
    expect(code).toBe(0);
  }, 30_000);

  it('a file the worker cannot open is reported at once, with the reason', () => {
    const { path, key, r } = setup(false);
    write(r, 1);
    const failures: string[] = [];
    const wrong = startCheckpointer({ path, pragmas: [...cipherPragmas(), rawKeyPragma(randomBytes(32))], onFailure: (m) => failures.push(m) });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/could not open the replica: .*(not a database|encrypted)/i);
    expect(wrong.stats.failure).toBe(failures[0]);
    wrong.request(); // a no-op, not a crash
    wrong.close();
    // With the right key the same worker serves it.
    const right = startCheckpointer({ path, pragmas: [...cipherPragmas(), rawKeyPragma(key)], onFailure: (m) => failures.push(m) });
    expect(right.stats.failure).toBeNull();
    right.close();
    expect(failures).toHaveLength(1);
  });
});

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO = join(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a !== 'string' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** The real hub as its own OS process (the one `npm run hub` starts). */
export class HubProcess {
  child: ChildProcess | null = null;
  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  async start(demo: boolean): Promise<void> {
    const args = ['--import', 'tsx', join(REPO, 'hub', 'cli.ts'), '--data', this.dataDir, '--port', String(this.port), ...(demo ? ['--demo'] : [])];
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANTERN_HUB_LOG_LEVEL: 'warn' } });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    await new Promise<void>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => reject(new Error('hub did not start in 60 s')), 60_000);
      rl.on('line', (line) => {
        if (line.includes('"event":"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`hub exited with ${code} during start: ${stderr}`));
      });
    });
    child.removeAllListeners('exit');
  }

  kill9(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  /** kill -9 and wait until the process is gone (its port is free again). */
  async kill9AndWait(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  /** Start, retrying a few times (a restart may race the old socket's release). */
  async startWithRetry(demo: boolean, attempts = 5): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        await this.start(demo);
        return;
      } catch (e) {
        if (i >= attempts) throw e;
        await new Promise((r) => setTimeout(r, 300 * i));
      }
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** One sync client process (tests/fault/client-worker.ts) with a request/response channel. */
export class ClientProcess {
  child: ChildProcess | null = null;
  stopped = false;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly hubUrl: string,
    readonly username: string,
    readonly password: string,
    readonly keyHex: string,
    readonly seed: number,
  ) {}

  private starting: Promise<void> | null = null;

  get alive(): boolean {
    return this.child !== null && this.starting === null;
  }

  /** Starts the process unless it is running or already starting (restarts may race with healing). */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    if (this.child) return Promise.resolve();
    this.starting = this.spawn().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async spawn(): Promise<void> {
    const child = fork(join(import.meta.dirname, 'client-worker.ts'), [this.dataDir, this.hubUrl, this.username, this.password, this.keyHex, String(this.seed)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    this.stopped = false;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('message', (m: { type: string; id?: number; result?: unknown; error?: string }) => {
      if (m.type !== 'reply' || m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    child.on('exit', () => {
      if (this.child === child) this.child = null;
      for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited`));
      this.pending.clear();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} not ready in 60 s: ${stderr}`)), 60_000);
      child.on('message', (m: { type: string }) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) during start: ${stderr}`));
      });
    });
  }

  request<T>(op: string, extra: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const child = this.child;
    if (!child) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${op} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ id, op, ...extra });
    });
  }

  call(method: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
    return this.request('call', { method, input });
  }

  kill9(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  pause(): void {
    if (this.child && !this.stopped) {
      this.child.kill('SIGSTOP');
      this.stopped = true;
    }
  }

  resume(): void {
    if (this.child && this.stopped) {
      this.child.kill('SIGCONT');
      this.stopped = false;
    }
  }

  async exit(): Promise<void> {
    if (!this.child) return;
    this.resume();
    await this.request('exit').catch(() => undefined);
    this.kill9();
  }
}

/**
 * Test support for hub tests (not shipped code): a real hub on 127.0.0.1 port 0
 * in a temp dir, a controllable clock and a small HTTP client speaking the
 * protocol over real sockets with fetch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import type { Change, LoginValue, PullValue, PushValue } from '../../shared/sync/protocol';
import { createHub, type CreateHubOptions, type Hub } from '../app/create-hub';

export const DEMO_PASSWORDS: Record<string, string> = {
  agent: 'agent-demo',
  agent2: 'agent2-demo',
  nurse: 'nurse-demo',
  supervisor: 'supervisor-demo',
  admin: 'admin-demo',
};

/** A clock tests move by hand (token expiry, lockout, recall window). */
export class Clock {
  constructor(public t = Date.UTC(2025, 0, 15, 8, 0, 0)) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

const nextUlid = monotonicFactory();
/** A fresh client-side ULID (mutation ids, message ids). */
export function newId(): string {
  return nextUlid();
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: { ok: true; value: T } | { ok: false; error: { code: string; message: string; details?: unknown } };
}

export async function call<T = unknown>(url: string, method: string, path: string, body?: unknown, token?: string, rawBody?: string): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}${path}`, { method, headers, body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as HttpAnswer<T>['body'] };
}

export function value<T>(a: HttpAnswer<T>): T {
  if (!a.body.ok) throw new Error(`expected ok, got ${a.status} ${a.body.error.code}: ${a.body.error.message}`);
  return a.body.value;
}

export function errorCode(a: HttpAnswer): string | null {
  return a.body.ok ? null : a.body.error.code;
}

export class TestClient {
  cursor = 0;
  constructor(
    /** Updated by TestHub.restart (the port changes). */
    public url: string,
    readonly login: LoginValue,
    readonly workstationId: string,
  ) {}
  get token(): string {
    return this.login.accessToken;
  }
  get userId(): string {
    return this.login.me.user.id;
  }
  req<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>> {
    return call<T>(this.url, method, path, body, this.token);
  }
  pull(cursor = this.cursor, limit?: number): Promise<HttpAnswer<PullValue>> {
    return this.req<PullValue>('POST', '/sync/pull', limit === undefined ? { cursor } : { cursor, limit });
  }
  /** Pulls until hasMore is false, from `from` (default: own cursor), and advances the own cursor. */
  async pullAll(from = this.cursor, limit = 1000): Promise<Change[]> {
    const all: Change[] = [];
    let cursor = from;
    for (;;) {
      const v = value(await this.pull(cursor, limit));
      all.push(...v.changes);
      cursor = v.cursor;
      if (!v.hasMore) break;
    }
    this.cursor = cursor;
    return all;
  }
  async push(mutations: { id?: string; type: string; args: unknown; clientTime?: number }[]): Promise<HttpAnswer<PushValue>> {
    return this.req<PushValue>('POST', '/sync/push', { mutations: mutations.map((m) => ({ id: m.id ?? newId(), type: m.type, args: m.args, clientTime: m.clientTime ?? Date.now() })) });
  }
  /** Pushes one mutation and returns its result entry. */
  async mutate(type: string, args: unknown, id = newId()) {
    const r = value(await this.push([{ id, type, args }]));
    return r.results[0]!;
  }
}

export interface TestHub {
  hub: Hub;
  dir: string;
  clock: Clock;
  url: string;
  signIn(username: string, workstationId?: string, password?: string): Promise<TestClient>;
  /** Demo users signed in in parallel, as a tuple. */
  signInAll<const T extends readonly string[]>(names: T): Promise<{ [K in keyof T]: TestClient }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHub(opts: { demo?: boolean; clock?: Clock; dir?: string; config?: CreateHubOptions['config'] } = {}): Promise<TestHub> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'lantern-hub-'));
  const clock = opts.clock ?? new Clock();
  const make = () => createHub({ dataDir: dir, port: 0, host: '127.0.0.1', demo: opts.demo ?? true, logger: false, now: clock.now, env: {}, config: opts.config });
  let hub = await make();
  const clients: TestClient[] = [];
  const t: TestHub = {
    get hub() {
      return hub;
    },
    dir,
    clock,
    get url() {
      return hub.url;
    },
    async signIn(username, workstationId = `ws-${username}`, password = DEMO_PASSWORDS[username] ?? '') {
      const login = value(await call<LoginValue>(hub.url, 'POST', '/auth/login', { username, password, workstationId }));
      const c = new TestClient(hub.url, login, workstationId);
      clients.push(c);
      return c;
    },
    async signInAll<const T extends readonly string[]>(names: T) {
      return (await Promise.all(names.map((n) => t.signIn(n)))) as { [K in keyof T]: TestClient };
    },
    async restart() {
      await hub.close();
      hub = await make();
      for (const c of clients) c.url = hub.url;
    },
    async close() {
      await hub.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

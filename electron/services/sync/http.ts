import { z } from 'zod';
import { errorShape, type ErrorShape } from '../../../shared/contract/result';
import { loginValue, meValue, pullValue, pushValue, tokenPair, type LoginValue, type MeValue, type PullValue, type PushValue, type TokenPair } from '../../../shared/sync/protocol';
import type { MutationEnvelope } from '../../../shared/sync/mutations';

/**
 * Why a hub call failed, in the terms the sync state machine needs:
 * - `network`: no answer (hub down, cable out, timeout) → offline, retry with backoff;
 * - `server`: 5xx or an unreadable answer → error, retry with backoff;
 * - `auth`: 401-class codes → refresh the token or sign in again;
 * - `client`: any other 4xx with a stable code → do not blindly retry the same request.
 */
export class HubError extends Error {
  constructor(
    readonly kind: 'network' | 'server' | 'auth' | 'client',
    readonly error: ErrorShape,
    readonly status: number | null,
    /** The request certainly never reached the hub (no connection was made). */
    readonly notSent = false,
  ) {
    super(`${error.code}: ${error.message}`);
  }
}

/** Failures to connect at all: nothing of the request can have reached the hub. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

function unreachable(e: unknown): HubError {
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  return new HubError('network', { code: 'hub.unreachable', message: e instanceof Error ? `${e.message}${code ? ` (${code})` : ''}` : String(e) }, null, NOT_CONNECTED.has(code));
}

const envelope = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: errorShape })]);

/**
 * The value of a Lantern envelope (a whole answer, or one line of a page stream), checked
 * with `schema`; an error envelope becomes a HubError of the kind the sync state machine
 * needs (auth.* → auth; hub.* or 5xx → server; other codes → client).
 */
function unwrap<T>(json: unknown, status: number, path: string, schema: z.ZodType<T>): T {
  const env = envelope.safeParse(json);
  if (!env.success) throw new HubError('server', { code: 'hub.bad_response', message: `HTTP ${status}: not a Lantern envelope from ${path}` }, status);
  if (!env.data.ok) {
    const code = env.data.error.code;
    const kind = status === 401 || code.startsWith('auth.') ? 'auth' : status >= 500 || code.startsWith('hub.') ? 'server' : 'client';
    throw new HubError(kind, env.data.error, status);
  }
  const value = schema.safeParse(env.data.value);
  if (!value.success) throw new HubError('server', { code: 'hub.bad_response', message: `Unexpected answer from ${path}: ${z.prettifyError(value.error)}` }, status);
  return value.data;
}

export interface HubHttpOptions {
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Typed calls to the hub's HTTP API (docs/sync.md). Every answer is checked with zod. */
export class HubHttp {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: HubHttpOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  get baseUrl(): string {
    return this.base;
  }

  private async call<T>(path: string, schema: z.ZodType<T>, init: { method: 'GET' | 'POST'; body?: unknown; token?: string }): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method: init.method,
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw unreachable(e);
    }
    return this.readEnvelope(res, path, schema);
  }

  login(username: string, password: string, workstationId: string): Promise<LoginValue> {
    return this.call('/auth/login', loginValue, { method: 'POST', body: { username, password, workstationId } });
  }
  refresh(refreshToken: string, workstationId: string): Promise<TokenPair> {
    return this.call('/auth/refresh', tokenPair.passthrough(), { method: 'POST', body: { refreshToken, workstationId } });
  }
  logout(token: string): Promise<unknown> {
    return this.call('/auth/logout', z.unknown(), { method: 'POST', body: {}, token });
  }
  me(token: string): Promise<MeValue> {
    return this.call('/me', meValue, { method: 'GET', token });
  }
  /** `from`: the cursor this run of pulls started at (the hub then leaves out versions the run gets a newer copy of). */
  pull(token: string, cursor: number, limit: number, hubId: string | null, from?: number): Promise<PullValue> {
    return this.call('/sync/pull', pullValue, { method: 'POST', body: { cursor, limit, ...(hubId ? { hubId } : {}), ...(from !== undefined ? { from } : {}) }, token });
  }
  /**
   * The rest of a run of pulls on one response (POST /sync/pull/stream, docs/sync.md §4.1):
   * yields each page as its line arrives, checked like a pull answer. Ends when the hub
   * ends the response (no more changes, or its page/time bound: ask again from the last
   * cursor). A failure line, a cut connection or 15 s without a byte throws after the
   * pages before it were yielded. A hub without the route throws `request.not_found`.
   */
  async *pullStream(token: string, cursor: number, limit: number, hubId: string | null, from: number, signal?: AbortSignal): AsyncGenerator<PullValue> {
    const abort = new AbortController();
    // The caller's signal ends the request too (it stopped reading early).
    const stop = () => abort.abort(signal?.reason);
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    let idle: NodeJS.Timeout | undefined;
    const quiet = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(new Error(`no data from the hub for ${this.timeoutMs} ms`)), this.timeoutMs);
    };
    quiet();
    try {
      let res: Response;
      try {
        res = await this.fetchImpl(`${this.base}/sync/pull/stream`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ cursor, limit, from, ...(hubId ? { hubId } : {}) }),
          signal: abort.signal,
        });
      } catch (e) {
        throw unreachable(e);
      }
      if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').startsWith('application/x-ndjson')) {
        await this.readEnvelope(res, '/sync/pull/stream');
        throw new HubError('server', { code: 'hub.bad_response', message: `HTTP ${res.status}: not a page stream` }, res.status);
      }
      // Lines are cut from the bytes (a newline byte never occurs inside UTF-8 text) and
      // decoded once each: no growing string re-scanned at every chunk.
      let parts: Buffer[] = [];
      const reader = res.body.getReader();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (e) {
          throw unreachable(e);
        }
        if (chunk.done) break;
        quiet();
        const bytes = Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength);
        let start = 0;
        let nl: number;
        while ((nl = bytes.indexOf(10, start)) >= 0) {
          const text = parts.length ? Buffer.concat([...parts, bytes.subarray(start, nl)]).toString('utf8') : bytes.toString('utf8', start, nl);
          parts = [];
          start = nl + 1;
          yield this.pageOf(text, res.status);
          quiet();
        }
        // Copied: the chunk's memory is the stream's, not ours to keep.
        if (start < bytes.length) parts.push(Buffer.from(bytes.subarray(start)));
      }
      // A response cut inside a line (the hub died mid-write) ends without that page.
      if (parts.some((p) => p.toString('utf8').trim() !== '')) throw new HubError('network', { code: 'hub.unreachable', message: 'The page stream was cut off' }, res.status);
    } finally {
      clearTimeout(idle);
      signal?.removeEventListener('abort', stop);
      abort.abort();
    }
  }

  private pageOf(text: string, status: number): PullValue {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HubError('server', { code: 'hub.bad_response', message: 'A page stream line is not JSON' }, status);
    }
    return unwrap(json, status, '/sync/pull/stream', pullValue);
  }

  /**
   * Uploads the bytes of a file on a queued reply before the reply itself is pushed
   * (PUT is idempotent: the same id and content again is answered ok).
   */
  async putAttachment(token: string, file: { id: string; conversationId: string; filename: string; sha256: string; data: Buffer }): Promise<void> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}/sync/attachments/${encodeURIComponent(file.id)}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'x-lantern-conversation': file.conversationId,
          'x-lantern-filename': encodeURIComponent(file.filename),
          'x-lantern-sha256': file.sha256,
        },
        body: new Uint8Array(file.data),
        signal: AbortSignal.timeout(Math.max(this.timeoutMs, 60_000)),
      });
    } catch (e) {
      throw unreachable(e);
    }
    await this.readEnvelope(res, '/sync/attachments');
  }

  /** The bytes of a file on a message the user may see (GET /attachments/:id). */
  async getAttachment(token: string, id: string): Promise<{ data: Buffer; mime: string }> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}/attachments/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(Math.max(this.timeoutMs, 60_000)) });
    } catch (e) {
      throw unreachable(e);
    }
    if (!res.ok) {
      await this.readEnvelope(res, '/attachments');
      throw new HubError('server', { code: 'hub.bad_response', message: `HTTP ${res.status}` }, res.status);
    }
    return { data: Buffer.from(await res.arrayBuffer()), mime: res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  private async readEnvelope<T = unknown>(res: Response, path: string, schema: z.ZodType<T> = z.unknown() as z.ZodType<T>): Promise<T> {
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new HubError(res.status >= 500 ? 'server' : 'client', { code: 'hub.bad_response', message: `HTTP ${res.status} without a JSON body from ${path}` }, res.status);
    }
    return unwrap(json, res.status, path, schema);
  }

  push(token: string, mutations: MutationEnvelope[]): Promise<PushValue> {
    return this.call('/sync/push', pushValue, { method: 'POST', body: { mutations }, token });
  }
}

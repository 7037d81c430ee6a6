import WebSocket from 'ws';
import { wsServerFrame, type Change, type LoginValue, type MeValue, type PullValue, type WsServerFrame } from '../../../shared/sync/protocol';
import { SYNC_LIMITS } from '../../../shared/sync/limits';
import type { ErrorShape } from '../../../shared/contract/result';
import type { Replica } from '../replica/open';
import { newId } from '../ids';
import { applyChanges, pendingOutboxCount, rejectedOutbox, resetHubData } from './apply';
import { backoffDelay } from './backoff';
import { HubError, HubHttp } from './http';
import { markRejected, recordResults, releaseUnsent, takeBatch, takeOne } from './push';
import { readState, STATE, writeState } from './state';
import { markStored, queuedUploads } from '../attachments/store';
import { backfillSearchStep, searchBackfillPending, searchBackfillRemaining } from '../replica/search-backfill';
import type { MutationEnvelope } from '../../../shared/sync/mutations';

/** Streamed pull (pullStreamed): most changes committed in one transaction, pages waiting parsed. */
const STREAM_GROUP_CHANGES = 5000;
const STREAM_QUEUE_PAGES = 8;

type LiveFrame = Omit<Extract<WsServerFrame, { type: 'changes' }>, 'type'>;

export type SyncStatus = 'signed_out' | 'offline' | 'syncing' | 'online' | 'error';

export interface SyncSnapshot {
  status: SyncStatus;
  /** The user's own mutations waiting for the hub (replies, notes, changes) — "N queued". */
  queued: number;
  /** Background records waiting for the hub (read markers, card feedback, reveal audits). */
  background: number;
  /** Mutations the hub refused (kept, with their reason). */
  rejected: number;
  lastSyncAt: number | null;
  error: ErrorShape | null;
  /**
   * Initial sync progress: changes received, and how far through the change log this
   * replica may see it has come (cursor ÷ the newest seq the hub says it may see), once known.
   * Not received ÷ a total: the hub's seqs count everyone's changes, so that ratio would
   * read 6 % and jump to done.
   */
  initial: { pulled: number; percent: number | null } | null;
  /** Offline search index being built after the initial sync: messages and notes looked at / to look at. */
  indexing: { done: number; total: number } | null;
  /** Increments whenever the replica changed through sync (the UI refreshes on change). */
  version: number;
  /** Conversations that arrived or changed hands since the last read (for notifications). */
  touched: string[];
}

export interface SyncClientOptions {
  replica: Replica;
  hubUrl: string;
  pullLimit?: number;
  pollMs?: number;
  now?: () => number;
  random?: () => number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: unknown) => void;
  /** Called when the signed-in user changes (login, resume, sign-out). */
  onUser?: (me: MeValue | null) => void;
  /** Called after pulled changes are committed, once per commit (benchmarks measure delivery with it). */
  onApplied?: (changes: Change[]) => void;
}

/**
 * The workstation's sync engine: push the outbox, pull the scoped change log, react to
 * WebSocket pokes, fall back to polling, and back off with jitter when the hub is away.
 * One cycle runs at a time; anything that asks for a sync while one runs gets another
 * cycle right after (coalesced).
 */
export class SyncClient {
  private readonly http: HubHttp;
  private readonly replica: Replica;
  private readonly opts: SyncClientOptions;
  private accessToken: string | null = null;
  private accessExpiresAt = 0;
  private me: MeValue | null = null;
  private status: SyncStatus = 'signed_out';
  private error: ErrorShape | null = null;
  private version = 0;
  private touched = new Set<string>();
  private initial: SyncSnapshot['initial'] = null;
  private hubHead: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private ws: WebSocket | null = null;
  private wsFailures = 0;
  /** The `auth` frame went out on the current socket (a `follow` must come after it). */
  private wsAuthed = false;
  /** The hub answered the current socket's `auth` with `hello`. */
  private wsHello = false;
  /** Live-tail frames received and not yet applied (applied together, see onLive). */
  private live: LiveFrame[] = [];
  private wsTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** The hub has POST /sync/pull/stream (false after a 404 from an older hub). */
  private streamPulls = true;
  /** Search backfill after the initial sync (replica/search-backfill.ts); null when not running. */
  private indexing: { done: number; total: number } | null = null;
  private indexTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: SyncClientOptions) {
    this.opts = opts;
    this.replica = opts.replica;
    this.http = new HubHttp({ baseUrl: opts.hubUrl });
  }

  private log(level: 'info' | 'warn' | 'error', msg: string, extra?: unknown) {
    this.opts.log?.(level, msg, extra);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  get workstationId(): string {
    let id = readState(this.replica, STATE.workstationId);
    if (!id) {
      id = `ws-${newId()}`;
      writeState(this.replica, STATE.workstationId, id);
    }
    return id;
  }

  /** The live socket is open and the hub has greeted it: changes and pokes arrive without polling. */
  get socketLive(): boolean {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN && this.wsHello;
  }

  get user(): MeValue | null {
    return this.me;
  }

  snapshot(): SyncSnapshot {
    const lastSyncAt = readState(this.replica, STATE.lastSyncAt);
    return {
      status: this.status,
      ...pendingOutboxCount(this.replica),
      rejected: rejectedOutbox(this.replica).length,
      lastSyncAt: lastSyncAt ? Number(lastSyncAt) : null,
      error: this.error,
      initial: this.initial,
      indexing: this.indexing ? { ...this.indexing } : null,
      version: this.version,
      touched: [...this.touched],
    };
  }

  takeTouched(): string[] {
    const out = [...this.touched];
    this.touched.clear();
    return out;
  }

  /** Signs in at the hub; the refresh token is kept in the encrypted replica for the next start. */
  async login(username: string, password: string): Promise<MeValue> {
    const v: LoginValue = await this.http.login(username, password, this.workstationId);
    this.adoptTokens(v);
    this.setUser(v.me);
    this.start();
    return v.me;
  }

  /** Resumes a previous session from the stored refresh token (no password needed while it is valid). */
  async resume(): Promise<MeValue | null> {
    const refresh = readState(this.replica, STATE.refreshToken);
    if (!refresh) return null;
    try {
      const pair = await this.http.refresh(refresh, this.workstationId);
      this.adoptTokens(pair);
      const me = await this.http.me(pair.accessToken);
      this.setUser(me);
      this.start();
      return me;
    } catch (e) {
      if (e instanceof HubError && e.kind === 'auth') {
        writeState(this.replica, STATE.refreshToken, null);
        return null;
      }
      // Hub unreachable: keep working offline as the stored user; sync starts when it is back.
      const stored = readState(this.replica, STATE.user);
      if (!stored) return null;
      this.setUser(JSON.parse(stored) as MeValue);
      this.status = 'offline';
      this.start();
      return this.me;
    }
  }

  async logout(): Promise<void> {
    const token = this.accessToken;
    this.stop();
    this.accessToken = null;
    writeState(this.replica, STATE.refreshToken, null);
    if (token) await this.http.logout(token).catch(() => undefined);
    this.setUser(null);
    this.status = 'signed_out';
  }

  private adoptTokens(p: { accessToken: string; accessExpiresAt: number; refreshToken: string }) {
    this.accessToken = p.accessToken;
    this.accessExpiresAt = p.accessExpiresAt;
    writeState(this.replica, STATE.refreshToken, p.refreshToken);
  }

  private setUser(me: MeValue | null) {
    this.me = me;
    writeState(this.replica, STATE.user, me ? JSON.stringify(me) : null);
    this.opts.onUser?.(me);
  }

  /** Starts (or restarts after stop()) polling, the WebSocket and a first cycle. */
  start() {
    this.stopped = false;
    if (!this.pollTimer) this.pollTimer = setInterval(() => this.kick(), this.opts.pollMs ?? 10_000);
    this.connectWs();
    this.kick();
    this.indexLater();
  }

  stop() {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.wsTimer) clearTimeout(this.wsTimer);
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.pollTimer = this.retryTimer = this.wsTimer = this.indexTimer = null;
    this.indexing = null;
    this.ws?.removeAllListeners();
    this.ws?.on('error', () => undefined);
    this.ws?.terminate();
    this.ws = null;
  }

  /** Ask for a sync cycle (local change, poke, poll, reconnect). Coalesced. */
  kick(): void {
    if (this.stopped || !this.me) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.cycle().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when no cycle is running or queued (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Resolves once the offline search index has caught up with the initial sync (tests, benchmarks). */
  async searchIndexed(): Promise<void> {
    while (this.indexing || (!this.stopped && searchBackfillPending(this.replica.sqlite) && readState(this.replica, STATE.initialDone) === '1')) {
      this.indexLater();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Builds the search index the initial sync left out, once the download is complete:
   * 500 rows per transaction, giving way to sync (a running cycle goes first) and to
   * everything else on this thread between steps. Local only: it goes on offline.
   */
  private indexLater(): void {
    if (this.stopped || this.indexTimer || this.indexing) return;
    if (readState(this.replica, STATE.initialDone) !== '1' || !searchBackfillPending(this.replica.sqlite)) return;
    const progress = { done: 0, total: searchBackfillRemaining(this.replica.sqlite) };
    this.indexing = progress;
    const step = () => {
      this.indexTimer = null;
      if (this.stopped || this.indexing !== progress) return;
      if (this.running) {
        this.indexTimer = setTimeout(step, 20);
        return;
      }
      let r: ReturnType<typeof backfillSearchStep>;
      try {
        // Derived data: a step lost to power failure is redone from the watermark it commits with.
        r = this.replica.refetchable(() => backfillSearchStep(this.replica.sqlite));
      } catch (e) {
        this.log('warn', 'search index step failed; trying again later', e);
        this.indexing = null;
        this.indexTimer = setTimeout(() => {
          this.indexTimer = null;
          this.indexLater();
        }, 5_000);
        return;
      }
      progress.done = Math.min(progress.total, progress.done + r.looked);
      if (r.done) {
        this.indexing = null;
        this.version++;
        return;
      }
      this.indexTimer = setTimeout(step, 0);
    };
    this.indexTimer = setTimeout(step, 0);
  }

  private async token(): Promise<string> {
    if (this.accessToken && this.now() < this.accessExpiresAt - 30_000) return this.accessToken;
    const refresh = readState(this.replica, STATE.refreshToken);
    if (!refresh) throw new HubError('auth', { code: 'auth.missing_token', message: 'Not signed in' }, null);
    const pair = await this.http.refresh(refresh, this.workstationId);
    this.adoptTokens(pair);
    return pair.accessToken;
  }

  /**
   * Calls another hub API (the supervisor's /qa/* …) with this session's access
   * token, refreshing it once when the hub answers 401. Network failures throw
   * (a HubError of kind 'network' from the refresh, or fetch's own error).
   */
  async authorizedFetch(path: string, init: { method?: 'GET' | 'POST'; body?: unknown; timeoutMs?: number } = {}): Promise<Response> {
    const go = async () =>
      fetch(`${this.http.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${await this.token()}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
      });
    let res = await go();
    if (res.status === 401) {
      this.accessToken = null;
      res = await go();
    }
    return res;
  }

  private async cycle(): Promise<void> {
    if (this.status !== 'online' || this.initial) this.status = 'syncing';
    try {
      await this.pushAll();
      await this.pullAll();
      this.failures = 0;
      this.status = 'online';
      this.error = null;
      this.reconnectWsNow();
    } catch (e) {
      this.onFailure(e);
    }
  }

  private onFailure(e: unknown) {
    if (e instanceof HubError && e.kind === 'auth') {
      if (e.error.code === 'auth.expired' || e.error.code === 'auth.invalid_token') {
        this.accessToken = null; // refresh on the next cycle
      } else {
        // Refresh refused (revoked, expired, reused): the user must sign in again. Nothing local is lost.
        this.status = 'signed_out';
        this.error = e.error;
        this.stop();
        writeState(this.replica, STATE.refreshToken, null);
        return;
      }
    }
    const network = e instanceof HubError && e.kind === 'network';
    this.status = network ? 'offline' : 'error';
    this.error = e instanceof HubError ? e.error : { code: 'sync.internal', message: e instanceof Error ? e.message : String(e) };
    if (!network) this.log('warn', 'sync cycle failed', this.error);
    const delay = backoffDelay(this.failures++, this.opts.random ? { random: this.opts.random } : {});
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.kick(), delay);
  }

  private async pushAll(): Promise<void> {
    for (;;) {
      const { mutations: batch, fresh } = takeBatch(this.replica);
      if (!batch.length) return;
      let offered = false;
      try {
        await this.uploadFiles(batch);
        const token = await this.token();
        offered = true;
        const res = await this.http.push(token, batch);
        recordResults(this.replica, batch, res.results);
        this.version++;
      } catch (e) {
        // Never offered, never connected, or refused at the door (401: nothing applied):
        // the fresh entries have not left this computer and can still be cancelled.
        if (!offered || (e instanceof HubError && (e.notSent || e.kind === 'auth'))) {
          releaseUnsent(this.replica, fresh);
          this.version++;
        }
        // A whole-batch 4xx (a malformed mutation): isolate it by sending one at a time,
        // then record the single bad one as rejected — never drop it, never loop forever.
        if (e instanceof HubError && e.kind === 'client') {
          if (batch.length === 1) {
            const m = batch[0]!;
            this.replica.sqlite.transaction(() => markRejected(this.replica, m, e.error.code, e.error.message, (m.args ?? {}) as Record<string, unknown>))();
            this.version++;
            continue;
          }
          for (const m of batch) {
            const one = takeOne(this.replica, m.id);
            if (!one) continue;
            try {
              const res = await this.http.push(await this.token(), [one]);
              recordResults(this.replica, [one], res.results);
            } catch (inner) {
              if (inner instanceof HubError && inner.kind === 'client') {
                this.replica.sqlite.transaction(() => markRejected(this.replica, one, inner.error.code, inner.error.message, (one.args ?? {}) as Record<string, unknown>))();
              } else throw inner;
            }
            this.version++;
          }
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * The bytes of files on replies in this batch go first. A file the hub refuses
   * (too large, not an allowed type) is left queued: the hub then rejects the reply
   * with `sync.attachment_missing` and the agent sees it, instead of a silent drop.
   */
  private async uploadFiles(batch: MutationEnvelope[]): Promise<void> {
    const ids = batch.filter((m) => m.type === 'message.send').map((m) => (m.args as { messageId?: unknown }).messageId).filter((x): x is string => typeof x === 'string');
    for (const f of queuedUploads(this.replica, ids)) {
      if (!f.data || !f.sha256) continue;
      try {
        await this.http.putAttachment(await this.token(), { id: f.id, conversationId: f.conversationId, filename: f.filename, sha256: f.sha256, data: f.data });
        markStored(this.replica, f.id);
      } catch (e) {
        if (!(e instanceof HubError && e.kind === 'client')) throw e;
        this.log('warn', 'hub refused a file', { id: f.id, code: e.error.code });
      }
    }
  }

  /** Fetches the bytes of a file from the hub (the caller keeps them in the replica). */
  async fetchAttachment(id: string): Promise<{ data: Buffer; mime: string }> {
    try {
      return await this.http.getAttachment(await this.token(), id);
    } catch (e) {
      if (e instanceof HubError && e.kind === 'auth') {
        this.accessToken = null;
        return this.http.getAttachment(await this.token(), id);
      }
      throw e;
    }
  }

  private async pullAll(): Promise<void> {
    try {
      await this.pullPages();
    } catch (e) {
      if (!(e instanceof HubError && e.error.code === 'sync.bad_cursor')) throw e;
      // Another hub (or a restored one): start over from 0, keeping unsent work.
      this.log('warn', 'hub refused our cursor; re-syncing from the beginning', e.error);
      resetHubData(this.replica);
      this.version++;
      await this.pullPages();
    }
  }

  private async pullPages(): Promise<void> {
    const limit = Math.min(this.opts.pullLimit ?? SYNC_LIMITS.defaultPullLimit, SYNC_LIMITS.maxPullLimit);
    const cursor = Number(readState(this.replica, STATE.cursor) ?? '0');
    // Pages of this run are applied strictly in order, so the hub may skip row versions
    // this run has already got an earlier one of (docs/sync.md §4).
    const from = cursor;
    const first = readState(this.replica, STATE.initialDone) !== '1';
    if (first) this.initial = { pulled: 0, percent: this.percentAt(cursor) };
    let page = await this.http.pull(await this.token(), cursor, limit, readState(this.replica, STATE.hubId), from);
    this.applyPages([page], first);
    // Far behind (a first sync, a replica back after days): the rest of the run comes on
    // one streamed response; a hub without the stream route gets pipelined page pulls.
    while (page.hasMore) {
      if (this.streamPulls) {
        try {
          page = await this.pullStreamed(page, limit, from, first);
          continue;
        } catch (e) {
          if (!(e instanceof HubError && e.error.code === 'request.not_found')) throw e;
          this.streamPulls = false;
          this.log('info', 'hub has no pull stream; pulling page by page');
        }
      }
      page = await this.pullPaged(page, limit, from, first);
    }
    this.initial = null;
    this.sendFollow();
    this.indexLater();
  }

  /**
   * Page pulls, each asked for before the one in hand is applied (the hub prepares page
   * N+1 while this replica applies page N). If applying fails, the run ends here and the
   * page asked for ahead is dropped unseen. Returns the last page applied.
   */
  private async pullPaged(after: PullValue, limit: number, from: number, first: boolean): Promise<PullValue> {
    const fetch = async (page: PullValue) => this.http.pull(await this.token(), page.cursor, limit, page.hubId, from);
    let next = fetch(after);
    for (;;) {
      const page = await next;
      const ahead = page.hasMore ? fetch(page) : null;
      ahead?.catch(() => undefined);
      // Let the request leave before the (synchronous) apply holds this thread.
      if (ahead) await new Promise((r) => setImmediate(r));
      this.applyPages([page], first);
      if (!ahead) return page;
      next = ahead;
    }
  }

  /**
   * The rest of a run on one streamed response (docs/sync.md §4.1). Pages are read as
   * they arrive while earlier ones are applied; whatever has arrived by the time the
   * replica is free commits together (up to STREAM_GROUP_CHANGES), so a replica slower
   * than the hub commits — and encrypts its index pages — once per several pages
   * instead of once per page. At most STREAM_QUEUE_PAGES wait parsed; beyond that the
   * response is not read and TCP holds the hub back. Pages applied before a failure
   * stay applied (their cursor with them); the failure ends the cycle as a pull would.
   * Returns the last page applied: if it has more, the caller asks again from its cursor.
   */
  private async pullStreamed(after: PullValue, limit: number, from: number, first: boolean): Promise<PullValue> {
    const queue: PullValue[] = [];
    let ended = false;
    let failure: unknown = null;
    // (cast: set from callbacks, which control-flow narrowing does not see)
    let wake = null as (() => void) | null;
    let space = null as (() => void) | null;
    const token = await this.token();
    // Ends the response when this side stops early (an apply failed, the client stopped):
    // a reader left waiting would hold the hub's request open.
    const done = new AbortController();
    const reading = (async () => {
      try {
        for await (const page of this.http.pullStream(token, after.cursor, limit, after.hubId, from, done.signal)) {
          if (page.hubId !== after.hubId) throw new HubError('server', { code: 'hub.bad_response', message: 'A page of another hub on the stream' }, null);
          queue.push(page);
          wake?.();
          while (queue.length >= STREAM_QUEUE_PAGES && !done.signal.aborted) await new Promise<void>((r) => (space = r));
          if (done.signal.aborted) break;
        }
      } catch (e) {
        if (!done.signal.aborted) failure = e;
      } finally {
        ended = true;
        wake?.();
      }
    })();
    let last = after;
    try {
      for (;;) {
        if (!queue.length) {
          if (ended) break;
          await new Promise<void>((r) => (wake = r));
          wake = null;
          continue;
        }
        // Let what the socket holds by now be read and parsed, to join this commit.
        await new Promise((r) => setImmediate(r));
        if (this.stopped) break;
        let changes = 0;
        let take = 0;
        while (take < queue.length && (take === 0 || changes + queue[take]!.changes.length <= STREAM_GROUP_CHANGES)) changes += queue[take++]!.changes.length;
        const group = queue.splice(0, take);
        space?.();
        space = null;
        this.applyPages(group, first);
        last = group.at(-1)!;
      }
    } finally {
      if (!ended) done.abort();
      space?.();
      await reading;
    }
    if (failure) throw failure;
    // A stream that ended without a page (never our hub's) must not be asked for again and again.
    if (last === after && !this.stopped) throw new HubError('server', { code: 'hub.bad_response', message: 'The page stream ended without a page' }, null);
    // Stopped mid-stream: the caller's loop ends at the next check; nothing half-applied.
    return this.stopped ? { ...last, hasMore: false } : last;
  }

  /** How far `cursor` is through the log this replica may see (null until the hub said where it ends). */
  private percentAt(cursor: number): number | null {
    if (!this.hubHead) return null;
    return Math.max(0, Math.min(100, Math.floor((cursor / this.hubHead) * 100)));
  }

  /**
   * Data, cursor and hub id commit together: a crash repeats the pages, never skips one.
   * Several pages of one run may commit together (the stream); they apply in order.
   */
  private applyPages(pages: PullValue[], first: boolean): void {
    const page = pages.at(-1)!;
    const changes = pages.length === 1 ? page.changes : pages.flatMap((p) => p.changes);
    // Refetchable: the cursor commits with the data, so a page lost to power failure is pulled again.
    this.replica.refetchable(() =>
      this.replica.sqlite
        .transaction(() => {
          // The first download leaves search indexing for afterwards (indexLater).
          const stats = applyChanges(this.replica, changes, { deferSearch: first });
          for (const id of stats.touchedConversations) this.touched.add(id);
          writeState(this.replica, STATE.cursor, String(page.cursor));
          writeState(this.replica, STATE.hubId, page.hubId);
          if (!page.hasMore && first) writeState(this.replica, STATE.initialDone, '1');
          // Same commit: one commit per pull, not a second one for the time stamp.
          if (!page.hasMore) writeState(this.replica, STATE.lastSyncAt, String(this.now()));
        })
        .immediate(),
    );
    if (this.initial) this.initial = { pulled: this.initial.pulled + changes.length, percent: this.percentAt(page.cursor) };
    if (changes.length) {
      this.version++;
      this.opts.onApplied?.(changes);
    }
  }

  /** Live tail: tell the hub where this replica stands, so new changes come on the socket (docs/sync.md §10). */
  private sendFollow(): void {
    const ws = this.ws;
    const hubId = readState(this.replica, STATE.hubId);
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.wsAuthed || !hubId || readState(this.replica, STATE.initialDone) !== '1') return;
    ws.send(JSON.stringify({ type: 'follow', cursor: Number(readState(this.replica, STATE.cursor) ?? '0'), hubId }));
  }

  /**
   * A live-tail page. Frames that arrive together (a busy hub, a slow disk) are
   * applied in ONE transaction, so a replica that falls behind catches up with one
   * commit instead of one per frame. A frame is applied only when it continues
   * exactly from this replica's cursor on this hub and no cycle is running (a cycle's
   * own pull could be half-way); anything else is a poke. Pushes still go by HTTP.
   */
  private onLive(frame: LiveFrame): void {
    this.hubHead = Math.max(this.hubHead ?? 0, frame.cursor);
    this.live.push(frame);
    if (this.live.length === 1) setImmediate(() => this.flushLive());
  }

  private flushLive(): void {
    const frames = this.live.splice(0);
    if (this.stopped || !frames.length) return;
    let cursor = Number(readState(this.replica, STATE.cursor) ?? '0');
    const fits = !this.running && readState(this.replica, STATE.initialDone) === '1';
    const hubId = readState(this.replica, STATE.hubId);
    const chain: LiveFrame[] = [];
    let gap = false;
    for (const f of frames) {
      if (f.cursor <= cursor) continue; // already have it
      if (!fits || f.from !== cursor || f.hubId !== hubId) {
        gap = true;
        break;
      }
      chain.push(f);
      cursor = f.cursor;
    }
    if (chain.length) {
      try {
        this.applyPages([{ hubId: hubId!, changes: chain.flatMap((f) => f.changes), cursor, hasMore: false }], false);
      } catch (e) {
        this.log('warn', 'live page not applied; pulling instead', e);
        gap = true;
      }
    }
    if (gap) this.kick();
  }

  /**
   * The hub just answered over HTTP, so a socket waiting out its reconnect backoff
   * (after handshakes timed out on a hub busy with a shift's sign-ins, say) connects
   * now: without it this workstation would get no live changes or pokes until the
   * timer (up to 30 s) or the next poll. At most one attempt per successful cycle.
   */
  private reconnectWsNow(): void {
    if (this.stopped || this.ws || !this.wsTimer) return;
    clearTimeout(this.wsTimer);
    this.wsTimer = null;
    this.connectWs();
  }

  private connectWs() {
    if (this.stopped || this.ws) return;
    const url = this.http.baseUrl.replace(/^http/, 'ws') + '/sync/ws';
    const ws = new WebSocket(url, { handshakeTimeout: 10_000 });
    this.ws = ws;
    this.wsAuthed = false;
    this.wsHello = false;
    ws.on('open', () => {
      void this.token()
        .then((token) => {
          ws.send(JSON.stringify({ type: 'auth', token }));
          this.wsAuthed = true;
          this.sendFollow();
        })
        .catch(() => ws.terminate());
    });
    ws.on('message', (raw) => {
      let json: unknown;
      try {
        json = JSON.parse(String(raw));
      } catch {
        return;
      }
      const frame = wsServerFrame.safeParse(json);
      if (!frame.success) return;
      if (frame.data.type === 'changes') {
        this.wsFailures = 0;
        this.onLive(frame.data);
        return;
      }
      if (frame.data.type === 'hello' || frame.data.type === 'poke') {
        this.wsFailures = 0;
        if (frame.data.type === 'hello') this.wsHello = true;
        this.hubHead = Math.max(this.hubHead ?? 0, frame.data.seq);
        const cursor = Number(readState(this.replica, STATE.cursor) ?? '0');
        if (frame.data.seq > cursor || frame.data.type === 'hello') this.kick();
      }
    });
    const reconnect = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      const delay = backoffDelay(this.wsFailures++, this.opts.random ? { random: this.opts.random } : {});
      this.wsTimer = setTimeout(() => {
        this.wsTimer = null;
        this.connectWs();
      }, delay);
    };
    ws.on('close', (code) => {
      if (code === 4402 || code === 4401) this.accessToken = null;
      reconnect();
    });
    ws.on('error', () => reconnect());
  }
}

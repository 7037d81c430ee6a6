import type { FastifyInstance } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import { HubErrorCode } from '../../shared/sync/errors';
import { WS_CLOSE, wsClientFrame, type WsServerFrame } from '../../shared/sync/protocol';
import type { HubContext } from '../app/context';
import { authenticate, reauthenticate, type AuthContext } from '../auth/service';
import { verifyAccessToken, type AccessClaims } from '../auth/tokens';
import { errorBody, HubError } from '../http/errors';
import { scopeKeyOf } from './scope';
import type { PullPage, ScopeKey } from '../store/types';
import type { StoreReader } from '../store/store';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { answerPage } from './pull';

/** A socket must authenticate (query `?token=` or an `auth` frame) within this time. */
export const WS_AUTH_GRACE_MS = 5_000;

interface Client {
  socket: WebSocket;
  auth: AuthContext | null;
  /** The socket's token as verified when it arrived (rounds re-check all but its signature). */
  claims: AccessClaims | null;
  /** Highest seq this client was told about (hello, poke or changes). */
  lastSeq: number;
  /** Live tail: the cursor the client's replica holds (its last `follow`, advanced by each `changes` frame); null = pokes only. */
  follow: number | null;
  authTimer: NodeJS.Timeout | null;
  expiryTimer: NodeJS.Timeout | null;
}

export interface SocketRegistry {
  count(): number;
  /** Users with at least one authenticated socket (a live workstation): routing's presence. */
  onlineUserIds(): ReadonlySet<string>;
  /** Authenticated sockets now: who is connected from where (the supervisor dashboard's presence). */
  connected(): { userId: string; workstationId: string }[];
  closeAll(code: number, reason: string): void;
}

function send(c: Client, frame: WsServerFrame | string): void {
  // A string is a frame already serialized once for many sockets.
  if (c.socket.readyState === c.socket.OPEN) c.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
}

/**
 * A reader for one socket round (one snapshot): the sessions and workstations of all its
 * sockets are read up front in two queries, not two per socket, and users and their teams
 * are remembered, so however many sockets a user has, their rows are read once.
 */
async function roundReader(r: StoreReader, claims: AccessClaims[]): Promise<StoreReader> {
  const sessions = new Map((await r.getSessions([...new Set(claims.map((c) => c.sid))])).map((s) => [s.id, s]));
  const workstations = new Map((await r.getWorkstations([...new Set(claims.map((c) => c.wid))])).map((w) => [w.id, w]));
  const users = new Map<string, ReturnType<StoreReader['getUserById']>>();
  const teams = new Map<string, ReturnType<StoreReader['teamIdsOf']>>();
  return Object.assign(Object.create(r) as StoreReader, {
    getSession: async (id: string) => sessions.get(id) ?? null,
    getWorkstation: async (id: string) => workstations.get(id) ?? null,
    getUserById: (id: string) => users.get(id) ?? (users.set(id, r.getUserById(id)), users.get(id)!),
    teamIdsOf: (id: string) => teams.get(id) ?? (teams.set(id, r.teamIdsOf(id)), teams.get(id)!),
  });
}

/** Sockets whose users see the same conversations share one scope query per round. */
const scopeId = (auth: AuthContext) => {
  const k = scopeKeyOf(auth);
  return `${k.supervisor ? 1 : 0}:${k.userId}`;
};

function sendError(c: Client, code: string, message: string): void {
  send(c, { type: 'error', error: { code, message } });
}

function closeCodeFor(e: unknown): number {
  if (e instanceof HubError) {
    if (e.code === HubErrorCode.expired) return WS_CLOSE.expired;
    if (e.code === HubErrorCode.sessionRevoked || e.code === HubErrorCode.disabled || e.code === HubErrorCode.workstationRevoked) return WS_CLOSE.revoked;
  }
  return WS_CLOSE.unauthorized;
}

/**
 * `GET /sync/ws`: tells each signed-in workstation when the change log advanced
 * with something it may see (`poke`), so it pulls at once instead of waiting for
 * its polling interval. Pokes carry no data, only a seq; the pull is what is
 * authorized, filtered and audited. Bad frames get an `error` frame and the
 * socket stays open; auth failures close it with a 44xx code.
 */
export function registerSyncSocket(app: FastifyInstance, ctx: HubContext): SocketRegistry {
  const clients = new Set<Client>();

  const clearTimers = (c: Client) => {
    if (c.authTimer) clearTimeout(c.authTimer);
    if (c.expiryTimer) clearTimeout(c.expiryTimer);
    c.authTimer = c.expiryTimer = null;
  };

  const close = (c: Client, code: number, reason: string) => {
    clearTimers(c);
    clients.delete(c);
    if (c.socket.readyState === c.socket.OPEN || c.socket.readyState === c.socket.CONNECTING) c.socket.close(code, reason);
  };

  const fail = (c: Client, e: unknown) => {
    const he = e instanceof HubError ? e : new HubError(HubErrorCode.internal, 'Internal error');
    if (!(e instanceof HubError)) ctx.log.error({ err: e }, 'websocket auth failed');
    sendError(c, he.code, he.message);
    close(c, closeCodeFor(he), he.code);
  };

  /**
   * Sends a follower its page as a `changes` frame once the read is audited (the
   * audit records of one round commit together). If the audit cannot be written the
   * data is not sent: the client gets a poke and pulls, where the same rule holds.
   */
  const deliver = async (group: { auth: AuthContext; from: number; page: PullPage; to: { c: Client; seq: number }[] }): Promise<void> => {
    const { auth, from, page, to } = group;
    try {
      const value = await answerPage(ctx, auth, from, page, 'live', to.map((t) => t.c.auth?.workstationId ?? auth.workstationId));
      const frame = JSON.stringify({ type: 'changes', from, hubId: value.hubId, changes: value.changes, cursor: value.cursor } satisfies WsServerFrame);
      for (const { c, seq } of to) {
        if (!clients.has(c) || c.follow !== from) {
          send(c, { type: 'poke', seq });
          continue;
        }
        c.follow = value.cursor;
        send(c, frame);
      }
    } catch (e) {
      ctx.log.warn({ err: e }, 'live tail frame failed; poking instead');
      for (const { c, seq } of to) {
        c.follow = null;
        send(c, { type: 'poke', seq });
      }
    }
  };

  /**
   * One round after the log advanced: every signed-in socket is re-authorized (a
   * logout, a disabled account or a revoked workstation ends the socket, not just
   * future HTTP requests) and poked if the log advanced within its scope since it
   * was last told. The whole round is ONE read of the store, and sockets with the
   * same scope share one scope query: 500 workstations cost one transaction per
   * round, not a thousand. Rounds never overlap; a round asked for while one runs
   * runs once more after it.
   */
  let busy = false;
  let again = false;
  const round = async (): Promise<void> => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const batch = [...clients].filter((c) => c.auth && c.claims);
        // One user's workstations that read the same page share one audited read.
        const live = new Map<string, Parameters<typeof deliver>[0]>();
        if (!batch.length) continue;
        const outcomes = await ctx.store.read(async (r) => {
          const verdicts: { c: Client; auth?: AuthContext; scopeKey?: string; error?: unknown; seq?: number | null; page?: PullPage; from?: number }[] = [];
          const reader = await roundReader(r, batch.map((c) => c.claims!));
          for (const c of batch) {
            try {
              const auth = await reauthenticate(reader, c.claims!, ctx.now());
              verdicts.push({ c, auth, scopeKey: scopeId(auth) });
            } catch (error) {
              verdicts.push({ c, error });
            }
          }
          // Per scope: the newest visible seq after the least-informed socket of that scope.
          const groups = new Map<string, { scope: ScopeKey; after: number; seq: number | null }>();
          for (const v of verdicts) {
            if (!v.auth) continue;
            const g = groups.get(v.scopeKey!);
            if (!g) groups.set(v.scopeKey!, { scope: scopeKeyOf(v.auth), after: v.c.lastSeq, seq: null });
            else g.after = Math.min(g.after, v.c.lastSeq);
          }
          for (const g of groups.values()) g.seq = await r.latestVisibleSeq(g.scope, g.after);
          // Live tail: one page per (scope, cursor) for followers with something new, read in this same snapshot.
          const pages = new Map<string, PullPage | null>();
          for (const v of verdicts) {
            if (!v.auth) continue;
            const g = groups.get(v.scopeKey!)!;
            v.seq = g.seq;
            if (v.c.follow === null || v.seq === null || v.seq <= v.c.lastSeq || v.seq <= v.c.follow) continue;
            const key = `${v.scopeKey}@${v.c.follow}`;
            if (!pages.has(key)) {
              const page = await r.pull(g.scope, v.c.follow, SYNC_LIMITS.liveFrameChanges, SYNC_LIMITS.liveFrameBytes, v.c.follow);
              pages.set(key, page.hasMore || v.c.follow > page.head ? null : page);
            }
            v.page = pages.get(key) ?? undefined;
            // The cursor this page was read from: the socket's follow may change while the round awaits.
            v.from = v.c.follow;
          }
          return verdicts;
        });
        for (const v of outcomes) {
          if (!clients.has(v.c)) continue;
          if (v.error !== undefined) {
            fail(v.c, v.error);
            continue;
          }
          v.c.auth = v.auth!;
          if (v.seq === null || v.seq === undefined || v.seq <= v.c.lastSeq) continue;
          v.c.lastSeq = v.seq;
          // A page goes out only as read: from the cursor it was read from, and only if the socket
          // still follows from there (checked again in deliver) — else a frame could skip changes.
          if (v.page && v.from !== undefined && v.c.follow === v.from) {
            const key = `${v.auth!.userId}@${v.from}`;
            const g = live.get(key);
            if (g) g.to.push({ c: v.c, seq: v.seq });
            else live.set(key, { auth: v.auth!, from: v.from, page: v.page, to: [{ c: v.c, seq: v.seq }] });
          } else send(v.c, { type: 'poke', seq: v.seq });
        }
        await Promise.all([...live.values()].map(deliver));
      } while (again);
    } catch (e) {
      ctx.log.warn({ err: e }, 'websocket poke round failed');
    } finally {
      busy = false;
    }
  };

  const authWith = async (c: Client, token: string): Promise<void> => {
    try {
      const claims = verifyAccessToken(ctx.secret, token, ctx.now());
      const auth = await authenticate(ctx, token);
      // A fresh token on an open socket renews it, but only for the same user and workstation.
      if (c.auth && (c.auth.userId !== auth.userId || c.auth.workstationId !== auth.workstationId)) {
        throw new HubError(HubErrorCode.invalidToken, 'A socket cannot change user or workstation');
      }
      const first = c.auth === null;
      c.auth = auth;
      c.claims = claims;
      clearTimers(c);
      c.expiryTimer = setTimeout(() => fail(c, new HubError(HubErrorCode.expired, 'Access token expired')), Math.min(Math.max(claims.exp - ctx.now(), 0), 2 ** 31 - 1));
      if (first) {
        const seq = (await ctx.store.read((r) => r.latestVisibleSeq(scopeKeyOf(auth), 0))) ?? 0;
        c.lastSeq = seq;
        send(c, { type: 'hello', seq, hubId: ctx.store.hubId });
      }
    } catch (e) {
      fail(c, e);
    }
  };

  const onFrame = async (c: Client, data: RawData, isBinary: boolean): Promise<void> => {
    if (isBinary) return sendError(c, HubErrorCode.badRequest, 'Send JSON text frames');
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      return sendError(c, HubErrorCode.malformedJson, 'The frame is not valid JSON');
    }
    const frame = wsClientFrame.safeParse(parsed);
    if (!frame.success) return sendError(c, HubErrorCode.badRequest, 'Unknown or malformed frame (expected {type:"auth",token}, {type:"follow",cursor,hubId} or {type:"ping"})');
    if (frame.data.type === 'ping') return send(c, { type: 'pong' });
    if (frame.data.type === 'follow') {
      // A cursor of another hub, or ahead of this one, gets pokes only: its pull will tell the client.
      c.follow = frame.data.hubId === ctx.store.hubId ? frame.data.cursor : null;
      if (c.follow !== null && c.auth) void round();
      return;
    }
    await authWith(c, frame.data.token);
  };

  const unsubscribe = ctx.notifier.subscribe(() => round());
  app.addHook('onClose', async () => unsubscribe());

  app.route({
    method: 'GET',
    url: '/sync/ws',
    handler: async (_req, reply) => reply.code(426).header('upgrade', 'websocket').send(errorBody(HubErrorCode.upgradeRequired, 'Connect with a WebSocket upgrade')),
    wsHandler: (socket, req) => {
      const c: Client = { socket, auth: null, claims: null, lastSeq: 0, follow: null, authTimer: null, expiryTimer: null };
      clients.add(c);
      socket.on('close', () => {
        clearTimers(c);
        clients.delete(c);
      });
      socket.on('message', (data, isBinary) => {
        onFrame(c, data, isBinary).catch((e: unknown) => ctx.log.warn({ err: e }, 'websocket frame failed'));
      });
      const token = (req.query as { token?: unknown } | undefined)?.token;
      if (typeof token === 'string' && token.length > 0) {
        void authWith(c, token);
      } else {
        c.authTimer = setTimeout(() => {
          if (!c.auth) fail(c, new HubError(HubErrorCode.missingToken, `No auth frame within ${WS_AUTH_GRACE_MS} ms`));
        }, WS_AUTH_GRACE_MS);
      }
    },
  });

  return {
    count: () => clients.size,
    onlineUserIds: () => new Set([...clients].filter((c) => c.auth !== null).map((c) => c.auth!.userId)),
    connected: () => [...clients].flatMap((c) => (c.auth ? [{ userId: c.auth.userId, workstationId: c.auth.workstationId }] : [])),
    closeAll(code, reason) {
      for (const c of [...clients]) close(c, code, reason);
    },
  };
}

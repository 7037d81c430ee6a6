import type { FastifyInstance } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import { HubErrorCode } from '../../shared/sync/errors';
import { WS_CLOSE, wsClientFrame, type WsServerFrame } from '../../shared/sync/protocol';
import type { HubContext } from '../app/context';
import { authenticate, type AuthContext } from '../auth/service';
import { verifyAccessToken } from '../auth/tokens';
import { errorBody, HubError } from '../http/errors';
import { scopeKeyOf } from './scope';

/** A socket must authenticate (query `?token=` or an `auth` frame) within this time. */
export const WS_AUTH_GRACE_MS = 5_000;

interface Client {
  socket: WebSocket;
  auth: AuthContext | null;
  token: string | null;
  /** Highest seq this client was told about (hello or poke). */
  lastSeq: number;
  authTimer: NodeJS.Timeout | null;
  expiryTimer: NodeJS.Timeout | null;
  /** A scope check is running; `again` asks it to run once more (coalescing). */
  busy: boolean;
  again: boolean;
}

export interface SocketRegistry {
  count(): number;
  /** Users with at least one authenticated socket (a live workstation): routing's presence. */
  onlineUserIds(): ReadonlySet<string>;
  /** Authenticated sockets now: who is connected from where (the supervisor dashboard's presence). */
  connected(): { userId: string; workstationId: string }[];
  closeAll(code: number, reason: string): void;
}

function send(c: Client, frame: WsServerFrame): void {
  if (c.socket.readyState === c.socket.OPEN) c.socket.send(JSON.stringify(frame));
}

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

  /** Poke the client if the log advanced within its scope since it was last told. */
  const check = async (c: Client): Promise<void> => {
    if (!c.token) return;
    if (c.busy) {
      c.again = true;
      return;
    }
    c.busy = true;
    try {
      do {
        c.again = false;
        // Re-authorize on every round: a logout, a disabled account or a revoked
        // workstation ends the socket, not just future HTTP requests.
        try {
          c.auth = await authenticate(ctx, c.token);
        } catch (e) {
          fail(c, e);
          return;
        }
        const scope = scopeKeyOf(c.auth);
        const seq = await ctx.store.read((r) => r.latestVisibleSeq(scope, c.lastSeq));
        if (seq !== null && seq > c.lastSeq) {
          c.lastSeq = seq;
          send(c, { type: 'poke', seq });
        }
      } while (c.again && clients.has(c));
    } catch (e) {
      ctx.log.warn({ err: e }, 'websocket poke check failed');
    } finally {
      c.busy = false;
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
      c.token = token;
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
    if (!frame.success) return sendError(c, HubErrorCode.badRequest, 'Unknown or malformed frame (expected {type:"auth",token} or {type:"ping"})');
    if (frame.data.type === 'ping') return send(c, { type: 'pong' });
    await authWith(c, frame.data.token);
  };

  const unsubscribe = ctx.notifier.subscribe(() => {
    for (const c of clients) if (c.auth) void check(c);
  });
  app.addHook('onClose', async () => unsubscribe());

  app.route({
    method: 'GET',
    url: '/sync/ws',
    handler: async (_req, reply) => reply.code(426).header('upgrade', 'websocket').send(errorBody(HubErrorCode.upgradeRequired, 'Connect with a WebSocket upgrade')),
    wsHandler: (socket, req) => {
      const c: Client = { socket, auth: null, token: null, lastSeq: 0, authTimer: null, expiryTimer: null, busy: false, again: false };
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

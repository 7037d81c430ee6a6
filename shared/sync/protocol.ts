import { z } from 'zod';
import { errorShape } from '../contract/result';
import { entitySchema, roleSchema, teamData } from './entities';
import { mutationEnvelope } from './mutations';
import { mutationRejectionCodes } from './errors';

/**
 * The hub's HTTP + WebSocket protocol (docs/sync.md explains it with examples).
 * Every HTTP answer is the contract envelope: `{ok:true,value}` or
 * `{ok:false,error:{code,message,details?}}`.
 */

export const workstationIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'workstationId must be [A-Za-z0-9_.-]');

// ---- auth ------------------------------------------------------------------

export const loginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  workstationId: workstationIdSchema,
});
export const refreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(256), workstationId: workstationIdSchema });
/** Logout needs the access token (Authorization header); the body may be empty. */
export const logoutRequest = z.strictObject({}).optional();

export const meValue = z.object({
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: roleSchema }),
  teams: z.array(teamData),
  workstationId: z.string(),
  sessionId: z.string(),
  hubId: z.string(),
});
export type MeValue = z.infer<typeof meValue>;

export const tokenPair = z.object({
  accessToken: z.string(),
  /** Epoch ms. Refresh a little before. */
  accessExpiresAt: z.number().int(),
  refreshToken: z.string(),
  refreshExpiresAt: z.number().int(),
});
export const loginValue = tokenPair.extend({ me: meValue });
export type LoginValue = z.infer<typeof loginValue>;
export type TokenPair = z.infer<typeof tokenPair>;

// ---- pull ------------------------------------------------------------------

/** A cursor is the hub's change-log position: a safe non-negative integer, 0 = from the beginning. */
export const cursorSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * `limit` is checked by the route (not here) so an oversized limit is 413
 * `sync.batch_too_large` and a non-integer one 400 `sync.bad_request`.
 * `hubId`, when given, must be the hub's: a cursor from another hub (a re-installed
 * or replaced hub) is refused with `sync.bad_cursor` instead of silently skipping data.
 */
export const pullRequest = z.strictObject({
  cursor: z.unknown().optional(),
  limit: z.unknown().optional(),
  hubId: z.string().max(64).optional(),
  /**
   * Where this run of pulls started (the cursor before its first page; ≤ cursor).
   * Lets the hub leave out versions the run will get a newer copy of (docs/sync.md §4).
   */
  from: z.unknown().optional(),
});

export const changeSchema = z.object({
  seq: z.number().int().positive(),
  entity: entitySchema,
  id: z.string(),
  /** `put` = upsert the whole row in `data`; `revoke` = scope lost (entity `scope`). */
  op: z.enum(['put', 'revoke']),
  data: z.unknown(),
  /** For conversation field changes: the previous values of the fields this change set. */
  prev: z.record(z.string(), z.unknown()).optional(),
});
export type Change = z.infer<typeof changeSchema>;

export const pullValue = z.object({
  hubId: z.string(),
  changes: z.array(changeSchema),
  /** Send this back as the next `cursor`. Persist it in the same transaction as the applied changes. */
  cursor: cursorSchema,
  hasMore: z.boolean(),
});
export type PullValue = z.infer<typeof pullValue>;

// ---- push ------------------------------------------------------------------

/** The envelope only; each mutation's `args` are checked against its `type` by parseMutation. */
export const pushRequest = z.strictObject({ mutations: z.array(mutationEnvelope).min(1) });

export const mutationResult = z.discriminatedUnion('status', [
  z.object({
    id: z.string(),
    status: z.literal('applied'),
    /** `seq` = the last change-log position this mutation wrote (0 when it changed nothing). */
    result: z.object({ seq: z.number().int().nonnegative(), acceptedAt: z.number().int() }).catchall(z.unknown()),
  }),
  z.object({ id: z.string(), status: z.literal('rejected'), code: z.enum(mutationRejectionCodes), message: z.string() }),
]);
export type MutationResult = z.infer<typeof mutationResult>;

export const pushValue = z.object({ results: z.array(mutationResult) });
export type PushValue = z.infer<typeof pushValue>;

// ---- WebSocket /sync/ws ----------------------------------------------------

/** Frames a client may send. Anything else gets an `error` frame; the socket stays open. */
export const wsClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(2048) }),
  z.strictObject({ type: z.literal('ping') }),
  /**
   * Live tail (docs/sync.md §10): "my replica holds everything up to `cursor` of hub
   * `hubId`; send what follows as `changes` frames". Sent after every pull run.
   */
  z.strictObject({ type: z.literal('follow'), cursor: cursorSchema, hubId: z.string().min(1).max(64) }),
]);
export type WsClientFrame = z.infer<typeof wsClientFrame>;

export const wsServerFrame = z.discriminatedUnion('type', [
  /** After authentication: the hub's current head (pull if your cursor is behind). */
  z.object({ type: z.literal('hello'), seq: z.number().int().nonnegative(), hubId: z.string() }),
  /** The log advanced with something you may see, up to `seq`: pull. */
  z.object({ type: z.literal('poke'), seq: z.number().int().nonnegative() }),
  /**
   * Live tail for a socket that sent `follow`: exactly the page `POST /sync/pull`
   * with `cursor: from` would answer (complete: no `hasMore`), authorized and audited
   * the same way. Apply it only if your stored cursor equals `from` and `hubId` is
   * your hub's; otherwise treat it as a poke.
   */
  z.object({ type: z.literal('changes'), from: cursorSchema, hubId: z.string(), changes: z.array(changeSchema), cursor: cursorSchema }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), error: errorShape }),
]);
export type WsServerFrame = z.infer<typeof wsServerFrame>;

/** WebSocket close codes the hub uses (4000-4999 are application codes). */
export const WS_CLOSE = {
  /** No valid `auth` within the grace period, or a bad/expired token: get a fresh token and reconnect. */
  unauthorized: 4401,
  /** The access token expired while connected: refresh and reconnect. */
  expired: 4402,
  /** The session was logged out or revoked. */
  revoked: 4403,
  /** The hub is shutting down: reconnect with backoff. */
  goingAway: 1001,
} as const;

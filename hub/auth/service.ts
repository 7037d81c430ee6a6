import { ulid } from 'ulid';
import type { z } from 'zod';
import { HubErrorCode, type HubErrorCodeValue } from '../../shared/sync/errors';
import type { Role } from '../../shared/sync/entities';
import type { LoginValue, MeValue, TokenPair, loginRequest, refreshRequest } from '../../shared/sync/protocol';
import { appendAudit, auditNow } from '../audit/audit';
import type { HubContext } from '../app/context';
import { HubError } from '../http/errors';
import type { StoreReader, StoreTx } from '../store/store';
import type { UserRow } from '../store/types';
import { burnVerify, verifyPassword } from './passwords';
import { hashToken, issueAccessToken, newRefreshToken, verifyAccessToken, type AccessClaims } from './tokens';

/** Who is calling, established for every authenticated request. */
export interface AuthContext {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  teamIds: string[];
  sessionId: string;
  workstationId: string;
}

/**
 * A rotated refresh token presented again within this window (its successor not
 * yet used) is treated as a retry after a lost response, not as theft: flaky
 * hospital Wi-Fi must not log nurses out. Later reuse revokes the whole session.
 */
export const REFRESH_GRACE_MS = 30_000;

async function issuePair(ctx: HubContext, tx: StoreTx, user: UserRow, sessionId: string, workstationId: string): Promise<TokenPair> {
  const now = ctx.now();
  const accessExpiresAt = now + ctx.config.accessTokenTtlSeconds * 1000;
  const refreshExpiresAt = now + ctx.config.refreshTokenTtlDays * 86_400_000;
  const refreshToken = newRefreshToken();
  await tx.insertRefreshToken({ tokenHash: hashToken(refreshToken), sessionId, createdAt: now, expiresAt: refreshExpiresAt, usedAt: null, replacedBy: null });
  const accessToken = issueAccessToken(ctx.secret, { sub: user.id, sid: sessionId, wid: workstationId, role: user.role, iat: now, exp: accessExpiresAt });
  return { accessToken, accessExpiresAt, refreshToken, refreshExpiresAt };
}

export async function describeMe(ctx: HubContext, r: StoreReader, user: UserRow, sessionId: string, workstationId: string): Promise<MeValue> {
  const teamIds = await r.teamIdsOf(user.id);
  const teams = (await r.listTeams()).filter((t) => teamIds.includes(t.id)).map((t) => ({ id: t.id, name: t.name }));
  return { user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role }, teams, workstationId, sessionId, hubId: ctx.store.hubId };
}

export async function login(ctx: HubContext, req: z.infer<typeof loginRequest>): Promise<LoginValue> {
  const username = req.username.trim().toLowerCase();
  const user = await ctx.store.read((r) => r.getUserByUsername(username));
  const deny = async (code: HubErrorCodeValue, message: string, details?: unknown): Promise<never> => {
    await auditNow(ctx.store, { at: ctx.now(), userId: user?.id ?? null, workstationId: req.workstationId, action: 'auth.login', objectType: 'user', objectId: user?.id ?? username.slice(0, 64), outcome: 'denied', detail: { code } });
    throw new HubError(code, message, details);
  };
  if (!user) {
    await burnVerify(req.password);
    return deny(HubErrorCode.invalidCredentials, 'Wrong username or password');
  }
  // A locked account is not even checked: guessing must not continue during the lock.
  if (user.lockedUntil !== null && user.lockedUntil > ctx.now()) {
    return deny(HubErrorCode.locked, 'Account locked after too many wrong passwords', { lockedUntil: user.lockedUntil });
  }
  // argon2 runs outside the write transaction: it takes ~30 ms and must not hold the single writer.
  const passwordOk = await verifyPassword(user.passwordHash, req.password);
  if (!passwordOk) {
    const lockedUntil = await ctx.store.write(async (tx) => {
      // Count from the row as it is now, inside the transaction: concurrent wrong
      // attempts must all count, none may be lost to a read-modify-write race.
      const fresh = (await tx.getUserById(user.id))!;
      const attempts = fresh.failedAttempts + 1;
      const lock = attempts >= ctx.config.lockout.maxAttempts ? ctx.now() + ctx.config.lockout.minutes * 60_000 : null;
      await tx.updateUser(user.id, lock ? { failedAttempts: 0, lockedUntil: lock } : { failedAttempts: attempts });
      await appendAudit(tx, { at: ctx.now(), userId: user.id, workstationId: req.workstationId, action: 'auth.login', objectType: 'user', objectId: user.id, outcome: 'denied', detail: { code: lock ? HubErrorCode.locked : HubErrorCode.invalidCredentials, attempts } });
      return lock;
    });
    if (lockedUntil) throw new HubError(HubErrorCode.locked, 'Account locked after too many wrong passwords', { lockedUntil });
    throw new HubError(HubErrorCode.invalidCredentials, 'Wrong username or password');
  }
  if (user.disabled) return deny(HubErrorCode.disabled, 'Account disabled');

  const ws = await ctx.store.read((r) => r.getWorkstation(req.workstationId));
  if (ws?.status === 'revoked') return deny(HubErrorCode.workstationRevoked, 'Workstation revoked');
  if (!ws && ctx.config.workstationRegistration === 'manual') return deny(HubErrorCode.workstationUnregistered, 'Workstation not registered');

  const outcome = await ctx.store.write(async (tx): Promise<LoginValue | { lockedUntil: number }> => {
    const now = ctx.now();
    // A concurrent wrong attempt may have locked the account while argon2 ran: the
    // lock wins (re-checked inside the transaction that would clear it).
    const fresh = (await tx.getUserById(user.id))!;
    if (fresh.lockedUntil !== null && fresh.lockedUntil > now) return { lockedUntil: fresh.lockedUntil };
    if (!(await tx.getWorkstation(req.workstationId))) {
      await tx.insertWorkstation({ id: req.workstationId, label: null, status: 'active', registeredAt: now, registeredBy: user.id, lastSeenAt: now });
      await appendAudit(tx, { at: now, userId: user.id, workstationId: req.workstationId, action: 'workstation.register', objectType: 'workstation', objectId: req.workstationId, outcome: 'ok' });
    } else {
      await tx.updateWorkstation(req.workstationId, { lastSeenAt: now });
    }
    await tx.updateUser(user.id, { failedAttempts: 0, lockedUntil: null });
    const sessionId = ulid(now);
    await tx.insertSession({ id: sessionId, userId: user.id, workstationId: req.workstationId, createdAt: now, revokedAt: null, revokedReason: null });
    const pair = await issuePair(ctx, tx, user, sessionId, req.workstationId);
    await appendAudit(tx, { at: now, userId: user.id, workstationId: req.workstationId, action: 'auth.login', objectType: 'session', objectId: sessionId, outcome: 'ok' });
    return { ...pair, me: await describeMe(ctx, tx, user, sessionId, req.workstationId) };
  });
  if ('lockedUntil' in outcome) throw new HubError(HubErrorCode.locked, 'Account locked after too many wrong passwords', { lockedUntil: outcome.lockedUntil });
  return outcome;
}

export async function refresh(ctx: HubContext, req: z.infer<typeof refreshRequest>): Promise<TokenPair> {
  // Everything in ONE write transaction: two concurrent refreshes with the same
  // token must not both rotate it (one wins, the other is a reuse).
  const outcome = await ctx.store.write(async (tx): Promise<{ ok: true; pair: TokenPair } | { ok: false; error: HubError }> => {
    const now = ctx.now();
    const fail = async (error: HubError, sessionId: string | null, userId: string | null, revoke?: string) => {
      if (revoke && sessionId) await tx.revokeSessions({ sessionId }, revoke, now);
      await appendAudit(tx, { at: now, userId, workstationId: req.workstationId, action: 'auth.refresh', objectType: 'session', objectId: sessionId, outcome: 'denied', detail: { code: error.code } });
      return { ok: false as const, error };
    };
    const hash = hashToken(req.refreshToken);
    const token = await tx.getRefreshToken(hash);
    if (!token) return fail(new HubError(HubErrorCode.invalidToken, 'Unknown refresh token'), null, null);
    const session = (await tx.getSession(token.sessionId))!;
    if (session.revokedAt !== null) return fail(new HubError(HubErrorCode.sessionRevoked, 'Session revoked'), session.id, session.userId);
    if (session.workstationId !== req.workstationId) {
      // A refresh token only works on the workstation it was issued to; presented
      // elsewhere it is presumed stolen, so the session ends.
      return fail(new HubError(HubErrorCode.workstationMismatch, 'Refresh token belongs to another workstation'), session.id, session.userId, 'workstation_mismatch');
    }
    if (token.expiresAt <= now) return fail(new HubError(HubErrorCode.expired, 'Refresh token expired'), session.id, session.userId);
    if (token.usedAt !== null) {
      const successor = token.replacedBy ? await tx.getRefreshToken(token.replacedBy) : null;
      const retry = now - token.usedAt <= REFRESH_GRACE_MS && successor !== null && successor.usedAt === null;
      if (!retry) return fail(new HubError(HubErrorCode.refreshReused, 'Refresh token reused'), session.id, session.userId, 'refresh_reused');
      // Lost-response retry: the unused successor is retired (used, with no
      // successor of its own, so presenting it later counts as reuse) and replaced.
      await tx.updateRefreshToken(successor.tokenHash, { usedAt: now });
    }
    const user = (await tx.getUserById(session.userId))!;
    if (user.disabled) return fail(new HubError(HubErrorCode.disabled, 'Account disabled'), session.id, user.id, 'user_disabled');
    const ws = await tx.getWorkstation(session.workstationId);
    if (ws?.status !== 'active') return fail(new HubError(HubErrorCode.workstationRevoked, 'Workstation revoked'), session.id, user.id, 'workstation_revoked');
    const pair = await issuePair(ctx, tx, user, session.id, session.workstationId);
    await tx.updateRefreshToken(hash, { usedAt: token.usedAt ?? now, replacedBy: hashToken(pair.refreshToken) });
    await tx.updateWorkstation(session.workstationId, { lastSeenAt: now });
    await appendAudit(tx, { at: now, userId: user.id, workstationId: session.workstationId, action: 'auth.refresh', objectType: 'session', objectId: session.id, outcome: 'ok' });
    return { ok: true, pair };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.pair;
}

export async function logout(ctx: HubContext, auth: AuthContext): Promise<void> {
  await ctx.store.write(async (tx) => {
    await tx.revokeSessions({ sessionId: auth.sessionId }, 'logout', ctx.now());
    await appendAudit(tx, { at: ctx.now(), userId: auth.userId, workstationId: auth.workstationId, action: 'auth.logout', objectType: 'session', objectId: auth.sessionId, outcome: 'ok' });
  });
}

/**
 * Authorizes one request: a valid signature and expiry, AND a live session of an
 * enabled user on an active workstation (checked in the store every time).
 */
export async function authenticate(ctx: HubContext, token: string | undefined): Promise<AuthContext> {
  if (!token) throw new HubError(HubErrorCode.missingToken, 'Missing access token');
  const claims = verifyAccessToken(ctx.secret, token, ctx.now());
  return ctx.store.read((r) => authenticateClaims(r, claims));
}

/**
 * The session, user and workstation behind verified token claims, read on the
 * caller's reader (the WebSocket registry checks every socket in one read).
 */
export async function authenticateWith(ctx: HubContext, r: StoreReader, token: string): Promise<AuthContext> {
  return authenticateClaims(r, verifyAccessToken(ctx.secret, token, ctx.now()));
}

/**
 * Authorizes again claims whose token was verified before (an open WebSocket, each
 * round): the token cannot have changed, so its signature is not checked again — its
 * expiry, the session, the user and the workstation are.
 */
export async function reauthenticate(r: StoreReader, claims: AccessClaims, now: number): Promise<AuthContext> {
  if (claims.exp <= now) throw new HubError(HubErrorCode.expired, 'Access token expired');
  return authenticateClaims(r, claims);
}

async function authenticateClaims(r: StoreReader, claims: AccessClaims): Promise<AuthContext> {
  const session = await r.getSession(claims.sid);
  if (!session || session.userId !== claims.sub || session.workstationId !== claims.wid) throw new HubError(HubErrorCode.invalidToken, 'Unknown session');
  if (session.revokedAt !== null) throw new HubError(HubErrorCode.sessionRevoked, 'Session revoked');
  const user = await r.getUserById(claims.sub);
  if (!user) throw new HubError(HubErrorCode.invalidToken, 'Unknown user');
  if (user.disabled) throw new HubError(HubErrorCode.disabled, 'Account disabled');
  const ws = await r.getWorkstation(claims.wid);
  if (ws?.status !== 'active') throw new HubError(HubErrorCode.workstationRevoked, 'Workstation revoked');
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    teamIds: await r.teamIdsOf(user.id),
    sessionId: session.id,
    workstationId: session.workstationId,
  };
}

export function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header.trim());
  return m?.[1];
}

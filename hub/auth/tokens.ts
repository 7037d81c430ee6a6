import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { roleSchema } from '../../shared/sync/entities';
import { HubErrorCode } from '../../shared/sync/errors';
import { HubError } from '../http/errors';

/**
 * Access tokens: `lat1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`, signed
 * with the hub's secret. Short-lived (15 min by default) and checked on every
 * request together with the session row, so a logout or a disabled account takes
 * effect at once, not when the token expires.
 */
const PREFIX = 'lat1';

export const accessClaims = z.strictObject({
  sub: z.string(),
  sid: z.string(),
  wid: z.string(),
  role: roleSchema,
  iat: z.number().int(),
  exp: z.number().int(),
});
export type AccessClaims = z.infer<typeof accessClaims>;

function sign(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest();
}

export function issueAccessToken(secret: Buffer, claims: AccessClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${PREFIX}.${body}.${sign(secret, body).toString('base64url')}`;
}

/** Throws HubError auth.invalid_token (forged, malformed) or auth.expired. */
export function verifyAccessToken(secret: Buffer, token: string, now: number): AccessClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) throw new HubError(HubErrorCode.invalidToken, 'Malformed access token');
  const given = Buffer.from(parts[2], 'base64url');
  const expected = sign(secret, parts[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HubError(HubErrorCode.invalidToken, 'Access token signature does not verify');
  let claims: AccessClaims;
  try {
    claims = accessClaims.parse(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')));
  } catch {
    throw new HubError(HubErrorCode.invalidToken, 'Access token claims are malformed');
  }
  if (claims.exp <= now) throw new HubError(HubErrorCode.expired, 'Access token expired');
  return claims;
}

/** Refresh tokens are opaque random strings; the hub stores only their SHA-256. */
export function newRefreshToken(): string {
  return `lrt1.${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

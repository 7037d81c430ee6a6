import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashToken, issueAccessToken, newRefreshToken, verifyAccessToken, type AccessClaims } from './tokens';

const secret = Buffer.alloc(32, 7);
const claims: AccessClaims = { sub: 'u-agent', sid: 's1', wid: 'ws-1', role: 'agent', iat: 1_000, exp: 2_000 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

describe('access tokens', () => {
  it('round-trips and expires', () => {
    const t = issueAccessToken(secret, claims);
    expect(verifyAccessToken(secret, t, 1_999)).toEqual(claims);
    expect(codeOf(() => verifyAccessToken(secret, t, 2_000))).toBe('auth.expired');
  });

  it('a forged payload (role raised to admin) or another key is refused', () => {
    const t = issueAccessToken(secret, claims);
    const [p, , sig] = t.split('.');
    const forged = `${p}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${sig}`;
    expect(codeOf(() => verifyAccessToken(secret, forged, 1_500))).toBe('auth.invalid_token');
    expect(codeOf(() => verifyAccessToken(Buffer.alloc(32, 8), t, 1_500))).toBe('auth.invalid_token');
    const signedGarbage = issueAccessToken(secret, { ...claims, role: 'root' } as unknown as AccessClaims);
    expect(codeOf(() => verifyAccessToken(secret, signedGarbage, 1_500))).toBe('auth.invalid_token');
  });

  it('any other string is invalid_token, never a crash', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(codeOf(() => verifyAccessToken(secret, s, 1_500))).toBe('auth.invalid_token');
      }),
    );
  });

  it('refresh tokens are random and stored only as a hash', () => {
    const a = newRefreshToken();
    expect(a).not.toBe(newRefreshToken());
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a.slice(5));
  });
});

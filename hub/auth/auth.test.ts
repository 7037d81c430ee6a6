import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeValue, TokenPair } from '../../shared/sync/protocol';
import { addWorkstation, disableUser, revokeWorkstation } from '../users/admin';
import { call, errorCode, startHub, value, type TestHub } from '../testing/harness';
import { issueAccessToken } from './tokens';

describe('accounts and access (real hub, real sockets)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub();
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, workstationId = 'ws-a') => call<TokenPair & { me: MeValue }>(t.url, 'POST', '/auth/login', { username, password, workstationId });
  const me = (token: string) => call<MeValue>(t.url, 'GET', '/me', undefined, token);
  const refresh = (refreshToken: string, workstationId = 'ws-a') => call<TokenPair>(t.url, 'POST', '/auth/refresh', { refreshToken, workstationId });

  it('signs in with argon2id-hashed passwords and answers /me', async () => {
    const v = value(await login('Agent', 'agent-demo'));
    expect(v.me).toMatchObject({ user: { id: 'u-agent', role: 'agent' }, teams: [{ id: 't-outpatient' }], workstationId: 'ws-a', hubId: t.hub.hubId });
    expect(v.accessExpiresAt - t.clock.now()).toBe(15 * 60_000);
    expect(value(await me(v.accessToken)).user.username).toBe('agent');
    const row = await t.hub.store.read((r) => r.getUserByUsername('agent'));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('locks an account for 15 minutes after 5 wrong passwords', async () => {
    for (let i = 1; i <= 4; i++) {
      const r = await login('nurse', 'wrong-password');
      expect([r.status, errorCode(r)]).toEqual([401, 'auth.invalid_credentials']);
    }
    const fifth = await login('nurse', 'wrong-password');
    expect([fifth.status, errorCode(fifth)]).toEqual([423, 'auth.locked']);
    expect(fifth.body).toMatchObject({ error: { details: { lockedUntil: t.clock.now() + 15 * 60_000 } } });
    // Even the right password is refused during the lock.
    expect(errorCode(await login('nurse', 'nurse-demo'))).toBe('auth.locked');
    t.clock.advance(15 * 60_000 - 1);
    expect(errorCode(await login('nurse', 'nurse-demo'))).toBe('auth.locked');
    t.clock.advance(1);
    expect((await login('nurse', 'nurse-demo')).status).toBe(200);
    // A success resets the count: four more wrong ones do not lock.
    for (let i = 0; i < 4; i++) expect(errorCode(await login('nurse', 'x-wrong-x'))).toBe('auth.invalid_credentials');
    expect((await login('nurse', 'nurse-demo')).status).toBe(200);
  });

  it('an unknown user gets the same answer as a wrong password', async () => {
    const r = await login('nobody', 'whatever-pw');
    expect([r.status, errorCode(r)]).toEqual([401, 'auth.invalid_credentials']);
  });

  it('access tokens expire; refresh rotates and is bound to the workstation', async () => {
    const v = value(await login('agent2', 'agent2-demo', 'ws-b'));
    t.clock.advance(15 * 60_000);
    const expired = await me(v.accessToken);
    expect([expired.status, errorCode(expired)]).toEqual([401, 'auth.expired']);
    const next = value(await refresh(v.refreshToken, 'ws-b'));
    expect(next.refreshToken).not.toBe(v.refreshToken);
    expect((await me(next.accessToken)).status).toBe(200);

    // Lost response: the same (just rotated) token again within the grace period works once more...
    const retry = value(await refresh(v.refreshToken, 'ws-b'));
    // ...and retires the successor it replaces.
    expect(errorCode(await refresh(next.refreshToken, 'ws-b'))).toBe('auth.refresh_reused');
    // which, being a reuse, ended the session: everything from it is dead now
    expect(errorCode(await me(retry.accessToken))).toBe('auth.session_revoked');
    expect(errorCode(await refresh(retry.refreshToken, 'ws-b'))).toBe('auth.session_revoked');
  });

  it('reusing a rotated refresh token after the grace period ends the session', async () => {
    const v = value(await login('agent2', 'agent2-demo', 'ws-b'));
    const next = value(await refresh(v.refreshToken, 'ws-b'));
    t.clock.advance(31_000);
    expect(errorCode(await refresh(v.refreshToken, 'ws-b'))).toBe('auth.refresh_reused');
    expect(errorCode(await me(next.accessToken))).toBe('auth.session_revoked');
  });

  it('a refresh token presented by another workstation is refused and ends the session', async () => {
    const v = value(await login('agent2', 'agent2-demo', 'ws-b'));
    const r = await refresh(v.refreshToken, 'ws-evil');
    expect([r.status, errorCode(r)]).toEqual([401, 'auth.workstation_mismatch']);
    expect(errorCode(await me(v.accessToken))).toBe('auth.session_revoked');
  });

  it('logout ends the session at once', async () => {
    const v = value(await login('agent', 'agent-demo'));
    expect((await call(t.url, 'POST', '/auth/logout', undefined, v.accessToken)).status).toBe(200);
    expect(errorCode(await me(v.accessToken))).toBe('auth.session_revoked');
    expect(errorCode(await refresh(v.refreshToken))).toBe('auth.session_revoked');
  });

  it('forged, foreign, malformed or missing tokens are refused with stable codes', async () => {
    const v = value(await login('agent', 'agent-demo'));
    const [p, body, sig] = v.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${p}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin', sub: 'u-admin' })).toString('base64url')}.${sig}`;
    expect(errorCode(await me(forged))).toBe('auth.invalid_token');
    const foreign = issueAccessToken(Buffer.alloc(32, 1), claims as never);
    expect(errorCode(await me(foreign))).toBe('auth.invalid_token');
    expect(errorCode(await me('lat1.x.y'))).toBe('auth.invalid_token');
    expect(errorCode(await call(t.url, 'GET', '/me'))).toBe('auth.missing_token');
    const basic = await fetch(`${t.url}/me`, { headers: { authorization: 'Basic YWdlbnQ6eA==' } });
    expect(basic.status).toBe(401);
    expect(((await basic.json()) as { error: { code: string } }).error.code).toBe('auth.missing_token');
    for (const path of ['/sync/pull', '/sync/push', '/auth/logout']) {
      const r = await call(t.url, 'POST', path, { cursor: 0 }, forged);
      expect([r.status, errorCode(r)], path).toEqual([401, 'auth.invalid_token']);
    }
  });

  it('a disabled user is refused at once, even with a live token', async () => {
    const v = value(await login('admin', 'admin-demo'));
    await disableUser(t.hub.store, 'admin', null, t.clock.now());
    expect([(await me(v.accessToken)).status, errorCode(await me(v.accessToken))]).toEqual([401, 'auth.session_revoked']);
    const again = await login('admin', 'admin-demo');
    expect([again.status, errorCode(again)]).toEqual([403, 'auth.disabled']);
    // a wrong password to a disabled account reveals nothing more
    expect(errorCode(await login('admin', 'not-the-password'))).toBe('auth.invalid_credentials');
  });

  it('a revoked workstation can no longer sign in or use its tokens', async () => {
    const v = value(await login('supervisor', 'supervisor-demo', 'ws-lost'));
    await revokeWorkstation(t.hub.store, 'ws-lost', null, t.clock.now());
    expect(errorCode(await me(v.accessToken))).toBe('auth.session_revoked');
    expect(errorCode(await login('supervisor', 'supervisor-demo', 'ws-lost'))).toBe('auth.workstation_revoked');
    await addWorkstation(t.hub.store, 'ws-lost', 'found again', null, t.clock.now());
    expect((await login('supervisor', 'supervisor-demo', 'ws-lost')).status).toBe(200);
  });

  it('bad login bodies are auth.bad_request', async () => {
    for (const body of [{}, { username: 'a' }, { username: 'agent', password: 'agent-demo', workstationId: 'bad id!' }, { username: 'agent', password: 'agent-demo', workstationId: 'w', extra: 1 }, [], 'x']) {
      const r = await call(t.url, 'POST', '/auth/login', body);
      expect([r.status, errorCode(r)], JSON.stringify(body)).toEqual([400, 'auth.bad_request']);
    }
  });
});

describe('manual workstation registration', () => {
  it('refuses unregistered workstations until an admin registers them', async () => {
    const t = await startHub({ config: { workstationRegistration: 'manual' } });
    try {
      const r = await call(t.url, 'POST', '/auth/login', { username: 'agent', password: 'agent-demo', workstationId: 'ws-new' });
      expect([r.status, errorCode(r)]).toEqual([403, 'auth.workstation_unregistered']);
      await addWorkstation(t.hub.store, 'ws-new', null, null, t.clock.now());
      expect((await call(t.url, 'POST', '/auth/login', { username: 'agent', password: 'agent-demo', workstationId: 'ws-new' })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

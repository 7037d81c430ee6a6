import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS_CLOSE } from '../../shared/sync/protocol';
import { newId, startHub, type TestClient, type TestHub } from '../testing/harness';
import { disableUser, revokeWorkstation } from '../users/admin';
import { sleep, WsProbe, wsUrl } from '../testing/ws-client';

describe('WebSocket /sync/ws pokes', () => {
  let t: TestHub;
  let agent: TestClient;
  let agent2: TestClient;
  let nurse: TestClient;
  let supervisor: TestClient;
  const probes: WsProbe[] = [];
  const open = async (token?: string) => {
    const p = new WsProbe(wsUrl(t.url, token));
    probes.push(p);
    await p.opened;
    return p;
  };

  beforeAll(async () => {
    t = await startHub();
    [agent, agent2, nurse, supervisor] = await t.signInAll(['agent', 'agent2', 'nurse', 'supervisor']);
  });
  afterAll(async () => {
    for (const p of probes) p.close();
    await t.close();
  });

  it('says hello with the latest seq the user may see, then pokes only on changes within their scope', async () => {
    const a = await open(agent.token);
    const a2 = await open(agent2.token);
    const s = await open(supervisor.token);
    await Promise.all([a, a2, s].map((p) => p.until(() => p.of('hello').length === 1)));
    expect(a.of('hello')[0]).toMatchObject({ hubId: t.hub.hubId });
    const agentHead = (await agent.pullAll(0)).at(-1)!.seq;
    expect(a.of('hello')[0]!.seq).toBe(agentHead);

    const nurseNote = await nurse.mutate('note.add', { conversationId: 'v-chen-glucose', noteId: newId(), body: '随访' });
    await s.until(() => s.of('poke').length === 1);
    expect(s.of('poke')[0]!.seq).toBe((nurseNote as { result: { seq: number } }).result.seq);

    const reply = await agent.mutate('message.send', { conversationId: 'v-zhang-appt', messageId: newId(), body: '好的' });
    await a.until(() => a.of('poke').length === 1);
    expect(a.of('poke')[0]!.seq).toBe((reply as { result: { seq: number } }).result.seq);
    await s.until(() => s.of('poke').length === 2);
    await sleep(150);
    // agent never heard of the nurse's note; agent2 of neither
    expect(a.of('poke')).toHaveLength(1);
    expect(a2.of('poke')).toHaveLength(0);

    // A conversation newly assigned to agent2 pokes agent2
    await supervisor.mutate('conversation.assign', { conversationId: 'v-zhang-appt', assigneeId: 'u-agent2' });
    await a2.until(() => a2.of('poke').length === 1);
    await a.until(() => a.of('poke').length === 2); // the revoke is for agent
  });

  it('accepts an auth frame instead of ?token=, answers ping, and survives garbage frames', async () => {
    const p = await open();
    p.send('{not json');
    p.send({ type: 'poke' });
    p.send({ type: 'auth' });
    p.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    p.send({ type: 'ping' });
    await p.until(() => p.of('pong').length === 1);
    expect(p.of('error').map((e) => e.error.code)).toEqual(['request.malformed_json', 'sync.bad_request', 'sync.bad_request', 'sync.bad_request']);
    p.send({ type: 'auth', token: agent.token });
    await p.until(() => p.of('hello').length === 1);
    expect(p.closed).toBeNull();
  });

  it('closes with 4401 on a bad token', async () => {
    const p = await open('lat1.forged.token');
    await p.until(() => p.closed !== null);
    expect(p.closed!.code).toBe(WS_CLOSE.unauthorized);
    expect(p.of('error')[0]!.error.code).toBe('auth.invalid_token');
  });

  it('closes with 4403 when the session logs out', async () => {
    const c = await t.signIn('agent', 'ws-logout');
    const p = await open(c.token);
    await p.until(() => p.of('hello').length === 1);
    await c.req('POST', '/auth/logout');
    await p.until(() => p.closed !== null);
    expect(p.closed!.code).toBe(WS_CLOSE.revoked);
  });

  it('one round serves many sockets: the same user on two workstations is poked on both, and a socket revoked in that round is closed without disturbing them', async () => {
    const [w1, w2, gone] = [await t.signIn('agent', 'ws-round-1'), await t.signIn('agent', 'ws-round-2'), await t.signIn('agent', 'ws-round-3')];
    const [p1, p2, p3] = [await open(w1.token), await open(w2.token), await open(gone.token)];
    await Promise.all([p1, p2, p3].map((p) => p.until(() => p.of('hello').length === 1)));
    // The logout commits and advances the log in the same round as the reply.
    await gone.req('POST', '/auth/logout');
    const note = await w1.mutate('note.add', { conversationId: 'v-li-call', noteId: newId(), body: '回电' });
    const seq = (note as { result: { seq: number } }).result.seq;
    expect(seq).toBeGreaterThan(0);
    await p3.until(() => p3.closed !== null);
    expect(p3.closed!.code).toBe(WS_CLOSE.revoked);
    await Promise.all([p1, p2].map((p) => p.until(() => p.of('poke').some((f) => f.seq === seq))));
    expect(p1.closed).toBeNull();
    expect(p2.closed).toBeNull();
  });

  it('closes with 4402 once the access token has expired (checked on the next change)', async () => {
    const c = await t.signIn('nurse', 'ws-expire');
    const p = await open(c.token);
    await p.until(() => p.of('hello').length === 1);
    t.clock.advance(15 * 60_000 + 1);
    const fresh = await t.signIn('supervisor', 'ws-sup2');
    await fresh.mutate('note.add', { conversationId: 'v-chen-glucose', noteId: newId(), body: 'x' });
    await p.until(() => p.closed !== null);
    expect(p.closed!.code).toBe(WS_CLOSE.expired);
  });

  it('closes an unauthenticated socket after the grace period', async () => {
    const p = await open();
    await p.until(() => p.closed !== null, 8_000);
    expect(p.closed!.code).toBe(WS_CLOSE.unauthorized);
  }, 10_000);

  it('closes with 4403 on the next round when a workstation is revoked or a user disabled, and leaves the other sockets open', async () => {
    const lost = await t.signIn('agent', 'ws-revoke-me');
    const admin = await t.signIn('admin', 'ws-admin-disabled');
    const stays = await t.signIn('agent', 'ws-stays');
    // (A fresh sign-in: the expiry test above moved the clock past earlier tokens.)
    const writer = await t.signIn('supervisor', 'ws-sup3');
    const [pl, pa, ps] = [await open(lost.token), await open(admin.token), await open(stays.token)];
    await Promise.all([pl, pa, ps].map((p) => p.until(() => p.of('hello').length === 1)));
    await revokeWorkstation(t.hub.store, 'ws-revoke-me', null, t.clock.now());
    await disableUser(t.hub.store, 'admin', null, t.clock.now());
    // Any commit starts a round, and every round re-authorizes every socket.
    await writer.mutate('note.add', { conversationId: 'v-chen-glucose', noteId: newId(), body: '复核' });
    await Promise.all([pl, pa].map((p) => p.until(() => p.closed !== null)));
    expect([pl.closed!.code, pa.closed!.code]).toEqual([WS_CLOSE.revoked, WS_CLOSE.revoked]);
    await writer.mutate('note.add', { conversationId: 'v-li-call', noteId: newId(), body: '回电' });
    await ps.until(() => ps.of('poke').length > 0);
    expect(ps.closed).toBeNull();
  });

  it('a round reads the sessions and workstations of all its sockets in one query each (unknown ids are left out)', async () => {
    const claims = [agent, agent2, nurse].map((c) => JSON.parse(Buffer.from(c.token.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string; wid: string });
    const sessions = await t.hub.store.read((r) => r.getSessions([...claims.map((c) => c.sid), 'no-such-session']));
    expect(sessions.map((s) => s.id).sort()).toEqual(claims.map((c) => c.sid).sort());
    for (const s of sessions) expect(s).toEqual(await t.hub.store.read((r) => r.getSession(s.id)));
    const workstations = await t.hub.store.read((r) => r.getWorkstations([...claims.map((c) => c.wid), 'no-such-workstation']));
    expect(workstations.map((w) => w.id).sort()).toEqual(claims.map((c) => c.wid).sort());
    for (const w of workstations) expect(w).toEqual(await t.hub.store.read((r) => r.getWorkstation(w.id)));
    expect(await t.hub.store.read((r) => r.getSessions([]))).toEqual([]);
  });

  it('a plain HTTP GET to the socket route is a clean 426, not a crash', async () => {
    const r = await fetch(`${t.url}/sync/ws`);
    expect(r.status).toBe(426);
    expect(await r.json()).toMatchObject({ ok: false, error: { code: 'request.upgrade_required' } });
  });
});

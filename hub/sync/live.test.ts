import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { newId, startHub, type TestClient, type TestHub } from '../testing/harness';
import { sleep, WsProbe, wsUrl } from '../testing/ws-client';

/** docs/sync.md §10: a socket that follows its cursor gets the pull page itself, not just a poke. */
describe('WebSocket live tail (follow → changes)', () => {
  let t: TestHub;
  let agent: TestClient;
  let supervisor: TestClient;
  const probes: WsProbe[] = [];
  const open = async (token: string) => {
    const p = new WsProbe(wsUrl(t.url, token));
    probes.push(p);
    await p.opened;
    await p.until(() => p.of('hello').length === 1);
    return p;
  };
  const liveAudits = async () =>
    (await t.hub.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'sync.pull' && (a.detail as { via?: string } | null)?.via === 'live');

  beforeAll(async () => {
    t = await startHub();
    [agent, supervisor] = await t.signInAll(['agent', 'supervisor']);
  });
  afterAll(async () => {
    for (const p of probes) p.close();
    await t.close();
  });

  it('sends a follower exactly the page a pull from its cursor answers, audited as its read; a non-follower still gets a poke', async () => {
    await agent.pullAll(0);
    const follower = await open(agent.token);
    const poked = await open(agent.token);
    follower.send({ type: 'follow', cursor: agent.cursor, hubId: t.hub.hubId });
    await sleep(50);
    const from = agent.cursor;
    const before = (await liveAudits()).length;

    const note = await supervisor.mutate('note.add', { conversationId: 'v-li-call', noteId: newId(), body: '请回电确认' });
    const seq = (note as { result: { seq: number } }).result.seq;
    await follower.until(() => follower.of('changes').length === 1);
    await poked.until(() => poked.of('poke').some((f) => f.seq === seq));
    expect(follower.of('poke')).toHaveLength(0);

    const frame = follower.of('changes')[0]!;
    const pulled = (await agent.pull(from)).body as { value: { changes: unknown[]; cursor: number; hubId: string; hasMore: boolean } };
    expect(frame).toEqual({ type: 'changes', from, hubId: t.hub.hubId, changes: pulled.value.changes, cursor: pulled.value.cursor });
    expect(frame.changes.some((c) => c.entity === 'note')).toBe(true);
    // Audited like a pull, before it was sent: who, which workstation, which range.
    const audits = (await liveAudits()).slice(before);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ userId: agent.userId, workstationId: agent.workstationId, objectId: `${from}..${frame.cursor}` });

    // The hub now counts the follower at the frame's cursor: the next change follows on from it.
    await supervisor.mutate('note.add', { conversationId: 'v-li-call', noteId: newId(), body: '第二条' });
    await follower.until(() => follower.of('changes').length === 2);
    expect(follower.of('changes')[1]!.from).toBe(frame.cursor);
  });

  it('one user\'s workstations sent the same page share one audited read that names them all', async () => {
    const [w1, w2] = [await t.signIn('agent', 'ws-live-a'), await t.signIn('agent', 'ws-live-b')];
    const head = (await w1.pullAll(0)).at(-1)!.seq;
    const [p1, p2] = [await open(w1.token), await open(w2.token)];
    for (const p of [p1, p2]) p.send({ type: 'follow', cursor: head, hubId: t.hub.hubId });
    await sleep(50);
    const before = (await liveAudits()).length;
    await supervisor.mutate('note.add', { conversationId: 'v-li-call', noteId: newId(), body: '两台都收到' });
    await Promise.all([p1, p2].map((p) => p.until(() => p.of('changes').some((f) => f.from === head))));
    const audits = (await liveAudits()).slice(before);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ userId: w1.userId, workstationId: null });
    // (the first test's follower, on the agent's own workstation, is still open and served in the same round)
    const named = (audits[0]!.detail as { workstations: string[] }).workstations;
    expect(named).toEqual(expect.arrayContaining([w1.workstationId, w2.workstationId]));
    expect(new Set(named).size).toBe(named.length);
  });

  it('changes outside the follower\'s scope send nothing; a follow for another hub gets pokes only', async () => {
    const p = await open(agent.token);
    const head = (await agent.pullAll()).at(-1)?.seq ?? agent.cursor;
    p.send({ type: 'follow', cursor: head, hubId: 'another-hub' });
    await sleep(50);
    await supervisor.mutate('note.add', { conversationId: 'v-chen-glucose', noteId: newId(), body: '不在坐席范围' });
    const note = await supervisor.mutate('note.add', { conversationId: 'v-li-call', noteId: newId(), body: '在范围内' });
    const seq = (note as { result: { seq: number } }).result.seq;
    await p.until(() => p.of('poke').some((f) => f.seq === seq));
    expect(p.of('changes')).toHaveLength(0);
  });

  it('a backlog larger than one live frame is a poke: the client pulls it in pages', async () => {
    const p = await open(agent.token);
    await agent.pullAll();
    const behind = agent.cursor;
    // More changes than one frame carries pile up behind the cursor this socket will follow from.
    for (let i = 0; i < 3; i++) {
      await agent.push(Array.from({ length: Math.ceil(SYNC_LIMITS.liveFrameChanges / 2) }, () => ({ type: 'note.add', args: { conversationId: 'v-li-call', noteId: newId(), body: '批量' } })));
    }
    p.send({ type: 'follow', cursor: behind, hubId: t.hub.hubId });
    await sleep(50);
    const note = await supervisor.mutate('note.add', { conversationId: 'v-li-call', noteId: newId(), body: '最后一条' });
    const seq = (note as { result: { seq: number } }).result.seq;
    await p.until(() => p.of('poke').some((f) => f.seq === seq));
    expect(p.of('changes')).toHaveLength(0);
  });

  it('a malformed follow frame gets an error and the socket stays usable', async () => {
    const p = await open(agent.token);
    p.send({ type: 'follow', cursor: -1, hubId: t.hub.hubId });
    p.send({ type: 'follow', cursor: 'x' });
    await p.until(() => p.of('error').length === 2);
    p.send({ type: 'ping' });
    await p.until(() => p.of('pong').length === 1);
    expect(p.closed).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canSee } from '../../shared/sync/rules';
import type { ScopeRevokeData } from '../../shared/sync/entities';
import { openSqliteStore } from '../store/sqlite/store';
import { newId, startHub, value, type TestClient, type TestHub } from '../testing/harness';

const AGENT_CONVS = ['v-huang-en', 'v-li-call', 'v-liu-report', 'v-zhang-appt', 'v-zhao-fever', 'v-zheng-optout'];
const NURSE_CONVS = ['v-chen-glucose', 'v-sun-inr', 'v-wang-bp', 'v-wu-gdm'];

function ids(changes: { entity: string; id: string }[], entity: string): string[] {
  return [...new Set(changes.filter((c) => c.entity === entity).map((c) => c.id))].sort();
}

describe('scope: a user receives only what they may see', () => {
  let t: TestHub;
  let agent: TestClient;
  let agent2: TestClient;
  let nurse: TestClient;
  let supervisor: TestClient;

  beforeAll(async () => {
    t = await startHub();
    [agent, agent2, nurse, supervisor] = await t.signInAll(['agent', 'agent2', 'nurse', 'supervisor']);
  });
  afterAll(() => t.close());

  it('an agent pulls its assigned conversations and its team queue, nothing else', async () => {
    const changes = await agent.pullAll(0);
    expect(ids(changes, 'conversation')).toEqual(AGENT_CONVS);
    const convOf = (c: { data: unknown }) => (c.data as { conversationId: string }).conversationId;
    expect(new Set(changes.filter((c) => c.entity === 'message').map(convOf))).toEqual(new Set(AGENT_CONVS));
    // Contacts only of those conversations; device readings of other patients never.
    expect(ids(changes, 'contact')).toEqual(['c-he', 'c-huang', 'c-li', 'c-liu', 'c-zhang', 'c-zhao', 'c-zheng'].filter((c) => c !== 'c-he').sort());
    expect(ids(changes, 'device_reading')).toEqual([]);
    // Directory, knowledge and rules are for everyone.
    expect(ids(changes, 'user')).toHaveLength(5);
    expect(ids(changes, 'knowledge_item')).toEqual(['k-bp-home', 'k-hypo']);
    expect(ids(changes, 'rule')).toEqual(['rule-device-urgent']);
    expect(changes.some((c) => JSON.stringify(c.data).includes('陈志强'))).toBe(false);
  });

  it('a nurse sees her team; a supervisor sees both teams', async () => {
    const n = await nurse.pullAll(0);
    expect(ids(n, 'conversation')).toEqual(NURSE_CONVS);
    expect(ids(n, 'device_reading')).toEqual(['r-chen-1', 'r-chen-2', 'r-chen-3', 'r-wang-1']);
    const s = await supervisor.pullAll(0);
    expect(ids(s, 'conversation')).toHaveLength(12);
  });

  it('an agent cannot push outside its scope: every kind of mutation is rejected and nothing changes', async () => {
    const before = await t.hub.store.read(async (r) => ({ conv: await r.getConversation('v-chen-glucose'), contact: await r.getContact('c-chen'), notes: await r.notesOf('v-chen-glucose'), msgs: await r.messagesOf('v-chen-glucose'), head: await r.headSeq() }));
    const tries = [
      { type: 'message.send', args: { conversationId: 'v-chen-glucose', messageId: newId(), body: '越权回复' } },
      { type: 'note.add', args: { conversationId: 'v-chen-glucose', noteId: newId(), body: '越权备注' } },
      { type: 'conversation.setStatus', args: { conversationId: 'v-chen-glucose', status: 'resolved' } },
      { type: 'conversation.setPriority', args: { conversationId: 'v-chen-glucose', priority: 'low' } },
      { type: 'conversation.setTags', args: { conversationId: 'v-chen-glucose', tags: ['x'] } },
      { type: 'conversation.markRead', args: { conversationId: 'v-chen-glucose' } },
      { type: 'conversation.assign', args: { conversationId: 'v-chen-glucose', assigneeId: 'u-agent' } },
      { type: 'contact.updateProfile', args: { contactId: 'c-chen', patch: { displayName: '改名' } } },
      { type: 'message.recall', args: { messageId: 'v-chen-glucose-m0' } },
      // agent2's own conversation in the same team is also out of reach
      { type: 'conversation.assign', args: { conversationId: 'v-zhou-postop', assigneeId: 'u-agent' } },
    ];
    const res = value(await agent.push(tries));
    expect(res.results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(tries.map(() => 'sync.not_found'));
    const after = await t.hub.store.read(async (r) => ({ conv: await r.getConversation('v-chen-glucose'), contact: await r.getContact('c-chen'), notes: await r.notesOf('v-chen-glucose'), msgs: await r.messagesOf('v-chen-glucose'), head: await r.headSeq() }));
    expect(after).toEqual(before);
  });

  it('a newly assigned conversation arrives whole (history and notes from before), and the previous assignee gets a revoke', async () => {
    await agent.pullAll();
    await agent2.pullAll(0);
    // agent2 writes a note on its conversation before it is reassigned
    expect((await agent2.mutate('note.add', { conversationId: 'v-zhou-postop', noteId: newId(), body: '术后第3天，伤口无渗液' })).status).toBe('applied');
    const r = await supervisor.mutate('conversation.assign', { conversationId: 'v-zhou-postop', assigneeId: 'u-agent' });
    expect(r.status).toBe('applied');

    const got = await agent.pullAll();
    expect(ids(got, 'conversation')).toEqual(['v-zhou-postop']);
    expect(ids(got, 'contact')).toEqual(['c-zhou']);
    expect(ids(got, 'contact_identity')).toEqual(['c-zhou-id0']);
    expect(ids(got, 'message')).toEqual(['v-zhou-postop-m0', 'v-zhou-postop-m1']);
    // (rows may arrive more than once — the original and the scope-refresh copy — clients upsert by id)
    expect(new Set(got.filter((c) => c.entity === 'note').map((c) => (c.data as { body: string }).body))).toEqual(new Set(['术后第3天，伤口无渗液']));
    const conv = got.filter((c) => c.entity === 'conversation').at(-1)!;
    expect(conv.data).toMatchObject({ assigneeId: 'u-agent' });
    expect(conv.prev).toEqual({ assigneeId: 'u-agent2' });

    const lost = await agent2.pullAll();
    const revokes = lost.filter((c) => c.entity === 'scope');
    expect(revokes).toEqual([{ seq: expect.any(Number), entity: 'scope', id: 'v-zhou-postop', op: 'revoke', data: { conversationId: 'v-zhou-postop', contactId: 'c-zhou', keepContact: false } satisfies ScopeRevokeData }]);
    // ...and no patient rows of it any more
    expect(lost.filter((c) => c.entity !== 'scope' && JSON.stringify(c.data).includes('v-zhou-postop'))).toEqual([]);
    // agent2 can no longer write to it
    expect(await agent2.mutate('note.add', { conversationId: 'v-zhou-postop', noteId: newId(), body: 'x' })).toMatchObject({ status: 'rejected', code: 'sync.not_found' });
  });

  it('claiming a queue conversation revokes it for teammates; returning it to the queue gives it back', async () => {
    await agent2.pullAll();
    expect((await agent.mutate('conversation.assign', { conversationId: 'v-liu-report', assigneeId: 'u-agent' })).status).toBe('applied');
    const lost = await agent2.pullAll();
    expect(lost.filter((c) => c.entity === 'scope').map((c) => c.id)).toEqual(['v-liu-report']);
    expect((await agent.mutate('conversation.assign', { conversationId: 'v-liu-report', assigneeId: null })).status).toBe('applied');
    const back = await agent2.pullAll();
    expect(ids(back, 'conversation')).toEqual(['v-liu-report']);
    expect(ids(back, 'message')).toEqual(['v-liu-report-m0']);
  });

  it('assignment rules: outside the team rejected; team moves only by supervisors', async () => {
    expect(await agent.mutate('conversation.assign', { conversationId: 'v-zhang-appt', assigneeId: 'u-nurse' })).toMatchObject({ status: 'rejected', code: 'sync.assignee_not_in_team' });
    expect(await agent.mutate('conversation.assign', { conversationId: 'v-zhang-appt', assigneeId: 'u-nope' })).toMatchObject({ status: 'rejected', code: 'sync.assignee_not_in_team' });
    expect(await agent.mutate('conversation.assign', { conversationId: 'v-zhang-appt', assigneeId: 'u-nurse', teamId: 't-chronic' })).toMatchObject({ status: 'rejected', code: 'sync.forbidden' });
    expect(await supervisor.mutate('conversation.assign', { conversationId: 'v-zhang-appt', assigneeId: 'u-nurse', teamId: 't-nope' })).toMatchObject({ status: 'rejected', code: 'sync.unknown_team' });
    await nurse.pullAll();
    await agent.pullAll();
    expect(await supervisor.mutate('conversation.assign', { conversationId: 'v-zhang-appt', assigneeId: 'u-nurse', teamId: 't-chronic' })).toMatchObject({ status: 'applied' });
    expect(ids(await nurse.pullAll(), 'conversation')).toEqual(['v-zhang-appt']);
    expect((await agent.pullAll()).filter((c) => c.entity === 'scope').map((c) => c.id)).toEqual(['v-zhang-appt']);
  });
});

describe('scope SQL agrees with canSee', () => {
  it('for random teams, users and conversations', async () => {
    const roles = ['agent', 'nurse', 'supervisor', 'admin'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ role: fc.constantFrom(...roles), teams: fc.subarray(['t1', 't2', 't3']) }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.record({ team: fc.option(fc.constantFrom('t1', 't2', 't3'), { nil: null }), assignee: fc.option(fc.nat(4), { nil: null }) }), { maxLength: 12 }),
        async (users, convs) => {
          const store = openSqliteStore({ path: ':memory:' });
          try {
            const convRows = await store.write(async (tx) => {
              for (const t of ['t1', 't2', 't3']) await tx.insertTeam({ id: t, name: t, createdAt: 0 });
              for (const [i, u] of users.entries()) {
                await tx.insertUser({ id: `u${i}`, username: `u${i}`, displayName: 'x', role: u.role, passwordHash: 'x', disabled: false, failedAttempts: 0, lockedUntil: null, createdAt: 0, updatedAt: 0 });
                await tx.setTeamMembers(`u${i}`, u.teams);
              }
              await tx.insertContact({ id: 'c', displayName: 'x', sex: 'unknown', birthYear: null, preferredChannel: null, conditions: [], medicines: [], allergies: [], createdAt: 0, updatedAt: 0 });
              const rows = convs.map((c, i) => ({
                id: `v${i}`,
                contactId: 'c',
                channel: 'sms' as const,
                subject: null,
                status: 'open' as const,
                priority: 'normal' as const,
                assigneeId: c.assignee !== null && c.assignee < users.length ? `u${c.assignee}` : null,
                teamId: c.team,
                tags: [],
                unreadCount: 0,
                lastMessageAt: 0,
                lastMessagePreview: '',
                createdAt: 0,
                updatedAt: 0,
              }));
              for (const r of rows) await tx.insertConversation(r);
              return rows;
            });
            for (const [i, u] of users.entries()) {
              const sqlIds = await store.read((r) => r.visibleConversationIds({ userId: `u${i}`, supervisor: u.role === 'supervisor' || u.role === 'admin' }));
              const tsIds = convRows.filter((c) => canSee({ id: `u${i}`, role: u.role, teamIds: u.teams }, c)).map((c) => c.id).sort();
              expect(sqlIds).toEqual(tsIds);
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

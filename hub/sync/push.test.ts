import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_LIMITS } from '../../shared/sync/limits';
import { newId, startHub, value, errorCode, type TestClient, type TestHub } from '../testing/harness';

describe('push: each mutation applied exactly once, by the written rules', () => {
  let t: TestHub;
  let agent: TestClient;
  let agent2: TestClient;
  let supervisor: TestClient;

  beforeAll(async () => {
    t = await startHub();
    [agent, agent2, supervisor] = await t.signInAll(['agent', 'agent2', 'supervisor']);
  });
  afterAll(() => t.close());

  const messages = (conv: string) => t.hub.store.read((r) => r.messagesOf(conv));
  const conversation = async (id: string) => (await t.hub.store.read((r) => r.getConversation(id)))!;

  it('message.send is idempotent: a replay gets the same answer and nothing is applied twice', async () => {
    await agent.pullAll(0);
    const id = newId();
    const messageId = newId();
    const args = { conversationId: 'v-zhang-appt', messageId, body: '您好，已为您预约周三上午的复诊。' };
    const first = await agent.mutate('message.send', args, id);
    expect(first).toMatchObject({ id, status: 'applied', result: { messageId, conversationStatus: 'open', acceptedAt: t.clock.now() } });
    t.clock.advance(60_000);
    const again = await agent.mutate('message.send', args, id);
    expect(again).toEqual(first);
    expect((await messages('v-zhang-appt')).filter((m) => m.id === messageId)).toHaveLength(1);
    expect(await t.hub.store.read((r) => r.getMutation(id))).toMatchObject({ status: 'applied', userId: 'u-agent' });

    const pulled = await agent.pullAll();
    const versions = pulled.filter((c) => c.entity === 'message').map((c) => c.data as { id: string; deliveryStatus: string });
    // One message. The channel may already have taken it (a second version, 'sent') by the time of the pull.
    expect(new Set(versions.map((v) => v.id))).toEqual(new Set([messageId]));
    expect(versions[0]).toEqual(expect.objectContaining({ id: messageId, direction: 'outbound', authorId: 'u-agent', body: args.body, deliveryStatus: 'queued', recalledAt: null }));
    if (versions.length > 1) expect(versions.at(-1)!.deliveryStatus).toBe('sent');
    expect(pulled.find((c) => c.entity === 'conversation')?.data).toMatchObject({ lastMessagePreview: args.body });
  });

  it('the same mutation id with other content, or from another user, is refused and changes nothing', async () => {
    const id = newId();
    await agent.mutate('note.add', { conversationId: 'v-zhang-appt', noteId: newId(), body: 'first' }, id);
    expect(await agent.mutate('note.add', { conversationId: 'v-zhang-appt', noteId: newId(), body: 'different' }, id)).toMatchObject({ status: 'rejected', code: 'sync.mutation_id_conflict' });
    expect(await supervisor.mutate('note.add', { conversationId: 'v-zhang-appt', noteId: newId(), body: 'first' }, id)).toMatchObject({ status: 'rejected', code: 'sync.mutation_id_conflict' });
    const notes = await t.hub.store.read((r) => r.notesOf('v-zhang-appt'));
    expect(notes.map((n) => n.body)).toEqual(['first']);
  });

  it('a reply to a resolved conversation reopens it; the log keeps the previous status', async () => {
    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-li-call', status: 'resolved' })).toMatchObject({ status: 'applied', result: { changed: true, prev: { status: 'pending' } } });
    await agent.pullAll();
    const r = await agent.mutate('message.send', { conversationId: 'v-li-call', messageId: newId(), body: '回拨未接通，稍后再试。' });
    expect(r).toMatchObject({ status: 'applied', result: { conversationStatus: 'open' } });
    expect((await conversation('v-li-call')).status).toBe('open');
    const conv = (await agent.pullAll()).filter((c) => c.entity === 'conversation').at(-1)!;
    expect(conv.data).toMatchObject({ status: 'open' });
    expect(conv.prev).toEqual({ status: 'resolved' });
  });

  it('status transitions follow the table; a remembered rejection stays rejected on replay', async () => {
    await agent.mutate('conversation.setStatus', { conversationId: 'v-zhao-fever', status: 'resolved' });
    const id = newId();
    const bad = await agent.mutate('conversation.setStatus', { conversationId: 'v-zhao-fever', status: 'pending' }, id);
    expect(bad).toMatchObject({ status: 'rejected', code: 'sync.invalid_transition' });
    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-zhao-fever', status: 'open' })).toMatchObject({ status: 'applied' });
    // Now 'pending' would be allowed, but the replay of the decided mutation answers as before.
    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-zhao-fever', status: 'pending' }, id)).toEqual(bad);
    expect((await conversation('v-zhao-fever')).status).toBe('open');
    // Same status again: applied, nothing written.
    expect(await agent.mutate('conversation.setStatus', { conversationId: 'v-zhao-fever', status: 'open' })).toMatchObject({ status: 'applied', result: { seq: 0, changed: false } });
  });

  it('priority and tags are last-writer-wins in hub order, not client time; prev values are kept', async () => {
    await agent.pullAll();
    // The supervisor acted later on the clock but reaches the hub first.
    await supervisor.push([{ type: 'conversation.setPriority', args: { conversationId: 'v-zhang-appt', priority: 'urgent' }, clientTime: 2_000 }]);
    await agent.push([{ type: 'conversation.setPriority', args: { conversationId: 'v-zhang-appt', priority: 'low' }, clientTime: 1_000 }]);
    expect((await conversation('v-zhang-appt')).priority).toBe('low');
    const log = (await agent.pullAll()).filter((c) => c.entity === 'conversation' && c.id === 'v-zhang-appt');
    expect(log.map((c) => [(c.data as { priority: string }).priority, c.prev])).toEqual([
      ['urgent', { priority: 'normal' }],
      ['low', { priority: 'urgent' }],
    ]);

    expect(await agent.mutate('conversation.setTags', { conversationId: 'v-zhang-appt', tags: ['复诊', '复诊', ' 预约 '] })).toMatchObject({ status: 'applied', result: { prev: { tags: ['预约改期'] } } });
    expect((await conversation('v-zhang-appt')).tags).toEqual(['复诊', '预约']);
  });

  it('markRead clears the unread count', async () => {
    expect((await conversation('v-liu-report')).unreadCount).toBeGreaterThan(0);
    expect(await agent.mutate('conversation.markRead', { conversationId: 'v-liu-report' })).toMatchObject({ status: 'applied', result: { changed: true } });
    expect((await conversation('v-liu-report')).unreadCount).toBe(0);
  });

  it('contact profile edits keep history (who, when, what it replaced)', async () => {
    await agent.pullAll();
    const id = newId();
    const r = await agent.mutate('contact.updateProfile', { contactId: 'c-zhang', patch: { allergies: ['头孢'], birthYear: 1991 } }, id);
    expect(r.status).toBe('applied');
    const contact = await t.hub.store.read((x) => x.getContact('c-zhang'));
    expect(contact).toMatchObject({ allergies: ['头孢'], birthYear: 1991 });
    const history = await t.hub.store.read((x) => x.contactHistory('c-zhang'));
    expect(history).toEqual([
      expect.objectContaining({ userId: 'u-agent', workstationId: 'ws-agent', mutationId: id, before: { allergies: [], birthYear: 1990 }, after: { allergies: ['头孢'], birthYear: 1991 }, changedAt: t.clock.now() }),
    ]);
    const change = (await agent.pullAll()).find((c) => c.entity === 'contact')!;
    expect(change.prev).toEqual({ allergies: [], birthYear: 1990 });
  });

  it('a withdrawn consent blocks sending on that channel (notes still allowed)', async () => {
    expect(await agent.mutate('message.send', { conversationId: 'v-zheng-optout', messageId: newId(), body: '提醒复诊' })).toMatchObject({ status: 'rejected', code: 'sync.consent_withdrawn' });
    expect(await agent.mutate('note.add', { conversationId: 'v-zheng-optout', noteId: newId(), body: '患者已退订短信' })).toMatchObject({ status: 'applied' });
  });

  it('a message id can be used only once; messages and notes are append-only', async () => {
    const messageId = newId();
    expect((await agent.mutate('message.send', { conversationId: 'v-zhang-appt', messageId, body: 'a' })).status).toBe('applied');
    expect(await agent.mutate('message.send', { conversationId: 'v-zhang-appt', messageId, body: 'b' })).toMatchObject({ status: 'rejected', code: 'sync.id_conflict' });
    expect((await messages('v-zhang-appt')).find((m) => m.id === messageId)?.body).toBe('a');
  });

  it('a batch is applied in order, one answer per mutation; a duplicate id inside it is a replay', async () => {
    const dup = newId();
    const res = value(
      await agent.push([
        { id: dup, type: 'conversation.setStatus', args: { conversationId: 'v-huang-en', status: 'pending' } },
        { type: 'conversation.setStatus', args: { conversationId: 'v-huang-en', status: 'resolved' } },
        { type: 'conversation.setStatus', args: { conversationId: 'v-huang-en', status: 'pending' } },
        { id: dup, type: 'conversation.setStatus', args: { conversationId: 'v-huang-en', status: 'pending' } },
      ]),
    );
    expect(res.results.map((r) => (r.status === 'applied' ? 'applied' : r.code))).toEqual(['applied', 'applied', 'sync.invalid_transition', 'applied']);
    expect(res.results[3]).toEqual(res.results[0]);
    expect((await conversation('v-huang-en')).status).toBe('resolved');
  });

  it('a batch with an unknown type or bad args is refused whole, before anything is applied', async () => {
    const noteId = newId();
    const head = await t.hub.store.read((r) => r.headSeq());
    const unknown = await agent.push([
      { type: 'note.add', args: { conversationId: 'v-zhang-appt', noteId, body: 'ok' } },
      { type: 'conversation.delete', args: { conversationId: 'v-zhang-appt' } },
    ]);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'sync.unknown_mutation', details: { index: 1 } } });
    const badArgs = await agent.push([
      { type: 'note.add', args: { conversationId: 'v-zhang-appt', noteId, body: 'ok' } },
      { type: 'message.send', args: { conversationId: 'v-zhang-appt', messageId: 'not-a-ulid', body: 'x' } },
    ]);
    expect(badArgs.status).toBe(400);
    expect(badArgs.body).toMatchObject({ ok: false, error: { code: 'sync.bad_request', details: { index: 1 } } });
    const badId = await agent.req('POST', '/sync/push', { mutations: [{ id: 'x', type: 'note.add', args: {}, clientTime: 0 }] });
    expect(errorCode(badId)).toBe('sync.bad_request');
    expect(await t.hub.store.read((r) => r.getNote(noteId))).toBeNull();
    expect(await t.hub.store.read((r) => r.headSeq())).toBe(head);
  });

  it('oversized batches are refused with 413 sync.batch_too_large', async () => {
    const many = Array.from({ length: SYNC_LIMITS.maxMutationsPerPush + 1 }, () => ({ type: 'conversation.markRead', args: { conversationId: 'v-zhang-appt' } }));
    const tooMany = await agent.push(many);
    expect([tooMany.status, errorCode(tooMany)]).toEqual([413, 'sync.batch_too_large']);
    const big = await agent.push([{ type: 'note.add', args: { conversationId: 'v-zhang-appt', noteId: newId(), body: 'x'.repeat(SYNC_LIMITS.maxBodyBytes) } }]);
    expect([big.status, errorCode(big)]).toEqual([413, 'sync.batch_too_large']);
    // ... and the connection and the hub go on working
    expect((await agent.mutate('conversation.markRead', { conversationId: 'v-zhang-appt' })).status).toBe('applied');
  });

  it('out-of-order mutations are judged in hub order: a recall before its send is refused, and stays refused', async () => {
    const messageId = newId();
    const batch = [
      { id: newId(), type: 'message.recall', args: { messageId }, clientTime: 2 },
      { id: newId(), type: 'message.send', args: { conversationId: 'v-zhang-appt', messageId, body: 'x' }, clientTime: 1 },
    ];
    const first = value(await agent.push(batch));
    expect(first.results.map((r) => (r.status === 'applied' ? 'applied' : r.code))).toEqual(['sync.not_found', 'applied']);
    expect(value(await agent.push(batch))).toEqual(first);
    expect((await messages('v-zhang-appt')).find((m) => m.id === messageId)?.recalledAt).toBeNull();
  });

  it('concurrent pushes from several workstations: each applied once, one total order, last in hub order wins', async () => {
    const priorities = ['urgent', 'high', 'normal', 'low'] as const;
    const jobs = Array.from({ length: 24 }, (_, i) => ({ who: i % 2 ? agent : supervisor, priority: priorities[i % 4]!, messageId: newId() }));
    const answers = await Promise.all(
      jobs.map(async (j) => {
        const r = value(
          await j.who.push([
            { type: 'message.send', args: { conversationId: 'v-li-call', messageId: j.messageId, body: `并发 ${j.messageId}` } },
            { type: 'conversation.setPriority', args: { conversationId: 'v-li-call', priority: j.priority } },
          ]),
        );
        return { j, r };
      }),
    );
    const applied = answers.flatMap((a) => a.r.results).filter((r) => r.status === 'applied');
    expect(applied).toHaveLength(48);
    const msgs = await messages('v-li-call');
    for (const j of jobs) expect(msgs.filter((m) => m.id === j.messageId)).toHaveLength(1);
    // The priority that stuck is the one written last in the change log.
    const log = (await supervisor.pullAll(0)).filter((c) => c.entity === 'conversation' && c.id === 'v-li-call');
    expect((await conversation('v-li-call')).priority).toBe((log.at(-1)!.data as { priority: string }).priority);
    const seqs = log.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('agents of the same team do not see each other’s assigned work', async () => {
    expect(await agent2.mutate('note.add', { conversationId: 'v-zhang-appt', noteId: newId(), body: 'x' })).toMatchObject({ status: 'rejected', code: 'sync.not_found' });
  });

  it('contact.revealIdentifier: an audit record at the hub for a patient in scope (once per mutation id), refused outside scope', async () => {
    const audits = async () => (await t.hub.store.read((r) => r.auditPage(0, 100_000))).filter((a) => a.action === 'contact.revealIdentifier');
    const before = (await audits()).length;
    const id = newId();
    const ok = await agent.mutate('contact.revealIdentifier', { identityId: 'c-li-id0', reason: '回拨患者' }, id);
    expect(ok).toMatchObject({ id, status: 'applied', result: { seq: 0 } });
    expect(await agent.mutate('contact.revealIdentifier', { identityId: 'c-li-id0', reason: '回拨患者' }, id)).toEqual(ok);
    const mine = (await audits()).slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ userId: 'u-agent', objectType: 'contact_identity', objectId: 'c-li-id0', outcome: 'ok', detail: { contactId: 'c-li', channel: 'phone', reason: '回拨患者', mutationId: id } });
    // The identifier's value is never in the audit trail.
    expect(JSON.stringify(mine[0])).not.toContain('13800000002');
    // 王秀英 is a chronic-care patient of the nurses' team: not the agent's to see.
    const refused = await agent.mutate('contact.revealIdentifier', { identityId: 'c-wang-id1' });
    expect(refused).toMatchObject({ status: 'rejected', code: 'sync.not_found' });
    expect((await audits()).slice(before)).toEqual([mine[0], expect.objectContaining({ objectType: 'mutation', outcome: 'rejected' })]);
  });
});

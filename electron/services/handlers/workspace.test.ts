import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createWorkstation, type Workstation } from '../workstation';
import { createStaticKeyStore } from '../replica/keystore';
import { contract } from '../../../shared/contract';
import { createClient } from '../../../shared/contract/client';
import { tempDir } from '../../../tests/support/tmp';

const demoDataPath = fileURLToPath(new URL('../../../resources/demo/demo.json', import.meta.url));

/** The agent workspace's services over a real encrypted replica with the demo clinic. */
describe('workspace handlers', () => {
  let ws: Workstation | undefined;
  let cleanup = () => {};
  let clock = 1_800_000_000_000;
  afterEach(async () => {
    await ws?.close();
    ws = undefined;
    cleanup();
  });

  async function start() {
    const t = tempDir();
    cleanup = t.cleanup;
    clock = 1_800_000_000_000;
    ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl: null, demoDataPath, now: () => clock });
    const client = createClient(contract, { invoke: ws.dispatch });
    const ok = async <T,>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> => {
      const r = await p;
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value;
    };
    return { client, ok, ws };
  }

  const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

  it('searches offline in Chinese with 1–2 characters, longer phrases exactly, and English by prefix', async () => {
    const { client, ok } = await start();
    const q = async (query: string) => ids((await ok(client.conversations.list({ filter: { query } }))).items);
    expect(await q('医保')).toEqual(expect.arrayContaining(['v-he-insurance']));
    expect(await q('烧')).toEqual(expect.arrayContaining(['v-zhao-fever']));
    expect(await q('华法林')).toEqual(['v-sun-inr']);
    // Bigrams of 华法 + 法林 apart must not match a 3-character phrase.
    expect(await q('林华法')).toEqual([]);
    expect(await q('王秀英')).toEqual(['v-wang-bp']); // a contact name finds their conversations
    expect(await q('refi')).toEqual(['v-huang-en']);
    expect(await q('"); DROP TABLE messages; --')).toEqual([]);
    // New replies are searchable at once.
    await ok(client.messages.queueReply({ conversationId: 'v-li-call', body: '已为您预约心内科复诊' }));
    expect(await q('复诊')).toContain('v-li-call');
  });

  it('filters mine, unassigned, my team and by tag', async () => {
    const { client, ok } = await start();
    const list = async (filter: Parameters<typeof client.conversations.list>[0] extends infer P ? (P extends { filter?: infer F } ? F : never) : never) => (await ok(client.conversations.list({ filter }))).items;
    const mine = await list({ assignee: 'me' });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((c) => c.assigneeId === 'u-demo-agent' && c.assigneeName === '演示坐席 Demo agent')).toBe(true);
    expect((await list({ assignee: 'unassigned' })).every((c) => c.assigneeId === null)).toBe(true);
    expect((await list({ assignee: 'team' })).every((c) => c.teamId === 't-outpatient')).toBe(true);
    expect(ids(await list({ tag: '低血糖' }))).toEqual(['v-chen-glucose']);
    const all = await ok(client.conversations.list({}));
    expect(all.tags).toContain('设备告警');
    expect(all.items.find((c) => c.id === 'v-chen-glucose')?.slaDueAt).toBeGreaterThan(0);
  });

  it('keeps drafts per conversation and mode in the replica', async () => {
    const { client, ok } = await start();
    await ok(client.drafts.save({ conversationId: 'v-wang-bp', mode: 'reply', body: '王阿姨您好，' }));
    await ok(client.drafts.save({ conversationId: 'v-wang-bp', mode: 'note', body: '需要转心内科' }));
    expect((await ok(client.drafts.get({ conversationId: 'v-wang-bp', mode: 'reply' }))).body).toBe('王阿姨您好，');
    expect((await ok(client.drafts.get({ conversationId: 'v-wang-bp', mode: 'note' }))).body).toBe('需要转心内科');
    expect(await ok(client.drafts.save({ conversationId: 'v-wang-bp', mode: 'reply', body: '  ' }))).toEqual({ saved: false });
    expect((await ok(client.drafts.get({ conversationId: 'v-wang-bp', mode: 'reply' }))).body).toBe('');
  });

  it('writes notes, status, assignment and transfer into the timeline and the outbox together', async () => {
    const { client, ok, ws } = await start();
    await ok(client.notes.add({ conversationId: 'v-sun-inr', body: 'INR 3.8，已通知药师' }));
    clock += 1000;
    await ok(client.conversations.assign({ id: 'v-sun-inr', assigneeId: 'u-demo-agent' })); // from 林护士 → transfer
    clock += 1000;
    await ok(client.conversations.setStatus({ id: 'v-sun-inr', status: 'resolved' }));
    clock += 1000;
    await ok(client.conversations.setTags({ id: 'v-sun-inr', tags: ['抗凝', '抗凝', '药师'] }));
    expect(await client.conversations.setStatus({ id: 'v-sun-inr', status: 'snoozed' })).toMatchObject({ ok: false, error: { code: 'contract.bad_input' } });
    const tl = (await ok(client.conversations.timeline({ id: 'v-sun-inr' }))).items;
    expect(tl.filter((i) => i.type === 'note').map((i) => (i as { body: string }).body)).toEqual(['INR 3.8，已通知药师']);
    expect(tl.filter((i) => i.type === 'event').map((i) => (i as { kind: string }).kind)).toEqual(['transfer', 'status', 'tags']);
    const conv = await ok(client.conversations.get({ id: 'v-sun-inr' }));
    expect(conv).toMatchObject({ status: 'resolved', assigneeId: 'u-demo-agent', tags: ['抗凝', '药师'] });
    const kinds = (ws.replica.sqlite.prepare('SELECT kind FROM outbox ORDER BY id').all() as { kind: string }[]).map((r) => r.kind);
    expect(kinds).toEqual(['note.add', 'conversation.assign', 'conversation.setStatus', 'conversation.setTags']);
  });

  it('puts the patient’s device readings into the timeline in time order', async () => {
    const { client, ok } = await start();
    const tl = (await ok(client.conversations.timeline({ id: 'v-chen-glucose' }))).items;
    const readings = tl.filter((i) => i.type === 'reading');
    expect(readings.length).toBeGreaterThan(3);
    expect(tl.map((i) => i.at)).toEqual([...tl.map((i) => i.at)].sort((a, b) => a - b));
  });

  it('recalls a reply within 5 seconds: shredded, unsearchable, and a queued send never leaves', async () => {
    const { client, ok, ws } = await start();
    const m = await ok(client.messages.queueReply({ conversationId: 'v-zhang-appt', body: '发错了的内容ZX9' }));
    const tl = (await ok(client.conversations.timeline({ id: 'v-zhang-appt' }))).items;
    expect(tl.find((i) => i.id === m.id)).toMatchObject({ recallableUntil: m.createdAt + 5000 });
    clock += 4000;
    await ok(client.messages.recall({ id: m.id }));
    const row = ws.replica.sqlite.prepare('SELECT body, recalled_at FROM messages WHERE id = ?').get(m.id) as { body: string; recalled_at: number };
    expect(row).toEqual({ body: '', recalled_at: clock });
    expect(ws.replica.sqlite.prepare('SELECT count(*) AS n FROM outbox WHERE id = ?').get(m.id)).toEqual({ n: 0 });
    expect((await ok(client.conversations.list({ filter: { query: 'zx9' } }))).items).toEqual([]);
    // A reply that already left is recalled through the hub.
    const m2 = await ok(client.messages.queueReply({ conversationId: 'v-zhang-appt', body: '第二条' }));
    ws.replica.sqlite.prepare("UPDATE outbox SET state = 'sending' WHERE id = ?").run(m2.id);
    await ok(client.messages.recall({ id: m2.id }));
    expect(ws.replica.sqlite.prepare("SELECT kind FROM outbox WHERE kind = 'message.recall'").all()).toHaveLength(1);
    // After 5 seconds: refused with a clear code.
    const m3 = await ok(client.messages.queueReply({ conversationId: 'v-zhang-appt', body: '第三条' }));
    clock += 5001;
    expect(await client.messages.recall({ id: m3.id })).toMatchObject({ ok: false, error: { code: 'messages.recall_expired' } });
    expect(await client.messages.recall({ id: 'v-zhang-appt-m0' })).toMatchObject({ ok: false, error: { code: 'messages.recall_not_allowed' } });
  });

  it('cancels a queued reply that has not left, and refuses once it is sending', async () => {
    const { client, ok, ws } = await start();
    const before = await ok(client.conversations.get({ id: 'v-zhang-appt' }));
    const m = await ok(client.messages.queueReply({ conversationId: 'v-zhang-appt', body: '稍等' }));
    expect(await ok(client.conversations.get({ id: 'v-zhang-appt' }))).toMatchObject({ lastMessagePreview: '稍等' });
    await ok(client.messages.cancelQueued({ id: m.id }));
    expect(ws.replica.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE id = ?').get(m.id)).toEqual({ n: 0 });
    // The inbox line is the conversation's again, not the cancelled reply.
    expect(await ok(client.conversations.get({ id: 'v-zhang-appt' }))).toMatchObject({ lastMessagePreview: before.lastMessagePreview, lastMessageAt: before.lastMessageAt });
    const m2 = await ok(client.messages.queueReply({ conversationId: 'v-zhang-appt', body: '稍等2' }));
    ws.replica.sqlite.prepare("UPDATE outbox SET state = 'sending' WHERE id = ?").run(m2.id);
    expect(await client.messages.cancelQueued({ id: m2.id })).toMatchObject({ ok: false, error: { code: 'messages.already_sending' } });
  });

  it('masks identifiers, reveals one only with an audit record, and shows readings with thresholds', async () => {
    const { client, ok, ws } = await start();
    const p = await ok(client.contacts.get({ id: 'c-wang' }));
    const sms = p.identities.find((i) => i.channel === 'sms')!;
    expect(sms.masked).toBe('138****0001');
    expect(JSON.stringify(p)).not.toContain('13800000001');
    expect(p.thresholds.bp).toMatchObject({ high: 150 });
    expect(p.readings.some((r) => r.kind === 'bp' && r.value2 !== null)).toBe(true);
    expect(p.conversations.map((c) => c.id)).toContain('v-wang-bp');
    const before = (ws.replica.sqlite.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
    expect(await ok(client.contacts.revealIdentifier({ identityId: sms.id }))).toEqual({ identityId: sms.id, value: '+8613800000001' });
    const audit = ws.replica.sqlite.prepare('SELECT actor, action, object_id AS objectId FROM audit ORDER BY id DESC LIMIT 1').get();
    expect(audit).toEqual({ actor: 'u-demo-agent', action: 'identifier.reveal', objectId: sms.id });
    expect((ws.replica.sqlite.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n).toBe(before + 1);
    // No hub in the demo clinic: the audit copy for the hub is not queued (with a hub: tests/integration/sync.test.ts).
    expect(ws.replica.sqlite.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'contact.revealIdentifier'").get()).toEqual({ n: 0 });
  });

  it('fills canned replies for this patient and reports variables it cannot fill', async () => {
    const { client, ok } = await start();
    const r = await ok(client.canned.search({ query: '改', conversationId: 'v-zhang-appt' }));
    expect(r.items[0]).toMatchObject({ shortcut: '改约', missing: ['appointment_time'] });
    expect(r.items[0]!.body).toContain('张晓梅您好');
    expect(r.items[0]!.body).toContain('【appointment_time】');
    const all = await ok(client.canned.search({ query: '' }));
    expect(all.items.length).toBe(8);
  });

  it('lists colleagues and teams for transfer', async () => {
    const { client, ok } = await start();
    const u = await ok(client.users.list());
    expect(u.me).toMatchObject({ id: 'u-demo-agent', role: 'agent' });
    expect(u.teams.map((t) => t.name)).toContain('护理值班组');
    expect(u.users.length).toBe(4);
  });

  it('locks: everything but unlock is refused, a wrong password stays locked, drafts survive', async () => {
    const { client, ok } = await start();
    await ok(client.drafts.save({ conversationId: 'v-wang-bp', mode: 'reply', body: '未写完的回复' }));
    await ok(client.session.lock());
    expect(await client.conversations.list({})).toMatchObject({ ok: false, error: { code: 'session.locked' } });
    expect(await client.drafts.get({ conversationId: 'v-wang-bp', mode: 'reply' })).toMatchObject({ ok: false, error: { code: 'session.locked' } });
    expect((await ok(client.session.info())).locked).toBe(true);
    expect(await client.session.unlock({ password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'session.wrong_password' } });
    expect((await ok(client.session.info())).locked).toBe(true);
    await ok(client.session.unlock({ password: 'demo' }));
    expect((await ok(client.drafts.get({ conversationId: 'v-wang-bp', mode: 'reply' }))).body).toBe('未写完的回复');
  });
});

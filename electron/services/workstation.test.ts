import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createWorkstation, REPLICA_FILE, type Workstation } from './workstation';
import { openReplica } from './replica/open';
import { createStaticKeyStore, createWrappedKeyStore } from './replica/keystore';
import { outbox } from '../../db/replica/schema';
import { tempDir, testKeyWrapper } from '../../tests/support/tmp';

const demoDataPath = fileURLToPath(new URL('../../resources/demo/demo.json', import.meta.url));

describe('workstation services over a real encrypted replica', () => {
  let ws: Workstation | undefined;
  let cleanup = () => {};
  afterEach(async () => {
    await ws?.close();
    ws = undefined;
    cleanup();
  });

  let dir = '';
  let wrapper = testKeyWrapper();
  const keyOf = (d: string) => createWrappedKeyStore(join(d, 'replica.key'), wrapper);
  async function start(hubUrl: string | null = null) {
    const t = tempDir();
    cleanup = t.cleanup;
    dir = t.dir;
    wrapper = testKeyWrapper();
    ws = await createWorkstation({ dataDir: t.dir, keyStore: keyOf(t.dir), appVersion: '0.0.0-test', hubUrl, demoDataPath, now: () => 1_800_000_000_000 });
    return ws;
  }

  it('seeds the demo clinic on first run without a hub, urgent conversations first', async () => {
    const w = await start();
    const info = await w.dispatch('session.info', {});
    expect(info).toMatchObject({ ok: true, value: { mode: 'demo', hubUrl: null, language: 'zh-CN', replica: { encrypted: true } } });
    const list = await w.dispatch('conversations.list', {});
    if (!list.ok) throw new Error(list.error.message);
    const value = list.value as { items: { priority: string; contactName: string; channel: string }[]; total: number };
    expect(value.total).toBe(12);
    const firstNonUrgent = value.items.findIndex((i) => i.priority !== 'urgent');
    expect(value.items.slice(0, firstNonUrgent).every((i) => i.priority === 'urgent')).toBe(true);
    expect(value.items.slice(firstNonUrgent).some((i) => i.priority === 'urgent')).toBe(false);
    expect(new Set(value.items.map((i) => i.channel))).toEqual(new Set(['device', 'wechat', 'webchat', 'phone', 'email', 'sms', 'wecom']));
    expect(value.items.map((i) => i.contactName)).toContain('王秀英');
  });

  it('does not seed demo data when a hub is configured', async () => {
    const w = await start('https://hub.example.invalid');
    // Signed out: the inbox is refused until sign-in, and nothing was seeded.
    expect(await w.dispatch('conversations.list', {})).toMatchObject({ ok: false, error: { code: 'session.signed_out' } });
    expect(await w.dispatch('sync.status', {})).toMatchObject({ ok: true, value: { status: 'signed_out', queued: 0 } });
    // With no stored session the replica was closed again right after start-up.
    expect(() => w.replica).toThrow(/Signed out/);
    expect(w.signedIn).toBe(false);
    await w.close();
    const again = openReplica({ path: join(dir, REPLICA_FILE), key: (await keyOf(dir).getOrCreateKey()).key, create: false });
    expect(again.sqlite.prepare('SELECT count(*) AS n FROM conversations').get()).toEqual({ n: 0 });
    again.close();
  });

  it('filters by status and channel', async () => {
    const w = await start();
    const r = await w.dispatch('conversations.list', { filter: { channel: 'sms' } });
    expect(r.ok && (r.value as { items: { channel: string }[] }).items.every((i) => i.channel === 'sms')).toBe(true);
    const resolved = await w.dispatch('conversations.list', { filter: { status: 'resolved' } });
    expect(resolved).toMatchObject({ ok: true, value: { total: 1 } });
    expect(await w.dispatch('conversations.list', { filter: { channel: 'fax' } })).toMatchObject({ ok: false, error: { code: 'contract.bad_input' } });
  });

  it('queues a reply: message and outbox entry written together, shown as queued', async () => {
    const w = await start();
    const r = await w.dispatch('messages.queueReply', { conversationId: 'v-wang-bp', body: '王阿姨，下午两点半心内科门诊，请带上血压记录。' });
    expect(r).toMatchObject({ ok: true, value: { direction: 'outbound', deliveryStatus: 'queued', conversationId: 'v-wang-bp' } });
    const id = r.ok ? (r.value as { id: string }).id : '';
    const queued = w.replica.db.select().from(outbox).all();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ id, kind: 'message.send', state: 'pending', payload: { messageId: id, conversationId: 'v-wang-bp' } });
    const msgs = await w.dispatch('messages.list', { conversationId: 'v-wang-bp' });
    expect(msgs.ok && (msgs.value as { items: { id: string }[] }).items.at(-1)?.id).toBe(id);
  });

  it('a reply to an unknown conversation writes nothing', async () => {
    const w = await start();
    expect(await w.dispatch('messages.queueReply', { conversationId: 'nope', body: 'x' })).toMatchObject({ ok: false, error: { code: 'replica.not_found' } });
    expect(w.replica.db.select().from(outbox).all()).toHaveLength(0);
    expect(await w.dispatch('messages.queueReply', { conversationId: 'v-wang-bp', body: '   ' })).toMatchObject({ ok: false, error: { code: 'contract.bad_input' } });
  });

  it('remembers the language and marks conversations read', async () => {
    const w = await start();
    expect(await w.dispatch('session.setLanguage', { language: 'en' })).toEqual({ ok: true, value: { language: 'en' } });
    expect(await w.dispatch('session.info', {})).toMatchObject({ ok: true, value: { language: 'en' } });
    expect(await w.dispatch('conversations.markRead', { id: 'v-zhao-fever' })).toEqual({ ok: true, value: { id: 'v-zhao-fever', unreadCount: 0 } });
    expect(await w.dispatch('conversations.get', { id: 'v-zhao-fever' })).toMatchObject({ ok: true, value: { unreadCount: 0, priority: 'urgent' } });
    expect(await w.dispatch('conversations.markRead', { id: 'missing' })).toMatchObject({ ok: false, error: { code: 'replica.not_found' } });
  });

  it('diagnostics: integrity and db info through the contract', async () => {
    const w = await start();
    expect(await w.dispatch('diagnostics.checkIntegrity', {})).toEqual({ ok: true, value: { integrity: ['ok'], cipherIntegrity: [], ok: true } });
    const info = await w.dispatch('diagnostics.dbInfo', {});
    expect(info).toMatchObject({ ok: true, value: { journalMode: 'wal', pageSize: 4096, cipher: 'sqlcipher (legacy=4)', counts: { conversations: 12, contacts: 12 } } });
  });

  it('a second start with the same key store reopens the same replica (no re-seed)', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const key = randomBytes(32);
    const first = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(key, true), appVersion: 't', hubUrl: null, demoDataPath });
    await first.dispatch('messages.queueReply', { conversationId: 'v-zhang-appt', body: '可以的，已为您改到下周三上午。' });
    await first.close();
    ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(key, false), appVersion: 't', hubUrl: null, demoDataPath });
    expect(await ws.dispatch('conversations.list', {})).toMatchObject({ ok: true, value: { total: 12 } });
    expect(ws.replica.db.select().from(outbox).all()).toHaveLength(1);
  });
});

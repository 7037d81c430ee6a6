import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WidgetClient } from '../../hub/testing/channels';
import { call, newId, TestClient, value } from '../../hub/testing/harness';
import type { LoginValue } from '../../shared/sync/protocol';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { contract } from '../../shared/contract';
import { createClient } from '../../shared/contract/client';
import { rig, type Rig } from './channels/support';
import { settleSync } from '../support/settle';

/** A real 1×1 PNG and a minimal PDF: the type is read from the content at both ends. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Client = ReturnType<typeof createClient<typeof contract>>;

const settle = (ws: Workstation) => settleSync(ws);

async function stage(client: Client, conversationId: string, filename: string, data: Buffer) {
  const r = await client.attachments.stage({ conversationId, filename, dataBase64: data.toString('base64') });
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

/**
 * Files on replies, end to end over real sockets: the agent's encrypted replica →
 * upload (PUT /sync/attachments) → message.send binds them at the hub → the
 * patient's web chat shows them once the recall window has passed → a colleague's
 * replica gets the metadata and fetches the bytes once (audited), then opens them offline.
 */
describe('attachments: workstation ⇄ hub ⇄ widget and other replicas', () => {
  let r: Rig;
  let sup: Workstation;
  let supClient: Client;
  let supDir: string;
  beforeAll(async () => {
    r = await rig({ config: { channels: { webchat: { teamId: 't-outpatient' } }, routing: { agents: { 'u-agent': { capacity: 50 } } } } });
    supDir = mkdtempSync(join(tmpdir(), 'lantern-att-sup-'));
    sup = await createWorkstation({ dataDir: supDir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'test', hubUrl: r.hub.url, sync: { pollMs: 200 } });
    supClient = createClient(contract, { invoke: sup.dispatch });
    const login = await supClient.sync.login({ username: 'supervisor', password: 'supervisor-demo' });
    if (!login.ok) throw new Error(login.error.code);
    await settle(sup);
  });
  afterAll(async () => {
    await sup?.close();
    await r?.close();
    rmSync(supDir, { recursive: true, force: true });
  });

  async function signIn(username: string, password: string): Promise<TestClient> {
    const workstationId = `ws-test-${username}`;
    return new TestClient(r.hub.url, value(await call<LoginValue>(r.hub.url, 'POST', '/auth/login', { username, password, workstationId })), workstationId);
  }

  async function visitorConversation(w: WidgetClient, cid: string, text: string): Promise<string> {
    const inId = await w.say(cid, text);
    await expect.poll(() => r.q('SELECT id FROM messages WHERE id = ?', inId), { timeout: 10_000 }).toHaveLength(1);
    return r.q<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE id = ?', inId)[0]!.conversation_id;
  }

  it('sends a reply with an image and a PDF to the patient’s web chat, and a colleague opens them (fetched once, audited, then offline)', async () => {
    const w = new WidgetClient(r.hub.url);
    await w.hello({ name: '周女士' });
    const token = (w.of('welcome')[0] as unknown as { token: string }).token;
    const convId = await visitorConversation(w, 'c-1', '能把检查前的注意事项发我一下吗？');

    const img = await stage(r.client, convId, '检查须知.png', PNG);
    const pdf = await stage(r.client, convId, 'prep notes', PDF);
    expect([img.mime, pdf.mime, pdf.filename]).toEqual(['image/png', 'application/pdf', 'prep notes.pdf']);
    const reply = await r.client.messages.queueReply({ conversationId: convId, body: '附件是检查须知，请查收。', attachmentIds: [img.id, pdf.id] });
    if (!reply.ok) throw new Error(reply.error.code);
    expect(reply.value.attachments.map((a) => [a.filename, a.state])).toEqual([
      ['检查须知.png', 'queued'],
      ['prep notes.pdf', 'queued'],
    ]);
    await r.settle();

    // Uploaded, bound to the message at the hub, stored in the agent's replica.
    const atHub = await r.hub.store.read((x) => x.attachmentsOfMessage(reply.value.id));
    expect(atHub.map((a) => [a.id, a.mime, a.size, a.sha256, a.conversationId, a.ownerKey])).toEqual([
      [img.id, 'image/png', PNG.length, sha(PNG), convId, 'user:u-agent'],
      [pdf.id, 'application/pdf', PDF.length, sha(PDF), convId, 'user:u-agent'],
    ]);
    expect(r.q('SELECT id, state, message_id FROM attachments WHERE message_id = ? ORDER BY created_at', reply.value.id)).toEqual([
      { id: img.id, state: 'stored', message_id: reply.value.id },
      { id: pdf.id, state: 'stored', message_id: reply.value.id },
    ]);
    const fileUrl = (id: string, tok = token) => `${r.hub.url}/widget/attachments/${id}?token=${encodeURIComponent(tok)}`;
    // Inside the recall window the patient cannot fetch them either.
    expect((await fetch(fileUrl(img.id))).status).toBe(404);

    // The widget gets the reply with its files and can fetch the bytes; another visitor cannot.
    await w.until(() => w.of('msg').some((m) => m.id === reply.value.id), 15_000);
    const frame = w.of('msg').find((m) => m.id === reply.value.id) as unknown as { text: string; files: { id: string; name: string; mime: string; size: number }[] };
    expect(frame.text).toBe('附件是检查须知，请查收。');
    expect(frame.files).toEqual([
      { id: img.id, name: '检查须知.png', mime: 'image/png', size: PNG.length },
      { id: pdf.id, name: 'prep notes.pdf', mime: 'application/pdf', size: PDF.length },
    ]);
    const got = await fetch(fileUrl(pdf.id));
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);
    const other = new WidgetClient(r.hub.url);
    await other.hello();
    const otherToken = (other.of('welcome')[0] as unknown as { token: string }).token;
    expect((await fetch(fileUrl(pdf.id, otherToken))).status).toBe(404);
    await other.close();
    // A reconnecting widget sees them in its history too.
    const again = new WidgetClient(r.hub.url);
    await again.hello({ token });
    const history = (again.of('welcome')[0] as unknown as { history: { id: string; files?: unknown[] }[] }).history;
    expect(history.find((h) => h.id === reply.value.id)?.files).toHaveLength(2);
    await again.close();

    // The supervisor's replica: metadata only, until the file is opened.
    await settle(sup);
    const supRows = () => sup.replica.sqlite.prepare('SELECT id, state, data IS NOT NULL AS local, sha256 FROM attachments WHERE message_id = ? ORDER BY created_at').all(reply.value.id);
    expect(supRows()).toEqual([
      { id: img.id, state: 'stored', local: 0, sha256: sha(PNG) },
      { id: pdf.id, state: 'stored', local: 0, sha256: sha(PDF) },
    ]);
    const list = await supClient.messages.list({ conversationId: convId, limit: 100 });
    if (!list.ok) throw new Error(list.error.code);
    expect(list.value.items.find((m) => m.id === reply.value.id)?.attachments.map((a) => [a.filename, a.local])).toEqual([
      ['检查须知.png', false],
      ['prep notes.pdf', false],
    ]);
    const opened = await supClient.attachments.open({ id: img.id });
    if (!opened.ok) throw new Error(opened.error.code);
    expect(Buffer.from(opened.value.dataBase64, 'base64').equals(PNG)).toBe(true);
    expect((supRows()[0] as { local: number }).local).toBe(1);
    const reads = (await r.hub.store.read((x) => x.auditPage(0, 100_000))).filter((a) => a.action === 'attachment.read');
    expect(reads.map((a) => [a.userId, a.objectId])).toEqual([['u-supervisor', img.id]]);
    await w.close();
  });

  it('shreds the files of a recalled reply at the hub and in every replica', async () => {
    const w = new WidgetClient(r.hub.url);
    await w.hello();
    const convId = await visitorConversation(w, 'c-2', '你好');
    const img = await stage(r.client, convId, 'wrong-patient.png', PNG);
    const oops = await r.client.messages.queueReply({ conversationId: convId, body: '', attachmentIds: [img.id] });
    if (!oops.ok) throw new Error(oops.error.code);
    await r.settle();
    await settle(sup);
    expect(sup.replica.sqlite.prepare('SELECT count(*) AS n FROM attachments WHERE id = ?').get(img.id)).toEqual({ n: 1 });
    expect((await r.client.messages.recall({ id: oops.value.id })).ok).toBe(true);
    await r.settle();
    await settle(sup);
    expect(await r.hub.store.read((x) => x.getAttachment(img.id))).toBeNull();
    // No copy of its name or hash lingers in the change log either (a fresh pull from the start).
    const fresh = await signIn('supervisor', 'supervisor-demo');
    // One change per page: every stored copy comes, none left out as superseded.
    const everything = await fresh.pullAll(0, 1);
    expect(everything.filter((c) => c.entity === 'message' && c.id === oops.value.id).length).toBeGreaterThan(1);
    // Neither the message's copies nor the conversation previews its send wrote ("[附件] wrong-patient.png").
    for (const c of everything) expect(JSON.stringify(c)).not.toContain('wrong-patient');
    expect(r.q('SELECT count(*) AS n FROM attachments WHERE id = ?', img.id)).toEqual([{ n: 0 }]);
    expect(sup.replica.sqlite.prepare('SELECT count(*) AS n FROM attachments WHERE id = ?').get(img.id)).toEqual({ n: 0 });
    await w.close();
  });

  it('refuses clearly: text-only channels, files by content, uploads out of scope, and a reply naming a file the hub never got', async () => {
    // The agent's SMS conversation carries text only (refused when attaching and when sending).
    const sms = r.q<{ id: string }>("SELECT id FROM conversations WHERE channel = 'sms' LIMIT 1")[0]!.id;
    const refused = await r.client.attachments.stage({ conversationId: sms, filename: 'a.png', dataBase64: PNG.toString('base64') });
    expect(refused.ok ? null : refused.error.code).toBe('attachments.channel_unsupported');
    // Content decides: text renamed .png is not an image.
    const web = r.q<{ id: string }>("SELECT id FROM conversations WHERE channel = 'webchat' LIMIT 1")[0]!.id;
    const fake = await r.client.attachments.stage({ conversationId: web, filename: 'fake.png', dataBase64: Buffer.from('not an image').toString('base64') });
    expect(fake.ok ? null : fake.error.code).toBe('attachments.type_not_allowed');
    expect(r.q("SELECT count(*) AS n FROM attachments WHERE state = 'staged'")).toEqual([{ n: 0 }]);

    // At the hub, directly: the same checks, and scope.
    const agent = await signIn('agent', 'agent-demo');
    const put = (id: string, conv: string, data: Buffer, hash = sha(data)) =>
      fetch(`${r.hub.url}/sync/attachments/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/octet-stream', 'x-lantern-conversation': conv, 'x-lantern-filename': encodeURIComponent('图.png'), 'x-lantern-sha256': hash }, body: new Uint8Array(data) });
    const bad = await put(newId(), web, Buffer.from('hello'));
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([422, 'sync.attachment_invalid']);
    const wrongHash = await put(newId(), web, PNG, sha(PDF));
    expect([wrongHash.status, ((await wrongHash.json()) as { error: { code: string } }).error.code]).toEqual([422, 'sync.attachment_invalid']);
    // v-zhou-postop belongs to agent2: invisible to this agent.
    const outOfScope = await put(newId(), 'v-zhou-postop', PNG);
    expect([outOfScope.status, ((await outOfScope.json()) as { error: { code: string } }).error.code]).toEqual([404, 'request.not_found']);
    const smsPut = await put(newId(), sms, PNG);
    expect(((await smsPut.json()) as { error: { code: string } }).error.code).toBe('sync.attachment_unsupported');
    // Up to 10 MiB goes through (the hub's JSON limit of 1 MiB does not apply here); one byte more is refused.
    const big = Buffer.concat([PNG.subarray(0, 8), randomBytes(10 * 1024 * 1024 - 8)]);
    expect((await put(newId(), web, big)).status).toBe(200);
    const tooBig = await put(newId(), web, Buffer.concat([big, Buffer.from([0])]));
    expect([tooBig.status, ((await tooBig.json()) as { error: { code: string } }).error.code]).toEqual([413, 'request.too_large']);
    // Same id and bytes again: ok (a retry); same id, other bytes: a conflict.
    const id = newId();
    expect((await put(id, web, PNG)).status).toBe(200);
    expect((await put(id, web, PNG)).status).toBe(200);
    expect((await put(id, web, PDF)).status).toBe(409);

    // A reply naming a file that was never uploaded is rejected with its reason, not sent without it.
    const ghost = { id: newId(), filename: 'x.png', mime: 'image/png', size: PNG.length, sha256: sha(PNG) };
    const res = await agent.mutate('message.send', { conversationId: web, messageId: newId(), body: 'see attached', attachments: [ghost] });
    expect(res).toMatchObject({ status: 'rejected', code: 'sync.attachment_missing' });
    // Another user's upload cannot be borrowed either, even by one who sees the conversation.
    const supervisor = await signIn('supervisor', 'supervisor-demo');
    const stolen = await supervisor.mutate('message.send', { conversationId: web, messageId: newId(), body: '', attachments: [{ id, filename: '图.png', mime: 'image/png', size: PNG.length, sha256: sha(PNG) }] });
    expect(stolen).toMatchObject({ status: 'rejected', code: 'sync.attachment_missing' });
    const ok = await agent.mutate('message.send', { conversationId: web, messageId: newId(), body: '', attachments: [{ id, filename: '图.png', mime: 'image/png', size: PNG.length, sha256: sha(PNG) }] });
    expect(ok).toMatchObject({ status: 'applied' });
  });

  it('says so when a file was never opened on this computer and the hub is unreachable; files already opened still open', async () => {
    const w = new WidgetClient(r.hub.url);
    await w.hello();
    const convId = await visitorConversation(w, 'c-3', '报告能发我吗');
    const a = await stage(r.client, convId, 'a.png', PNG);
    const b = await stage(r.client, convId, 'b.pdf', PDF);
    const reply = await r.client.messages.queueReply({ conversationId: convId, body: '', attachmentIds: [a.id, b.id] });
    if (!reply.ok) throw new Error(reply.error.code);
    await r.settle();
    await settle(sup);
    expect((await supClient.attachments.open({ id: a.id })).ok).toBe(true);
    await w.close();
    await r.hub.close();
    const cached = await supClient.attachments.open({ id: a.id });
    expect(cached.ok && Buffer.from(cached.value.dataBase64, 'base64').equals(PNG)).toBe(true);
    const offline = await supClient.attachments.open({ id: b.id });
    expect(offline.ok ? null : offline.error.code).toBe('attachments.offline');
  });
});

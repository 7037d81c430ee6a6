import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, startHub, type TestClient, type TestHub } from '../testing/harness';
import { normalizeEmail, normalizePhone } from './identity';
import { planRoute } from './outbound';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('one identity per patient', () => {
  it('normalizes addresses', () => {
    expect(normalizePhone('139 0000 1111')).toBe('+8613900001111');
    expect(normalizePhone('+86-139-0000-1111')).toBe('+8613900001111');
    expect(normalizePhone('8613900001111')).toBe('+8613900001111');
    expect(normalizePhone('0085291234567')).toBe('+85291234567');
    expect(normalizePhone('010-8888 6666')).toBe('+861088886666');
    expect(normalizePhone('anonymous')).toBeNull();
    expect(normalizePhone('123')).toBeNull();
    expect(normalizeEmail(' Emily@Example.ORG ')).toBe('emily@example.org');
    expect(normalizeEmail('not an address')).toBeNull();
  });

  let t: TestHub;
  let agent: TestClient;
  let supervisor: TestClient;
  let nurse: TestClient;
  beforeAll(async () => {
    t = await startHub({ config: { channels: { webchat: { teamId: 't-outpatient' }, sms: { enabled: true, webhookSecret: 's', teamId: 't-outpatient' } }, routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } } } });
    [agent, supervisor, nurse] = await t.signInAll(['agent', 'supervisor', 'nurse'] as const);
  });
  afterAll(() => t.close());

  it('preferred channel and consent decide where a phone/device reply goes, and refuse it when opted out', async () => {
    // c-chen prefers "device" (not a text channel): the first text channel with consent, WeCom.
    const route = await t.hub.store.read(async (r) => planRoute(r, (await r.getConversation('v-chen-glucose'))!));
    expect(route).toMatchObject({ kind: 'route', channel: 'wecom', identity: { externalId: 'wmDemoChen' } });
    // Now c-chen prefers WeCom and opted out there; an SMS number with consent exists, but the preference is enforced.
    await t.hub.store.write(async (tx) => {
      await tx.updateContact('c-chen', { preferredChannel: 'wecom' });
      await tx.updateIdentity('c-chen-id1', { consent: 'withdrawn' });
      await tx.insertIdentity({ id: 'ci-chen-sms', contactId: 'c-chen', channel: 'sms', externalId: '+8613800000099', verified: true, consent: 'granted', consentUpdatedAt: null });
    });
    const refused = await nurse.mutate('message.send', { conversationId: 'v-chen-glucose', messageId: newId(), body: '请复测血糖' });
    expect(refused).toMatchObject({ status: 'rejected', code: 'sync.consent_withdrawn' });
    await t.hub.store.write((tx) => tx.updateContact('c-chen', { preferredChannel: 'sms' }));
    const ok = newId();
    expect(await nurse.mutate('message.send', { conversationId: 'v-chen-glucose', messageId: ok, body: '请复测血糖' })).toMatchObject({ status: 'applied' });
    expect(await t.hub.store.read((r) => r.getOutbound(ok))).toMatchObject({ channel: 'sms', identityId: 'ci-chen-sms', state: 'waiting' });
    // A phone-only patient has no text route: accepted, then failed with a reason the agent sees.
    const li = newId();
    await agent.mutate('message.send', { conversationId: 'v-li-call', messageId: li, body: '回拨未接通' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(await t.hub.store.read((r) => r.getMessage(li))).toMatchObject({ deliveryStatus: 'failed', failureReason: 'channel.no_route' });
    // The SMS reply fails as well: SMS has no gateway configured here.
    expect(await t.hub.store.read((r) => r.getMessage(ok))).toMatchObject({ deliveryStatus: 'failed', failureReason: 'channel.not_configured' });
  });

  it('manual merge over the API (supervisor only) moves identities and conversations, keeps history', async () => {
    const sms = await t.hub.channels.runtime.accept({ channel: 'sms', dedupeKey: 'm-1', raw: '{}', at: t.clock.now(), from: { externalId: '+8613911112222', verified: true }, message: { body: '我是王芳，想问检查结果', contentType: 'text', authorName: null } });
    const web = await t.hub.channels.runtime.accept({ channel: 'webchat', dedupeKey: 'w-1', raw: '{}', at: t.clock.now(), from: { externalId: 'wv-01JHMFKY0050H8SAP257AHFD57', verified: false, displayName: '王芳' }, message: { body: '我刚发了短信', contentType: 'text', authorName: '王芳' } });
    expect(web.contactId).not.toBe(sms.contactId);
    expect((await agent.req('POST', '/contacts/merge', { fromContactId: web.contactId, intoContactId: sms.contactId })).status).toBe(403);
    const r = await supervisor.req<{ identities: string[]; conversations: string[] }>('POST', '/contacts/merge', { fromContactId: web.contactId, intoContactId: sms.contactId, reason: '同一患者（电话核实）' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, value: { conversations: [web.conversationId] } });
    expect((await t.hub.store.read((x) => x.getConversation(web.conversationId!)))!.contactId).toBe(sms.contactId);
    expect((await t.hub.store.read((x) => x.identitiesOf(sms.contactId!))).map((i) => i.channel).sort()).toEqual(['sms', 'webchat']);
    const hist = await agent.req<{ merges: { fromContactId: string; actor: string; reason: string }[] }>('GET', `/contacts/${sms.contactId}/merges`);
    expect(hist.body).toMatchObject({ ok: true, value: { merges: [{ fromContactId: web.contactId, actor: 'u-supervisor', reason: '同一患者（电话核实）' }] } });
    expect((await supervisor.req('POST', '/contacts/merge', { fromContactId: web.contactId, intoContactId: sms.contactId })).status).toBe(409);
    // The agent's replica sees the moved conversation under the merged contact.
    const changes = await agent.pullAll(0);
    const last = changes.filter((c) => c.entity === 'conversation' && c.id === web.conversationId).at(-1)!;
    expect((last.data as { contactId: string }).contactId).toBe(sms.contactId);
  });

  it('manual merge from the hub CLI', async () => {
    const a = await t.hub.channels.runtime.accept({ channel: 'sms', dedupeKey: 'cli-1', raw: '{}', at: t.clock.now(), from: { externalId: '+8613922223333', verified: true }, message: { body: 'a', contentType: 'text', authorName: null } });
    const b = await t.hub.channels.runtime.accept({ channel: 'webchat', dedupeKey: 'cli-2', raw: '{}', at: t.clock.now(), from: { externalId: 'wv-01JHMFKY0050H8SAP257AHFD58', verified: false }, message: { body: 'b', contentType: 'text', authorName: null } });
    await t.hub.close();
    const run = (...args: string[]) => {
      const p = spawnSync(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args, '--data', t.dir], { cwd: REPO, encoding: 'utf8' });
      return { status: p.status, out: p.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
    };
    const merged = run('contact', 'merge', '--from', b.contactId!, '--into', a.contactId!, '--reason', 'front desk');
    expect(merged.status).toBe(0);
    expect(merged.out[0]).toMatchObject({ event: 'contact.merged', conversations: [b.conversationId] });
    const again = run('contact', 'merge', '--from', b.contactId!, '--into', a.contactId!);
    expect(again.status).toBe(1);
    expect(again.out[0]).toMatchObject({ event: 'error', code: 'contact.already_merged' });
    const hist = run('contact', 'merges', '--id', a.contactId!);
    expect(hist.out[0]).toMatchObject({ event: 'contact.merges', merges: [{ fromContactId: b.contactId, actor: 'cli', reason: 'front desk' }] });
    await t.restart();
    expect((await t.hub.store.read((x) => x.getConversation(b.conversationId!)))!.contactId).toBe(a.contactId);
    expect((await t.hub.verifyAudit()).ok).toBe(true);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHub } from '../../hub/app/create-hub';
import { createWorkstation, REPLICA_FILE, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { contract } from '../../shared/contract';
import { createClient } from '../../shared/contract/client';
import { tempDir } from '../support/tmp';
import { settleSync } from '../support/settle';

/**
 * Sign-out wipes nothing on disk but locks the replica: the connection is closed
 * and every call but the sign-in screen's is refused; the next sign-in reopens it
 * and what was queued before sign-out goes out exactly once.
 */
describe('sign-out locks the replica', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  const settle = (ws: Workstation) => settleSync(ws);

  it('closes the replica at sign-out, keeps queued work and drafts on disk, and delivers them after the next sign-in', async () => {
    const h = tempDir('lantern-hub-');
    const hub = await createHub({ dataDir: h.dir, port: 0, demo: true, logger: false });
    const t = tempDir('lantern-signout-');
    const ws = await createWorkstation({ dataDir: t.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 't', hubUrl: hub.url, sync: { pollMs: 200 } });
    cleanups.push(async () => {
      await ws.close();
      await hub.close();
      t.cleanup();
      h.cleanup();
    });
    const client = createClient(contract, { invoke: ws.dispatch });

    // Start-up with no stored session: nothing is open until someone signs in.
    expect(ws.signedIn).toBe(false);
    expect(() => ws.replica).toThrow(/Signed out/);
    expect(await client.session.info()).toMatchObject({ ok: true, value: { mode: 'hub', user: null, locked: false } });
    expect(await client.sync.status()).toMatchObject({ ok: true, value: { status: 'signed_out' } });

    // A wrong password leaves it closed.
    expect(await client.sync.login({ username: 'agent', password: 'nope-nope' })).toMatchObject({ ok: false, error: { code: 'auth.invalid_credentials' } });
    expect(ws.signedIn).toBe(false);

    const sessions: unknown[] = [];
    ws.onSignedIn((s) => sessions.push(s.sync));
    expect(await client.sync.login({ username: 'agent', password: 'agent-demo' })).toMatchObject({ ok: true });
    expect(sessions).toHaveLength(1);
    await settle(ws);
    expect(await client.session.setLanguage({ language: 'en' })).toMatchObject({ ok: true });

    // Offline: a reply is queued and a draft is written, then the agent signs out.
    ws.sync!.stop();
    const reply = await client.messages.queueReply({ conversationId: 'v-zhang-appt', body: '退出前排队的回复' });
    if (!reply.ok) throw new Error(reply.error.code);
    expect(await client.drafts.save({ conversationId: 'v-liu-report', mode: 'reply', body: '报告明天出，草稿' })).toMatchObject({ ok: true });
    const open = ws.replica;
    expect(await client.sync.logout()).toEqual({ ok: true, value: { signedOut: true } });

    expect(open.sqlite.open).toBe(false); // the SQLCipher connection is closed
    expect(ws.signedIn).toBe(false);
    expect(() => ws.replica).toThrow(/Signed out/);
    expect(ws.sync).toBeNull();
    expect(await client.conversations.list({})).toMatchObject({ ok: false, error: { code: 'session.signed_out' } });
    expect(await client.drafts.get({ conversationId: 'v-liu-report', mode: 'reply' })).toMatchObject({ ok: false, error: { code: 'session.signed_out' } });
    expect(await client.sync.status()).toMatchObject({ ok: true, value: { status: 'signed_out', queued: 1 } });
    // The language chosen in the session is still the sign-in screen's language.
    expect(await client.session.info()).toMatchObject({ ok: true, value: { user: null, language: 'en' } });
    // Nothing wiped: the file is there, and it is not readable without the key.
    const file = join(t.dir, REPLICA_FILE);
    expect(existsSync(file) && statSync(file).size > 0).toBe(true);
    const raw = new Database(file, { readonly: true });
    expect(() => raw.prepare('SELECT count(*) FROM messages').get()).toThrow(/not a database|encrypted/i);
    raw.close();

    // Sign in again: the queued reply goes out once, the draft is still there.
    expect(await client.sync.login({ username: 'agent', password: 'agent-demo' })).toMatchObject({ ok: true });
    expect(sessions).toHaveLength(2);
    await settle(ws);
    expect(await client.drafts.get({ conversationId: 'v-liu-report', mode: 'reply' })).toMatchObject({ ok: true, value: { body: '报告明天出，草稿' } });
    const sent = await hub.store.read((r) => r.getMessage(reply.value.id));
    expect(sent).toMatchObject({ id: reply.value.id, body: '退出前排队的回复' });
    expect(ws.replica.sqlite.prepare("SELECT count(*) AS n FROM messages WHERE body = '退出前排队的回复'").get()).toEqual({ n: 1 });
    expect(await client.session.info()).toMatchObject({ ok: true, value: { user: { id: 'u-agent' }, language: 'en' } });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createHub, type Hub } from '../../hub/app/create-hub';
import { RotatingFile } from '../../hub/log/rotating';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { createWorkstationLogger } from '../../electron/services/logs/logger';
import { watchSync } from '../../electron/services/logs/sync-watch';
import { stripAnsi } from '../../electron/services/diagnostics/ansi';
import { contract } from '../../shared/contract';
import { createClient } from '../../shared/contract/client';
import { tempDir } from '../support/tmp';

/**
 * The diagnostics console of a workstation signed in at a real hub (loopback): who
 * may use it, and sync/hub commands against the real thing, with the main process's
 * log wiring (scrubbing pino logger → rotating file → `sync log`).
 */
describe('diagnostics console against a real hub', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function hub(): Promise<Hub> {
    const h = tempDir('lantern-console-hub-');
    const hub = await createHub({ dataDir: h.dir, port: 0, demo: true, logger: false });
    cleanups.push(async () => {
      await hub.close().catch(() => undefined);
      h.cleanup();
    });
    return hub;
  }

  async function station(hubUrl: string, opts: { diagnosticMode?: boolean } = {}) {
    const t = tempDir('lantern-console-ws-');
    const logDir = join(t.dir, 'logs');
    const file = new RotatingFile({ dir: logDir, name: 'main' });
    const { log } = createWorkstationLogger({ destination: file });
    const ws: Workstation = await createWorkstation({
      dataDir: join(t.dir, 'data'),
      keyStore: createStaticKeyStore(randomBytes(32), true),
      appVersion: 't',
      hubUrl,
      log,
      sync: { pollMs: 200 },
      console: { logDir, diagnosticMode: opts.diagnosticMode ?? false, syncRetryWaitMs: 5000 },
    });
    // Each sign-in opens a session with its own sync engine (as electron/main wires it).
    let stopWatch = () => {};
    ws.onSignedIn(({ sync }) => {
      if (sync) stopWatch = watchSync(sync, log, 25);
    });
    cleanups.push(async () => {
      stopWatch();
      await ws.close();
      file.close();
      t.cleanup();
    });
    const client = createClient(contract, { invoke: ws.dispatch });
    const run = async (line: string) => {
      const r = await client.console.run({ line });
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return { ...r.value, text: r.value.lines.map(stripAnsi).join('\n') };
    };
    return { ws, client, run };
  }

  it('is for admins only at a hub (or in local diagnostic mode)', async () => {
    const h = await hub();
    const agent = await station(h.url);
    expect(await agent.client.console.info()).toMatchObject({ ok: false, error: { code: 'session.signed_out' } });
    expect(await agent.client.sync.login({ username: 'agent', password: 'agent-demo' })).toMatchObject({ ok: true });
    expect(await agent.client.console.info()).toEqual({ ok: true, value: { allowed: false, reason: null } });
    expect(await agent.client.console.run({ line: 'status' })).toMatchObject({ ok: false, error: { code: 'console.forbidden' } });
    expect(await agent.client.console.complete({ line: 'st' })).toMatchObject({ ok: false, error: { code: 'console.forbidden' } });

    const local = await station(h.url, { diagnosticMode: true });
    expect(await local.client.sync.login({ username: 'nurse', password: 'nurse-demo' })).toMatchObject({ ok: true });
    expect(await local.client.console.info()).toEqual({ ok: true, value: { allowed: true, reason: 'diagnostic_mode' } });

    const admin = await station(h.url);
    expect(await admin.client.sync.login({ username: 'admin', password: 'admin-demo' })).toMatchObject({ ok: true });
    expect(await admin.client.console.info()).toEqual({ ok: true, value: { allowed: true, reason: 'admin' } });
  });

  it('sync status, hub ping, sync retry and sync log with the hub up, then down', async () => {
    const h = await hub();
    const { ws, client, run } = await station(h.url);
    expect(await client.sync.login({ username: 'admin', password: 'admin-demo' })).toMatchObject({ ok: true });
    await expect.poll(() => ws.sync!.snapshot().status, { timeout: 10_000 }).toBe('online');

    const status = await run('sync status');
    expect(status.exitCode).toBe(0);
    expect(status.text).toMatch(/状态\s+online/);
    expect(status.text).toMatch(/工作站编号\s+ws-/);

    const ping = await run('hub ping');
    expect(ping.exitCode).toBe(0);
    expect(ping.text).toContain(`${h.url}/healthz`);
    expect(ping.text).toContain(h.hubId);
    expect(ping.text.match(/HTTP 200 [\d.]+ ms/g)).toHaveLength(3);

    const retry = await run('sync retry');
    expect(retry.exitCode).toBe(0);
    expect(retry.text).toContain('正在重试同步');
    expect(retry.text).toMatch(/状态\s+online/);

    await h.close();
    const down = await run('sync retry');
    expect(down.text).toMatch(/状态\s+offline/);
    expect((await run('hub ping')).exitCode).toBe(1);
    await expect.poll(async () => (await run('sync log')).text, { timeout: 5000 }).toMatch(/sync status online -> offline/);
    const log = await run('sync log');
    expect(log.text).toMatch(/warn\s+sync status online -> offline/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { hubChoice, startEmbeddedHub, type EmbeddedHub } from './embedded-hub';
import { tempDir } from '../../tests/support/tmp';

describe('embedded hub (npm start without a configured hub)', () => {
  let hub: EmbeddedHub | null = null;
  let cleanup = () => {};
  afterEach(async () => {
    await hub?.close();
    hub = null;
    cleanup();
  });

  it('uses a configured hub when there is one, else the embedded one', () => {
    expect(hubChoice('https://hub.hospital.local')).toEqual({ kind: 'remote', url: 'https://hub.hospital.local' });
    expect(hubChoice('  ')).toEqual({ kind: 'embedded' });
    expect(hubChoice(null)).toEqual({ kind: 'embedded' });
  });

  it('starts a real hub on loopback with the demo clinic, and a demo user can sign in', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    hub = await startEmbeddedHub(t.dir);
    expect(hub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(hub.demoAccounts.map((a) => a.username)).toEqual(expect.arrayContaining(['agent', 'nurse', 'supervisor', 'admin']));
    const health = (await (await fetch(`${hub.url}/healthz`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    const login = await fetch(`${hub.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent', password: 'agent-demo', workstationId: 'ws-test' }) });
    expect(login.status).toBe(200);
  });
});

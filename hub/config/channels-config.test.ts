import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('channels and routing config', () => {
  const dirs: string[] = [];
  const dir = (json?: unknown) => {
    const d = mkdtempSync(join(tmpdir(), 'lantern-hub-cfg-'));
    dirs.push(d);
    if (json !== undefined) writeFileSync(join(d, 'hub.json'), JSON.stringify(json));
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('defaults: only the web chat is on', () => {
    const c = loadConfig(dir(), {});
    expect(c.channels.webchat.enabled).toBe(true);
    expect([c.channels.wechat.enabled, c.channels.sms.enabled, c.channels.email.enabled, c.channels.device.enabled]).toEqual([false, false, false, false]);
    expect(c.channels.sms.optOutWords).toEqual(['退订', 'TD', 'STOP', 'T']);
    expect(c.routing).toMatchObject({ strategy: 'least_loaded', requireOnline: true, defaultCapacity: 5 });
  });

  it('secrets from the environment complete a hub.json section (deep merge); LANTERN_HUB_CHANNELS merges JSON', () => {
    const d = dir({ channels: { wechat: { enabled: true, appId: 'wx1', token: 't', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' } } });
    expect(() => loadConfig(d, {})).toThrow(/appSecret is required/);
    const c = loadConfig(d, { LANTERN_HUB_WECHAT_APP_SECRET: 's3cret', LANTERN_HUB_CHANNELS: JSON.stringify({ sms: { enabled: true, webhookSecret: 'x' } }) });
    expect(c.channels.wechat).toMatchObject({ enabled: true, appId: 'wx1', appSecret: 's3cret', mode: 'safe' });
    expect(c.channels.sms).toMatchObject({ enabled: true, webhookSecret: 'x' });
    expect(() => loadConfig(dir(), { LANTERN_HUB_CHANNELS: '{nope' })).toThrow(/LANTERN_HUB_CHANNELS is not valid JSON/);
  });

  it('refuses typos, bad keys and inconsistent queues with the key named', () => {
    expect(() => loadConfig(dir({ channels: { smss: {} } }), {})).toThrow(ConfigError);
    expect(() => loadConfig(dir({ channels: { wechat: { encodingAesKey: 'short' } } }), {})).toThrow(/43 base64/);
    expect(() => loadConfig(dir({ channels: { device: { enabled: true } } }), {})).toThrow(/webhookSecret is required when device/);
    expect(() => loadConfig(dir({ routing: { queues: [{ id: 'a', teamId: 't', overflowTo: 'b', overflowAfterSeconds: 5 }] } }), {})).toThrow(/unknown queue b/);
    expect(() => loadConfig(dir({ routing: { queues: [{ id: 'a', teamId: 't', overflowTo: 'a', overflowAfterSeconds: 5 }] } }), {})).toThrow(/itself/);
    expect(() => loadConfig(dir({ channels: { device: { enabled: true, webhookSecret: 'x', mqtt: { url: 'http://x' } } } }), {})).toThrow(/mqtt url/);
  });
});

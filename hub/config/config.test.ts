import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('hub config', () => {
  const dirs: string[] = [];
  const dir = (json?: string) => {
    const d = mkdtempSync(join(tmpdir(), 'lantern-hub-cfg-'));
    dirs.push(d);
    if (json !== undefined) writeFileSync(join(d, 'hub.json'), json);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('defaults, then hub.json, then environment, then explicit overrides', () => {
    expect(loadConfig(dir(), {})).toMatchObject({ port: 8787, host: '127.0.0.1', accessTokenTtlSeconds: 900, lockout: { maxAttempts: 5, minutes: 15 }, workstationRegistration: 'auto', demo: false });
    const d = dir(JSON.stringify({ port: 9000, host: '0.0.0.0', lockout: { maxAttempts: 3, minutes: 30 } }));
    expect(loadConfig(d, {})).toMatchObject({ port: 9000, host: '0.0.0.0', lockout: { maxAttempts: 3, minutes: 30 } });
    expect(loadConfig(d, { LANTERN_HUB_PORT: '9100', LANTERN_HUB_DEMO: '1', LANTERN_HUB_WORKSTATIONS: 'manual' })).toMatchObject({ port: 9100, demo: true, workstationRegistration: 'manual' });
    expect(loadConfig(d, { LANTERN_HUB_PORT: '9100' }, { port: 0 }).port).toBe(0);
  });

  it('surveys: scheduler on every 60 s with a 7-day answer window by default; merged key by key; checked', () => {
    expect(loadConfig(dir(), {}).surveys).toEqual({ enabled: true, tickSeconds: 60, answerWindowHours: 168 });
    const d = dir(JSON.stringify({ surveys: { tickSeconds: 300, answerWindowHours: 72 } }));
    expect(loadConfig(d, {}, { surveys: { enabled: false } }).surveys).toEqual({ enabled: false, tickSeconds: 300, answerWindowHours: 72 });
    expect(() => loadConfig(dir(JSON.stringify({ surveys: { tickSeconds: 0 } })), {})).toThrow(/invalid/);
    expect(() => loadConfig(dir(JSON.stringify({ surveys: { tick: 5 } })), {})).toThrow(/invalid/);
  });

  it('refuses invalid files and values with a message naming the source', () => {
    expect(() => loadConfig(dir('{nope'), {})).toThrow(ConfigError);
    expect(() => loadConfig(dir('[1]'), {})).toThrow(/JSON object/);
    expect(() => loadConfig(dir('{"prot": 1}'), {})).toThrow(/hub\.json is invalid/);
    expect(() => loadConfig(dir('{"port": 70000}'), {})).toThrow(/hub\.json is invalid/);
    expect(() => loadConfig(dir(), { LANTERN_HUB_PORT: 'eighty' })).toThrow(/Environment is invalid/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../tests/support/tmp';
import { PolicyError } from '../services/policy/load';
import { loadMachinePolicy, machinePolicyPath } from './policy';

describe('machine policy location', () => {
  it('is machine-wide per platform', () => {
    expect(machinePolicyPath('win32', { ProgramData: 'D:\\ProgramData' }, true)).toBe('D:\\ProgramData\\Lantern\\policy.json');
    expect(machinePolicyPath('win32', {}, true)).toBe('C:\\ProgramData\\Lantern\\policy.json');
    expect(machinePolicyPath('linux', {}, true)).toBe('/etc/lantern/policy.json');
    expect(machinePolicyPath('darwin', {}, true)).toBe('/Library/Application Support/Lantern/policy.json');
  });

  it('LANTERN_POLICY_FILE overrides it in development only: a packaged app ignores it', () => {
    expect(machinePolicyPath('linux', { LANTERN_POLICY_FILE: '/tmp/p.json' }, false)).toBe('/tmp/p.json');
    expect(machinePolicyPath('linux', { LANTERN_POLICY_FILE: '/tmp/p.json' }, true)).toBe('/etc/lantern/policy.json');
    expect(machinePolicyPath('win32', { LANTERN_POLICY_FILE: 'C:\\Users\\me\\p.json' }, true)).toBe('C:\\ProgramData\\Lantern\\policy.json');
  });
});

describe('loading the machine policy for createWorkstation', () => {
  let t: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    t = tempDir('lantern-mpolicy-');
    file = join(t.dir, 'policy.json');
  });
  afterEach(() => t.cleanup());

  it('hub URL and auto-lock come from the policy over the environment, and the view says they are locked', () => {
    writeFileSync(file, JSON.stringify({ hubUrl: 'https://hub.hospital.example.cn', autoLockMinutes: 3 }));
    const mp = loadMachinePolicy({ platform: 'linux', isPackaged: false, env: { LANTERN_POLICY_FILE: file, LANTERN_HUB_URL: 'http://127.0.0.1:8787', LANTERN_AUTO_LOCK_MINUTES: '30' } });
    expect(mp.settings.hubUrl.value).toBe('https://hub.hospital.example.cn');
    expect(mp.settings.autoLockMinutes.value).toBe(3);
    expect(mp.view).toMatchObject({
      file,
      fileFound: true,
      registryKey: null,
      settings: { hubUrl: { locked: true, source: 'policy' }, autoLockMinutes: { locked: true, source: 'policy' }, logLevel: { locked: false, source: 'default' } },
    });
    expect(mp.warnings).toHaveLength(2);
  });

  it('without a policy the environment decides (LANTERN_HUB_URL as before)', () => {
    const mp = loadMachinePolicy({ platform: 'linux', isPackaged: false, env: { LANTERN_POLICY_FILE: join(t.dir, 'absent.json'), LANTERN_HUB_URL: 'http://127.0.0.1:8787' } });
    expect(mp.settings.hubUrl).toEqual({ value: 'http://127.0.0.1:8787', locked: false, source: 'environment' });
    expect(mp.view.fileFound).toBe(false);
  });

  it('Windows also reads HKLM\\SOFTWARE\\Policies\\Lantern; registry values win', () => {
    writeFileSync(file, JSON.stringify({ autoLockMinutes: 3 }));
    const registry = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Lantern\r\n    AutoLockMinutes    REG_SZ    8\r\n    HubUrl    REG_SZ    https://hub.msi.example.cn\r\n';
    const mp = loadMachinePolicy({ platform: 'win32', isPackaged: true, env: { ProgramData: t.dir.replace(/\/[^/]+$/, '') }, readRegistry: () => registry });
    expect(mp.settings.autoLockMinutes).toEqual({ value: 8, locked: true, source: 'policy' });
    expect(mp.settings.hubUrl.value).toBe('https://hub.msi.example.cn');
    expect(mp.view.registryFound).toBe(true);
    // In development with an explicit policy file, the registry is not read (hermetic tests).
    let read = false;
    loadMachinePolicy({ platform: 'win32', isPackaged: false, env: { LANTERN_POLICY_FILE: file }, readRegistry: () => ((read = true), registry) });
    expect(read).toBe(false);
  });

  it('a bad policy throws PolicyError naming the file', () => {
    writeFileSync(file, JSON.stringify({ autoLockMinutes: 0 }));
    expect(() => loadMachinePolicy({ platform: 'linux', isPackaged: false, env: { LANTERN_POLICY_FILE: file } })).toThrow(PolicyError);
    expect(() => loadMachinePolicy({ platform: 'linux', isPackaged: false, env: { LANTERN_POLICY_FILE: file } })).toThrow(file);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../tests/support/tmp';
import { effectiveSettings } from './effective';
import { decodePolicyText, formatPolicyError, loadPolicy, parseRegQuery, PolicyError, policyFromRegistry, readPolicyFile } from './load';

/** `reg query HKLM\SOFTWARE\Policies\Lantern /reg:64` as reg.exe prints it. */
const REG_OUTPUT = [
  '',
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Lantern',
  '    HubUrl    REG_SZ    https://hub.ward3.hospital.example.cn',
  '    AutoLockMinutes    REG_DWORD    0xa',
  '    UpdatesEnabled    REG_SZ    0',
  '    AllowedChannels    REG_MULTI_SZ    stable\\0pilot',
  '',
].join('\r\n');

describe('machine policy file', () => {
  let t: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    t = tempDir('lantern-policy-');
    file = join(t.dir, 'policy.json');
  });
  afterEach(() => t.cleanup());

  const write = (v: unknown) => writeFileSync(file, typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  const problems = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      return (e as PolicyError).problems;
    }
    throw new Error('expected a PolicyError');
  };

  it('a missing file is no policy (nothing locked)', () => {
    expect(readPolicyFile(file)).toBeNull();
    expect(loadPolicy({ file })).toMatchObject({ fileFound: false, policy: {}, registryKey: null });
  });

  it('reads a valid policy, also with a UTF-8 BOM or as UTF-16 LE (Windows Notepad)', () => {
    const policy = { hubUrl: 'https://hub.hospital.example.cn', autoLockMinutes: 3, updates: { enabled: true, channel: 'pilot', allowedChannels: ['stable', 'pilot'] }, logLevel: 'warn' };
    write(policy);
    expect(readPolicyFile(file)).toEqual(policy);
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(policy))]));
    expect(readPolicyFile(file)).toEqual(policy);
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(policy), 'utf16le')]));
    expect(readPolicyFile(file)).toEqual(policy);
    expect(decodePolicyText(Buffer.from('{}'))).toBe('{}');
  });

  it('names the field and says what it must be, in zh-CN and en', () => {
    write({ autoLockMinutes: 0, logLevel: 'verbose', updates: { channel: 'Beta!' } });
    const p = problems(() => readPolicyFile(file));
    expect(p.map((x) => x.field).sort()).toEqual(['autoLockMinutes', 'logLevel', 'updates.channel']);
    const auto = p.find((x) => x.field === 'autoLockMinutes')!;
    expect(auto['zh-CN']).toContain('1 到 240 之间的整数');
    expect(auto.en).toContain('from 1 to 240');
  });

  it('refuses unknown fields (a typo must not be ignored)', () => {
    write({ hubURL: 'https://hub.example.cn', updates: { enable: false } });
    const p = problems(() => readPolicyFile(file));
    expect(p.map((x) => x.field).sort()).toEqual(['hubURL', 'updates.enable']);
    expect(p[0]!['zh-CN']).toContain('未知字段');
    expect(p[0]!.en).toContain('not a known field');
  });

  it('refuses a channel outside allowedChannels, a URL with credentials, and broken JSON with its line', () => {
    write({ updates: { channel: 'beta', allowedChannels: ['stable'] } });
    expect(problems(() => readPolicyFile(file))).toEqual([{ field: 'updates.channel', 'zh-CN': '不在 updates.allowedChannels 列表中', en: 'is not in updates.allowedChannels' }]);
    write({ hubUrl: 'https://admin:pw@hub.example.cn' });
    expect(problems(() => readPolicyFile(file))[0]!.field).toBe('hubUrl');
    write('{\n  "hubUrl": "https://hub.example.cn",\n  "autoLockMinutes": 5,\n}\n');
    const [json] = problems(() => readPolicyFile(file));
    expect(json!.field).toBe('(file)');
    expect(json!.en).toMatch(/not valid JSON \(line 4, column \d+\)/);
    expect(json!['zh-CN']).toContain('第 4 行');
    write('[1, 2]');
    expect(problems(() => readPolicyFile(file))[0]!.en).toContain('one JSON object');
  });

  it('the startup dialog names the file and each field in both languages', () => {
    write({ autoLockMinutes: 'ten' });
    let error: PolicyError | null = null;
    try {
      loadPolicy({ file });
    } catch (e) {
      error = e as PolicyError;
    }
    expect(error?.code).toBe('policy.invalid');
    const { title, content } = formatPolicyError(error!);
    expect(title).toContain('Lantern could not start');
    expect(content).toContain(file);
    expect(content).toContain('autoLockMinutes：必须是 1 到 240 之间的整数');
    expect(content).toContain('autoLockMinutes: must be a whole number of minutes from 1 to 240');
    expect(content.indexOf('机器策略无效')).toBeLessThan(content.indexOf('The machine policy is invalid'));
  });
});

describe('machine policy in the Windows registry (MSI properties, Group Policy)', () => {
  it('parses reg.exe output and types the values', () => {
    const values = parseRegQuery(REG_OUTPUT);
    expect(values.get('hubUrl'.toLowerCase())).toEqual({ type: 'REG_SZ', data: 'https://hub.ward3.hospital.example.cn' });
    expect(policyFromRegistry(values)).toEqual({
      hubUrl: 'https://hub.ward3.hospital.example.cn',
      autoLockMinutes: 10,
      updates: { enabled: false, allowedChannels: ['stable', 'pilot'] },
    });
    // MSI writes every property as a string.
    expect(policyFromRegistry(parseRegQuery('    AutoLockMinutes    REG_SZ    15\r\n    UpdatesEnabled    REG_SZ    true'))).toEqual({ autoLockMinutes: 15, updates: { enabled: true } });
  });

  it('the registry wins over the file field by field, and each field says where it came from', () => {
    const t = tempDir('lantern-policy-');
    try {
      const file = join(t.dir, 'policy.json');
      writeFileSync(file, JSON.stringify({ hubUrl: 'https://file.example.cn', logLevel: 'debug', updates: { channel: 'stable' } }));
      const loaded = loadPolicy({ file, registry: REG_OUTPUT });
      expect(loaded.policy).toEqual({
        hubUrl: 'https://hub.ward3.hospital.example.cn',
        autoLockMinutes: 10,
        logLevel: 'debug',
        updates: { channel: 'stable', enabled: false, allowedChannels: ['stable', 'pilot'] },
      });
      expect(loaded.origin).toEqual({
        hubUrl: 'registry',
        logLevel: 'file',
        'updates.channel': 'file',
        autoLockMinutes: 'registry',
        'updates.enabled': 'registry',
        'updates.allowedChannels': 'registry',
      });
      expect(loaded).toMatchObject({ fileFound: true, registryFound: true, registryKey: 'HKLM\\SOFTWARE\\Policies\\Lantern' });
      // No key at all (reg.exe exit 1) is no registry policy.
      expect(loadPolicy({ file, registry: null })).toMatchObject({ registryFound: false, policy: { hubUrl: 'https://file.example.cn' } });
    } finally {
      t.cleanup();
    }
  });

  it('a bad registry value names the registry value', () => {
    const t = tempDir('lantern-policy-');
    try {
      expect(() => loadPolicy({ file: join(t.dir, 'none.json'), registry: '    AutoLockMinutes    REG_SZ    soon\r\n' })).toThrow(PolicyError);
      try {
        loadPolicy({ file: join(t.dir, 'none.json'), registry: '    AutoLockMinutes    REG_SZ    soon\r\n    UpdateChannel    REG_SZ    Beta' });
      } catch (e) {
        expect((e as PolicyError).source).toBe('HKLM\\SOFTWARE\\Policies\\Lantern');
        expect((e as PolicyError).problems.map((p) => p.field).sort()).toEqual(['AutoLockMinutes', 'UpdateChannel']);
      }
    } finally {
      t.cleanup();
    }
  });
});

describe('effective settings: policy > environment > defaults', () => {
  const loaded = (policy: object) => ({ file: '/etc/lantern/policy.json', fileFound: true, registryKey: null, registryFound: false, policy, origin: {} });

  it('defaults when nothing is set', () => {
    const { settings, warnings } = effectiveSettings(null, {});
    expect(settings).toEqual({
      hubUrl: { value: null, locked: false, source: 'default' },
      autoLockMinutes: { value: 5, locked: false, source: 'default' },
      updatesEnabled: { value: true, locked: false, source: 'default' },
      updateChannel: { value: 'stable', locked: false, source: 'default' },
      allowedChannels: { value: null, locked: false, source: 'default' },
      logLevel: { value: 'info', locked: false, source: 'default' },
    });
    expect(warnings).toEqual([]);
  });

  it('the environment applies where the policy is silent', () => {
    const { settings } = effectiveSettings(null, {
      LANTERN_HUB_URL: 'https://hub.example.cn',
      LANTERN_AUTO_LOCK_MINUTES: '12',
      LANTERN_UPDATES: 'off',
      LANTERN_UPDATE_CHANNEL: 'beta',
      LANTERN_LOG_LEVEL: 'debug',
    });
    expect(settings.hubUrl).toEqual({ value: 'https://hub.example.cn', locked: false, source: 'environment' });
    expect(settings.autoLockMinutes.value).toBe(12);
    expect(settings.updatesEnabled.value).toBe(false);
    expect(settings.updateChannel.value).toBe('beta');
    expect(settings.logLevel.value).toBe('debug');
  });

  it('the policy wins over the environment and locks the value', () => {
    const { settings, warnings } = effectiveSettings(loaded({ hubUrl: 'https://policy.example.cn', autoLockMinutes: 2, updates: { enabled: false } }), {
      LANTERN_HUB_URL: 'https://user.example.cn',
      LANTERN_AUTO_LOCK_MINUTES: '60',
      LANTERN_UPDATES: '1',
    });
    expect(settings.hubUrl).toEqual({ value: 'https://policy.example.cn', locked: true, source: 'policy' });
    expect(settings.autoLockMinutes).toEqual({ value: 2, locked: true, source: 'policy' });
    expect(settings.updatesEnabled).toEqual({ value: false, locked: true, source: 'policy' });
    expect(warnings).toEqual([
      'LANTERN_HUB_URL ignored: the machine policy sets this',
      'LANTERN_AUTO_LOCK_MINUTES ignored: the machine policy sets this',
      'LANTERN_UPDATES ignored: the machine policy sets this',
    ]);
  });

  it('allowed channels restrict what the environment may choose; the first allowed is the default', () => {
    const policy = loaded({ updates: { allowedChannels: ['stable', 'pilot'] } });
    expect(effectiveSettings(policy, { LANTERN_UPDATE_CHANNEL: 'pilot' }).settings.updateChannel).toEqual({ value: 'pilot', locked: false, source: 'environment' });
    const refused = effectiveSettings(policy, { LANTERN_UPDATE_CHANNEL: 'nightly' });
    expect(refused.settings.updateChannel).toEqual({ value: 'stable', locked: false, source: 'default' });
    expect(refused.warnings[0]).toContain('LANTERN_UPDATE_CHANNEL="nightly" ignored');
    expect(effectiveSettings(loaded({ updates: { allowedChannels: ['pilot'] } }), {}).settings.updateChannel.value).toBe('pilot');
  });

  it('bad environment values are ignored with a warning, never fatal', () => {
    const { settings, warnings } = effectiveSettings(null, { LANTERN_AUTO_LOCK_MINUTES: '0', LANTERN_HUB_URL: 'ftp://x', LANTERN_LOG_LEVEL: 'loud' });
    expect(settings.autoLockMinutes.value).toBe(5);
    expect(settings.hubUrl.value).toBeNull();
    expect(settings.logLevel.value).toBe('info');
    expect(warnings).toHaveLength(3);
  });
});

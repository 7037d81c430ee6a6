/**
 * electron-builder.yml, checked without building installers (no Windows/WiX here):
 * electron-builder's own schema validation, the settings IT relies on, the icons it
 * points at, and the MSI policy hook applied to a project rendered from
 * electron-builder's real WiX template.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { REGISTRY_VALUES } from '../../electron/services/policy/load';
import { CHANNEL_RE } from '../../electron/services/policy/schema';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
// js-yaml and ejs come with electron-builder (devDependency); they are what it uses itself.
const yaml = require('js-yaml') as { load(text: string): unknown };
const ejs = require('ejs') as { compile(template: string): (data: Record<string, unknown>) => string };

type Config = Record<string, unknown> & {
  appId: string;
  productName: string;
  asar: boolean;
  asarUnpack: string[];
  win: { icon: string; target: { target: string; arch: string[] }[] };
  msi: Record<string, unknown>;
  nsis: Record<string, unknown>;
  linux: { icon: string; target: string[]; desktop: { entry: Record<string, string> } };
  publish: { provider: string; url: string; useMultipleRangeRequest?: boolean };
  electronFuses: Record<string, boolean>;
  msiProjectCreated: string;
};
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;

/** The MSI upgrade code of every Lantern release so far: changing it breaks upgrades of installed MSIs. */
const UPGRADE_CODE = '8FF73659-A6D2-4CDC-99E0-4A14C1538C8C';

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
    await expect(validateConfiguration(structuredClone(config), { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...structuredClone(config), msi: { perMachine: true, nonsense: 1 } }, { isEnabled: false, add: () => undefined })).rejects.toThrow(/configuration\.msi/);
  });

  it('names the app in both languages and points at icons that exist', () => {
    expect(config.appId).toBe('cn.lantern.workstation');
    expect(config.productName).toContain('Lantern');
    expect(config.productName).toContain('提灯');
    expect(config.linux.desktop.entry['Name[zh_CN]']).toBe('提灯');
    expect(config.linux.desktop.entry.Name).toBe('Lantern 提灯');

    // Windows: an .ico with a 256 px entry (electron-builder requires ≥ 256), every entry a PNG.
    const ico = readFileSync(join(ROOT, config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const e = 6 + i * 16;
      sizes.push(ico[e] === 0 ? 256 : ico[e]!);
      const offset = ico.readUInt32LE(e + 12);
      expect(ico.subarray(offset, offset + 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
    expect(config.nsis.installerIcon).toBe(config.win.icon);

    // Linux: a folder of <n>x<n>.png.
    const pngs = readdirSync(join(ROOT, config.linux.icon));
    for (const size of [16, 32, 48, 128, 256, 512]) expect(pngs).toContain(`${size}x${size}.png`);
    const png = readFileSync(join(ROOT, config.linux.icon, '256x256.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([256, 256]);
  });

  it('builds an MSI per machine with the stable upgrade code, and a per-user NSIS for self-updating sites', () => {
    expect(config.win.target).toEqual([
      { target: 'msi', arch: ['x64'] },
      { target: 'nsis', arch: ['x64'] },
    ]);
    expect(config.msi).toMatchObject({ perMachine: true, upgradeCode: UPGRADE_CODE, runAfterFinish: false });
    expect(String(config.msi.upgradeCode)).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, deleteAppDataOnUninstall: false, differentialPackage: true });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it("publishes a generic feed at the hub's /updates/<channel>/, with multi-range downloads", () => {
    expect(config.publish.provider).toBe('generic');
    const m = /\/updates\/([^/]+)\/$/.exec(new URL(config.publish.url).pathname);
    expect(m).not.toBeNull();
    expect(m![1]).toMatch(CHANNEL_RE);
    expect(config.publish.useMultipleRangeRequest).toBe(true);
  });

  it('keeps native modules out of the asar and the security fuses set', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});

describe('MSI machine-policy hook (scripts/msi-policy.cjs)', () => {
  const hook = require(join(ROOT, config.msiProjectCreated)) as {
    msiProjectCreated: (file: string) => Promise<void>;
    injectPolicy: (xml: string) => string;
    PROPERTIES: { property: string; value: string; guid: string }[];
    KEY: string;
  };

  /** project.wxs as electron-builder's MsiTarget renders it (same template, same EJS conversion). */
  function renderProject(): string {
    const template = readFileSync(require.resolve('app-builder-lib/templates/msi/template.xml'), 'utf8')
      .replace(/{{/g, '<%')
      .replace(/}}/g, '%>')
      .replace(/\${([^}]+)}/g, '<%=$1%>');
    return ejs.compile(template)({
      productName: 'Lantern 提灯',
      upgradeCode: UPGRADE_CODE,
      version: '0.1.0.0',
      manufacturer: 'Lantern',
      compressionLevel: 'high',
      installationDirectoryWixName: 'Lantern 提灯',
      iconPath: 'C:\\build\\icon.ico',
      iconId: 'LanternIcon.exe',
      isRunAfterFinish: false,
      isAssisted: true,
      isPerMachine: true,
      menuCategory: null,
      programFilesId: 'ProgramFiles64Folder',
      isCreateDesktopShortcut: true,
      isCreateStartMenuShortcut: true,
      dirs: '',
      files: '<Component><File Name="lantern.exe" Source="$(var.appDir)\\lantern.exe" ReadOnly="yes" KeyPath="yes" Id="mainExecutable"/></Component>',
    });
  }

  it('maps msiexec properties to the registry values the app reads', () => {
    expect(hook.KEY).toBe('SOFTWARE\\Policies\\Lantern');
    expect(hook.PROPERTIES.map((p) => p.value).sort()).toEqual(Object.keys(REGISTRY_VALUES).sort());
    expect(hook.PROPERTIES.map((p) => p.property)).toEqual(expect.arrayContaining(['HUBURL', 'AUTOLOCK']));
    expect(new Set(hook.PROPERTIES.map((p) => p.guid)).size).toBe(hook.PROPERTIES.length);
    expect(hook.PROPERTIES.map((p) => p.guid)).not.toContain(UPGRADE_CODE);
  });

  it('adds secure properties, remembered values and conditional registry components to the real template', () => {
    const before = renderProject();
    expect(XMLValidator.validate(before)).toBe(true);
    const after = hook.injectPolicy(before);
    expect(XMLValidator.validate(after)).toBe(true);
    expect(hook.injectPolicy(after)).toBe(after); // idempotent

    interface Product {
      Feature: { ComponentGroupRef: { Id: string }[] };
      Property: Record<string, unknown>[];
      SetProperty: Record<string, unknown>[];
      ComponentGroup: { Id: string; Directory: string; Component: Record<string, unknown>[] }[];
    }
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['Property', 'SetProperty', 'Component', 'ComponentGroupRef', 'ComponentGroup'].includes(name) });
    const product = (parser.parse(after) as { Wix: { Product: Product } }).Wix.Product;
    expect(product.Feature.ComponentGroupRef.map((r) => r.Id)).toEqual(['ProductComponents', 'LanternMachinePolicy']);

    const hubUrl = product.Property.find((p) => p.Id === 'HUBURL') as { Secure: string; RegistrySearch: { Root: string; Key: string; Name: string } };
    expect(hubUrl.Secure).toBe('yes');
    expect(hubUrl.RegistrySearch).toMatchObject({ Root: 'HKLM', Key: 'SOFTWARE\\Policies\\Lantern', Name: 'HubUrl' });
    const sets = product.SetProperty.filter((s) => String(s.Id).includes('HUBURL'));
    expect(sets.map((s) => [s.Id, s.Value, s.Before ?? null, s.After ?? null])).toEqual([
      ['LANTERN_HUBURL_CMD', '[HUBURL]', 'AppSearch', null],
      ['HUBURL', '[LANTERN_HUBURL_CMD]', null, 'AppSearch'],
    ]);

    const group = product.ComponentGroup.find((g) => g.Id === 'LanternMachinePolicy')!;
    expect(group.Directory).toBe('APPLICATIONFOLDER');
    const auto = group.Component.find((c) => c.Id === 'PolicyAutoLockMinutes') as { Condition: string; Transitive: string; RegistryValue: Record<string, string> };
    expect(auto.Condition).toBe('AUTOLOCK');
    expect(auto.Transitive).toBe('yes');
    expect(auto.RegistryValue).toEqual({ Root: 'HKLM', Key: 'SOFTWARE\\Policies\\Lantern', Name: 'AutoLockMinutes', Type: 'string', Value: '[AUTOLOCK]', KeyPath: 'yes' });
    expect(group.Component).toHaveLength(hook.PROPERTIES.length);
  });

  it('refuses a project it does not recognise instead of building an MSI without policy', () => {
    expect(() => hook.injectPolicy('<Wix><Product></Product></Wix>')).toThrow(/unexpected project.wxs/);
  });

  it('exists as the hook file electron-builder loads', () => {
    expect(config.msiProjectCreated).toBe('./scripts/msi-policy.cjs');
    expect(existsSync(join(ROOT, config.msiProjectCreated))).toBe(true);
    expect(typeof hook.msiProjectCreated).toBe('function');
  });
});

import { describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppUpdater } from 'electron-updater/out/AppUpdater';
import { tempDir } from '../../tests/support/tmp';
import type { EffectiveSettings } from '../services/policy/effective';
import { decideUpdates, detectInstallKind, feedUrlFor, isWithinRollout, readStagingUserId, stagingPosition, startUpdater, updateStatusView, type AutoUpdaterLike, type InstallProbe } from './updater';

const settings = (over: Partial<{ hub: string | null; enabled: boolean; locked: boolean; channel: string }> = {}): Pick<EffectiveSettings, 'hubUrl' | 'updatesEnabled' | 'updateChannel'> => ({
  hubUrl: { value: over.hub === undefined ? 'https://hub.hospital.example.cn' : over.hub, locked: true, source: 'policy' },
  updatesEnabled: { value: over.enabled ?? true, locked: over.locked ?? false, source: over.locked ? 'policy' : 'default' },
  updateChannel: { value: over.channel ?? 'stable', locked: false, source: 'default' },
});

describe('install kind', () => {
  const probe = (over: Partial<InstallProbe>, files: string[] = []): InstallProbe => ({
    isPackaged: true,
    platform: 'win32',
    execPath: 'C:\\Program Files\\Lantern 提灯\\lantern.exe',
    resourcesPath: 'C:\\Program Files\\Lantern 提灯\\resources',
    env: {},
    productName: 'Lantern 提灯',
    exists: (p) => files.includes(p),
    readText: () => null,
    ...over,
  });

  it('NSIS leaves its uninstaller beside the exe; without it a Windows install is the MSI', () => {
    expect(detectInstallKind(probe({}, ['C:\\Program Files\\Lantern 提灯\\Uninstall Lantern 提灯.exe']))).toBe('nsis');
    expect(detectInstallKind(probe({}))).toBe('msi');
  });

  it('AppImage by $APPIMAGE, deb by resources/package-type, development when unpackaged', () => {
    expect(detectInstallKind(probe({ platform: 'linux', env: { APPIMAGE: '/home/n/Lantern.AppImage' } }))).toBe('appimage');
    expect(detectInstallKind(probe({ platform: 'linux', resourcesPath: '/opt/Lantern/resources', readText: (p) => (p === join('/opt/Lantern/resources', 'package-type') ? 'deb\n' : null) }))).toBe('deb');
    expect(detectInstallKind(probe({ platform: 'linux' }))).toBe('other');
    expect(detectInstallKind(probe({ isPackaged: false }))).toBe('dev');
  });
});

describe('update decision', () => {
  it('checks <hub>/updates/<channel>/ for an NSIS or AppImage install with updates on', () => {
    expect(decideUpdates({ isPackaged: true, installKind: 'nsis', settings: settings() })).toEqual({
      check: true,
      reason: 'ok',
      feedUrl: 'https://hub.hospital.example.cn/updates/stable/',
      channel: 'stable',
      installKind: 'nsis',
      lockedOff: false,
    });
    expect(decideUpdates({ isPackaged: true, installKind: 'appimage', settings: settings({ channel: 'pilot' }) }).feedUrl).toBe('https://hub.hospital.example.cn/updates/pilot/');
  });

  it('skips when the policy turns updates off (and says it is locked)', () => {
    expect(decideUpdates({ isPackaged: true, installKind: 'nsis', settings: settings({ enabled: false, locked: true }) })).toMatchObject({ check: false, reason: 'disabled', lockedOff: true });
    expect(decideUpdates({ isPackaged: true, installKind: 'nsis', settings: settings({ enabled: false }) })).toMatchObject({ check: false, reason: 'disabled', lockedOff: false });
  });

  it('never self-updates an MSI or deb install, or a development run', () => {
    expect(decideUpdates({ isPackaged: true, installKind: 'msi', settings: settings() }).reason).toBe('msi_install');
    expect(decideUpdates({ isPackaged: true, installKind: 'deb', settings: settings() }).reason).toBe('deb_install');
    expect(decideUpdates({ isPackaged: true, installKind: 'other', settings: settings() }).reason).toBe('unsupported_install');
    expect(decideUpdates({ isPackaged: false, installKind: 'dev', settings: settings() }).reason).toBe('not_packaged');
  });

  it('needs a hub (or an explicit feed) and https', () => {
    expect(decideUpdates({ isPackaged: true, installKind: 'nsis', settings: settings({ hub: null }) }).reason).toBe('no_hub');
    expect(decideUpdates({ isPackaged: true, installKind: 'nsis', settings: settings({ hub: 'http://10.0.0.5:8787' }) })).toMatchObject({ check: false, reason: 'feed_not_https', feedUrl: 'http://10.0.0.5:8787/updates/stable/' });
    expect(decideUpdates({ isPackaged: true, installKind: 'nsis', settings: settings({ hub: null }), explicitFeedUrl: 'https://updates.example.cn/lantern/' })).toMatchObject({ check: true, feedUrl: 'https://updates.example.cn/lantern/' });
  });

  it('keeps a hub path prefix (reverse proxy) when building the feed URL', () => {
    expect(feedUrlFor('https://intranet.example.cn/lantern/', 'stable')).toBe('https://intranet.example.cn/lantern/updates/stable/');
    expect(feedUrlFor('https://hub.example.cn:8443', 'beta')).toBe('https://hub.example.cn:8443/updates/beta/');
  });
});

describe('staged rollout: the same rule as electron-updater', () => {
  const ids = ['00000000-0000-4000-8000-000000000000', '7f3c1a92-5d2e-4b8f-9a11-00000000ffff', 'd6b1c2a4-90ef-4f21-8c3d-00007fffffff', 'a8f5f167-f44f-4964-a6c4-80000000ffff', 'ffffffff-ffff-4fff-bfff-ffffffffffff'];

  it('position is the last 32 bits of the install id', () => {
    expect(stagingPosition(ids[0]!)).toBe(0);
    expect(stagingPosition(ids[1]!)).toBeCloseTo(0xffff / 0xffffffff, 12);
    expect(stagingPosition(ids[2]!)).toBeCloseTo(0.5, 6);
    expect(stagingPosition(ids[4]!)).toBe(1);
    expect(() => stagingPosition('not-a-uuid')).toThrow();
  });

  it('agrees with AppUpdater.isStagingMatch for fixed and random ids at every percentage', async () => {
    const all = [...ids, ...Array.from({ length: 40 }, () => randomUUID())];
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    for (const id of all) {
      const fake = { stagingUserIdPromise: { value: Promise.resolve(id) }, _logger: logger };
      for (const pct of [undefined, 0, 1, 10, 25, 49, 50, 51, 75, 99, 100, 'x']) {
        const theirs = await (AppUpdater.prototype as unknown as { isStagingMatch(info: object): Promise<boolean> }).isStagingMatch.call(fake, { stagingPercentage: pct });
        expect(isWithinRollout(id, pct as number | undefined), `${id} @ ${String(pct)}`).toBe(theirs);
      }
    }
  });

  it('reads the per-install id electron-updater keeps in userData', () => {
    const t = tempDir('lantern-upd-');
    try {
      expect(readStagingUserId(t.dir)).toBeNull();
      writeFileSync(join(t.dir, '.updaterId'), ids[2]!);
      expect(readStagingUserId(t.dir)).toBe(ids[2]);
      writeFileSync(join(t.dir, '.updaterId'), 'garbage');
      expect(readStagingUserId(t.dir)).toBeNull();
    } finally {
      t.cleanup();
    }
  });
});

describe('running the updater', () => {
  function fakeUpdater(result: Awaited<ReturnType<AutoUpdaterLike['checkForUpdates']>> | Error) {
    const listeners = new Map<string, (arg: unknown) => void>();
    const u: AutoUpdaterLike & { feeds: unknown[]; checks: number; emit: (e: string, a?: unknown) => void } = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      allowDowngrade: true,
      feeds: [],
      checks: 0,
      setFeedURL(o) {
        u.feeds.push(o);
      },
      async checkForUpdates() {
        u.checks++;
        if (result instanceof Error) throw result;
        return result;
      },
      on(event, fn) {
        listeners.set(event, fn);
        return u;
      },
      emit: (e, a) => listeners.get(e)?.(a),
    };
    return u;
  }

  it('points electron-updater at the feed, downloads in the background, installs on quit, checks on a timer', async () => {
    const u = fakeUpdater({ updateInfo: { version: '1.2.0' } });
    const timers: number[] = [];
    const r = startUpdater(decideUpdates({ isPackaged: true, installKind: 'nsis', settings: settings() }), u, { log: () => undefined, setInterval: (_fn, ms) => (timers.push(ms), {}), now: () => 42 });
    expect(u.feeds).toEqual([{ provider: 'generic', url: 'https://hub.hospital.example.cn/updates/stable/' }]);
    expect([u.autoDownload, u.autoInstallOnAppQuit, u.allowDowngrade]).toEqual([true, true, false]);
    expect(timers).toEqual([4 * 60 * 60 * 1000]);
    await vi.waitFor(() => expect(r.status().lastCheckAt).toBe(42));
    u.emit('update-downloaded', { version: '1.2.0' });
    expect(r.status()).toMatchObject({ state: 'downloaded', availableVersion: '1.2.0' });
    expect(updateStatusView(r.status(), '00000000-0000-4000-8000-00007fffffff')).toMatchObject({
      check: true,
      reason: 'ok',
      feedUrl: 'https://hub.hospital.example.cn/updates/stable/',
      state: 'downloaded',
      availableVersion: '1.2.0',
      rollout: { id: '00000000-0000-4000-8000-00007fffffff', position: expect.closeTo(0.5, 6) },
    });
    expect(updateStatusView(r.status(), null).rollout).toBeNull();
  });

  it('touches nothing when the decision says no; a failing check is logged, never thrown', async () => {
    const off = fakeUpdater(null);
    const r = startUpdater(decideUpdates({ isPackaged: true, installKind: 'msi', settings: settings() }), off, { log: () => undefined });
    await r.check();
    expect(off.feeds).toEqual([]);
    expect(off.checks).toBe(0);
    expect(r.status().decision.reason).toBe('msi_install');

    const logs: string[] = [];
    const failing = fakeUpdater(new Error('net::ERR_CERT_AUTHORITY_INVALID'));
    const r2 = startUpdater(decideUpdates({ isPackaged: true, installKind: 'nsis', settings: settings() }), failing, { log: (_l, m) => logs.push(m), setInterval: () => ({}) });
    await vi.waitFor(() => expect(r2.status().state).toBe('error'));
    expect(r2.status().error).toContain('ERR_CERT_AUTHORITY_INVALID');
    expect(logs).toContain('update check failed');
  });
});

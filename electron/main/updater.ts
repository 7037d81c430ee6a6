import { existsSync, readFileSync } from 'node:fs';
import { join, win32 } from 'node:path';
import type { UpdateStatusView } from '../services/diagnostics/types';
import type { EffectiveSettings } from '../services/policy/effective';

/**
 * Updates from the hospital's own hub. electron-updater's generic provider is pointed
 * at `<hub>/updates/<channel>/`; it downloads only what latest.yml lists, verifies the
 * sha512 itself, and honours `stagingPercentage` (staged rollout). Every decision is
 * made here, in pure functions, so the policy rules are unit-tested without Electron;
 * index.ts only hands over the real `autoUpdater`.
 *
 * No self-update when:
 *  - the app is not packaged (development);
 *  - the policy (or LANTERN_UPDATES=off) turns updates off;
 *  - it was installed by the MSI: electron-updater cannot update MSI installs, and IT
 *    deploys MSI upgrades itself (GPO/SCCM). Also a deb install (apt does that);
 *  - the feed is not https (the feed decides what code runs next).
 */

export type InstallKind = 'nsis' | 'msi' | 'appimage' | 'deb' | 'dev' | 'other';

export interface InstallProbe {
  isPackaged: boolean;
  platform: string;
  /** process.execPath: the app's executable. */
  execPath: string;
  resourcesPath: string;
  env: Readonly<Record<string, string | undefined>>;
  /** package.json productName ("Lantern 提灯"): NSIS names its uninstaller after it. */
  productName: string;
  exists?: (path: string) => boolean;
  readText?: (path: string) => string | null;
}

/**
 * How this copy was installed. NSIS (electron-builder) leaves `Uninstall <productName>.exe`
 * beside the executable and the MSI does not, so on Windows anything without that
 * uninstaller counts as an MSI (or hand-copied) install and is never self-updated.
 * On Linux, electron-builder's deb writes `resources/package-type`; an AppImage runs with $APPIMAGE.
 */
export function detectInstallKind(p: InstallProbe): InstallKind {
  if (!p.isPackaged) return 'dev';
  const exists = p.exists ?? existsSync;
  const readText =
    p.readText ??
    ((path: string) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    });
  if (p.platform === 'win32') {
    return exists(win32.join(win32.dirname(p.execPath), `Uninstall ${p.productName}.exe`)) ? 'nsis' : 'msi';
  }
  if (p.platform === 'linux') {
    if (p.env.APPIMAGE) return 'appimage';
    const type = readText(join(p.resourcesPath, 'package-type'))?.trim();
    if (type === 'deb') return 'deb';
    return 'other';
  }
  return 'other';
}

export type UpdateSkipReason = 'not_packaged' | 'disabled' | 'msi_install' | 'deb_install' | 'unsupported_install' | 'no_hub' | 'feed_not_https';

export interface UpdateDecision {
  check: boolean;
  reason: 'ok' | UpdateSkipReason;
  feedUrl: string | null;
  channel: string;
  installKind: InstallKind;
  /** Updates off because the machine policy says so (not a user or environment choice). */
  lockedOff: boolean;
}

/** `<hub>/updates/<channel>/` — hub paths kept (a hub behind a reverse proxy at /lantern). */
export function feedUrlFor(hubUrl: string, channel: string): string {
  const u = new URL(hubUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/updates/${encodeURIComponent(channel)}/`;
  u.search = '';
  u.hash = '';
  return u.href;
}

export interface DecideInput {
  isPackaged: boolean;
  installKind: InstallKind;
  settings: Pick<EffectiveSettings, 'hubUrl' | 'updatesEnabled' | 'updateChannel'>;
  /** LANTERN_UPDATE_URL (already https-checked by runtime.updateFeedUrl): an explicit feed instead of the hub's. */
  explicitFeedUrl?: string | null;
}

export function decideUpdates(input: DecideInput): UpdateDecision {
  const channel = input.settings.updateChannel.value;
  const base = { channel, installKind: input.installKind, lockedOff: false };
  const skip = (reason: UpdateSkipReason, feedUrl: string | null = null): UpdateDecision => ({ ...base, check: false, reason, feedUrl });
  if (!input.isPackaged) return skip('not_packaged');
  if (!input.settings.updatesEnabled.value) return { ...skip('disabled'), lockedOff: input.settings.updatesEnabled.locked };
  if (input.installKind === 'msi') return skip('msi_install');
  if (input.installKind === 'deb') return skip('deb_install');
  if (input.installKind !== 'nsis' && input.installKind !== 'appimage') return skip('unsupported_install');
  const hub = input.settings.hubUrl.value;
  const feedUrl = input.explicitFeedUrl ?? (hub ? feedUrlFor(hub, channel) : null);
  if (!feedUrl) return skip('no_hub');
  if (new URL(feedUrl).protocol !== 'https:') return skip('feed_not_https', feedUrl);
  return { ...base, check: true, reason: 'ok', feedUrl };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where this installation falls in a staged rollout, 0…1 — electron-updater's own rule
 * (AppUpdater.isStagingMatch): the last four bytes of the per-install UUID in
 * `<userData>/.updaterId`, big-endian, divided by 0xffffffff.
 */
export function stagingPosition(stagingUserId: string): number {
  if (!UUID_RE.test(stagingUserId)) throw new Error(`Not a UUID: ${stagingUserId.slice(0, 40)}`);
  return Buffer.from(stagingUserId.replace(/-/g, ''), 'hex').readUInt32BE(12) / 0xffffffff;
}

/** Same decision as electron-updater: no percentage (or not a number) = everyone. */
export function isWithinRollout(stagingUserId: string, stagingPercentage: number | string | null | undefined): boolean {
  if (stagingPercentage === null || stagingPercentage === undefined) return true;
  const pct = Number.parseInt(String(stagingPercentage), 10);
  if (Number.isNaN(pct)) return true;
  return stagingPosition(stagingUserId) < pct / 100;
}

/** The id electron-updater created for this install, or null before its first check. */
export function readStagingUserId(userDataDir: string): string | null {
  try {
    const id = readFileSync(join(userDataDir, '.updaterId'), 'utf8').trim();
    return UUID_RE.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** What electron-updater's autoUpdater offers that we use (structural, so tests pass a fake). */
export interface AutoUpdaterLike {
  logger?: unknown;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  checkForUpdates(): Promise<{ updateInfo: { version: string; stagingPercentage?: number } } | null>;
  on(event: 'update-available' | 'update-not-available' | 'update-downloaded' | 'error', listener: (arg: unknown) => void): unknown;
}

export interface UpdateStatus {
  decision: UpdateDecision;
  lastCheckAt: number | null;
  state: 'idle' | 'checking' | 'up_to_date' | 'available' | 'downloaded' | 'error';
  availableVersion: string | null;
  error: string | null;
}

export interface UpdaterOptions {
  log: (level: 'info' | 'warn' | 'error', msg: string, extra?: unknown) => void;
  /** Default every 4 hours. */
  intervalMs?: number;
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => { unref?: () => void };
}

export interface RunningUpdater {
  status(): UpdateStatus;
  /** Check now (also what the timer calls). Never throws. */
  check(): Promise<void>;
}

export function initialStatus(decision: UpdateDecision): UpdateStatus {
  return { decision, lastCheckAt: null, state: 'idle', availableVersion: null, error: null };
}

/** Wires electron-updater per the decision. With `check: false` nothing is touched. */
export function startUpdater(decision: UpdateDecision, updater: AutoUpdaterLike | null, opts: UpdaterOptions): RunningUpdater {
  const now = opts.now ?? Date.now;
  const status = initialStatus(decision);
  if (!decision.check || !decision.feedUrl || !updater) {
    opts.log('info', 'updates off', { reason: decision.reason, installKind: decision.installKind, channel: decision.channel });
    return { status: () => ({ ...status }), check: async () => undefined };
  }
  // electron-updater's own messages go to our (scrubbed, rotated) log.
  updater.logger = {
    info: (m: unknown) => opts.log('info', `updater: ${String(m)}`),
    warn: (m: unknown) => opts.log('warn', `updater: ${String(m)}`),
    error: (m: unknown) => opts.log('error', `updater: ${String(m)}`),
    debug: () => undefined,
  };
  // Downloaded in the background, installed when the user quits (never mid-shift).
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  updater.setFeedURL({ provider: 'generic', url: decision.feedUrl });
  updater.on('update-available', (info) => {
    status.state = 'available';
    status.availableVersion = (info as { version?: string }).version ?? null;
    opts.log('info', 'update available', { version: status.availableVersion });
  });
  updater.on('update-not-available', () => {
    status.state = 'up_to_date';
  });
  updater.on('update-downloaded', (info) => {
    status.state = 'downloaded';
    status.availableVersion = (info as { version?: string }).version ?? status.availableVersion;
    opts.log('info', 'update downloaded; installs on quit', { version: status.availableVersion });
  });
  updater.on('error', (e) => {
    status.state = 'error';
    status.error = e instanceof Error ? e.message : String(e);
  });
  const check = async () => {
    status.lastCheckAt = now();
    status.state = 'checking';
    try {
      const r = await updater.checkForUpdates();
      if (status.state === 'checking') status.state = r ? 'up_to_date' : 'idle';
    } catch (e) {
      status.state = 'error';
      status.error = e instanceof Error ? e.message : String(e);
      opts.log('warn', 'update check failed', { error: status.error, feed: decision.feedUrl });
    }
  };
  opts.log('info', 'updates on', { feed: decision.feedUrl, channel: decision.channel, installKind: decision.installKind });
  void check();
  (opts.setInterval ?? setInterval)(() => void check(), opts.intervalMs ?? 4 * 60 * 60 * 1000).unref?.();
  return { status: () => ({ ...status }), check };
}

/** The console's view of the updater (electron/services/diagnostics). */
export function updateStatusView(s: UpdateStatus, stagingUserId: string | null): UpdateStatusView {
  let rollout: UpdateStatusView['rollout'] = null;
  if (stagingUserId) {
    try {
      rollout = { id: stagingUserId, position: stagingPosition(stagingUserId) };
    } catch {
      rollout = null;
    }
  }
  return {
    check: s.decision.check,
    reason: s.decision.reason,
    channel: s.decision.channel,
    feedUrl: s.decision.feedUrl,
    installKind: s.decision.installKind,
    lockedOff: s.decision.lockedOff,
    state: s.state,
    lastCheckAt: s.lastCheckAt,
    availableVersion: s.availableVersion,
    error: s.error,
    rollout,
  };
}

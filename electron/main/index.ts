/**
 * Electron main process: wiring only. Every decision lives in a small, unit-tested
 * module next to this file (window, navigation, permissions, ipc, keywrapper,
 * runtime, protocol, startup-error); the workstation itself is electron/services.
 * Built by electron-vite as ESM (package.json "type": "module"), hence import.meta.dirname.
 */
import { app, BrowserWindow, crashReporter, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { INVOKE_CHANNEL } from '../../shared/contract/bridge';
import { createWrappedKeyStore } from '../services/replica/keystore';
import { createWorkstation, type Log, type Workstation } from '../services/workstation';
import { hubChoice, startEmbeddedHub, type EmbeddedHub } from './embedded-hub';
import { createWorkstationLogger } from '../services/logs/logger';
import { watchSync } from '../services/logs/sync-watch';
import { formatPolicyError, PolicyError } from '../services/policy/load';
import { RotatingFile } from '../../hub/log/rotating';
import { APP_ENTRY_URL, APP_SCHEME } from './csp';
import { createInvokeHandler } from './ipc';
import { assertKeyProtection, createSafeStorageKeyWrapper } from './keywrapper';
import { handleWillAttachWebview, handleWillNavigate, windowOpenHandler } from './navigation';
import { installPermissionHandlers } from './permissions';
import { createAppProtocolHandler } from './protocol';
import { resolveRuntime } from './runtime';
import type * as ElectronUpdater from 'electron-updater';
import { formatStartupError } from './startup-error';
import { buildWindowOptions } from './window';
import { loadMachinePolicy } from './policy';
import { decideUpdates, detectInstallKind, initialStatus, readStagingUserId, startUpdater, updateStatusView, type AutoUpdaterLike, type RunningUpdater } from './updater';

// Crash dumps stay on this computer (app.getPath('crashDumps')); they may hold patient data.
crashReporter.start({ uploadToServer: false, compress: true });

// <userData>/logs/main.log, size-rotated, identifiers scrubbed before they are written.
const logDir = join(app.getPath('userData'), 'logs');
const logs = createWorkstationLogger({
  destination: new RotatingFile({ dir: logDir, name: 'main' }),
  ...(app.isPackaged ? {} : { echo: (level, line) => console[level === 'debug' ? 'info' : level](`[lantern] ${line.trim()}`) }),
});
const log: Log = logs.log;

const runtime = resolveRuntime({
  isPackaged: app.isPackaged,
  mainDir: import.meta.dirname,
  appPath: app.getAppPath(),
  resourcesPath: process.resourcesPath,
  env: process.env,
  electronVersion: process.versions.electron ?? '',
  platform: process.platform,
  arch: process.arch,
  argv: process.argv,
});

// Both must happen before 'ready'.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

let mainWindow: BrowserWindow | null = null;
let workstation: Workstation | null = null;
let embeddedHub: EmbeddedHub | null = null;

if (!app.requestSingleInstanceLock()) {
  // Two instances would fight over one encrypted replica file.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', handleWillNavigate);
    contents.on('will-redirect', handleWillNavigate);
    contents.on('will-attach-webview', handleWillAttachWebview);
    contents.setWindowOpenHandler((details) => windowOpenHandler(details, (url) => shell.openExternal(url), runtime.externalAllowList));
  });

  app.on('window-all-closed', () => app.quit());

  let closing = false;
  app.on('before-quit', (event) => {
    if (!workstation || closing) return;
    event.preventDefault();
    closing = true;
    const ws = workstation;
    workstation = null;
    ws.close()
      .then(() => embeddedHub?.close())
      .catch((error: unknown) => log('error', 'closing the workstation failed', { error: String(error) }))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch(async (error: unknown) => {
      log('error', 'startup failed', { error: String(error) });
      const { title, content } = error instanceof PolicyError ? formatPolicyError(error) : formatStartupError(error);
      dialog.showErrorBox(title, content);
      // app.exit() skips 'before-quit': close the replica here if it was opened.
      await workstation?.close().catch(() => undefined);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: runtime.rendererDir }));
  installPermissionHandlers(session.defaultSession);

  const userData = app.getPath('userData');
  // Machine policy first: a bad one stops the app (PolicyError → dialog naming the file and field).
  const policy = loadMachinePolicy({ platform: process.platform, isPackaged: app.isPackaged, env: process.env });
  logs.setLevel(policy.settings.logLevel.value);
  for (const warning of policy.warnings) log('warn', warning);
  const updates = decideUpdates({
    isPackaged: app.isPackaged,
    installKind: detectInstallKind({ isPackaged: app.isPackaged, platform: process.platform, execPath: process.execPath, resourcesPath: process.resourcesPath, env: process.env, productName: app.getName() }),
    settings: policy.settings,
    explicitFeedUrl: runtime.updateFeedUrl,
  });
  let updater: RunningUpdater | null = null;
  const wrapper = createSafeStorageKeyWrapper(safeStorage);
  assertKeyProtection(wrapper);
  // No hub configured: run one in-process (single clinic / first run) so one command works.
  const choice = hubChoice(policy.settings.hubUrl.value);
  embeddedHub = choice.kind === 'embedded' ? await startEmbeddedHub(userData, { demoDataPath: runtime.demoDataPath }) : null;
  workstation = await createWorkstation({
    dataDir: userData,
    keyStore: createWrappedKeyStore(join(userData, 'replica.key'), wrapper),
    appVersion: app.getVersion(),
    hubUrl: choice.kind === 'remote' ? choice.url : embeddedHub!.url,
    ...(embeddedHub ? { demoAccounts: embeddedHub.demoAccounts } : {}),
    autoLockMinutes: policy.settings.autoLockMinutes.value,
    demoDataPath: runtime.demoDataPath,
    ...(runtime.nativeBinding ? { nativeBinding: runtime.nativeBinding } : {}),
    log,
    console: {
      diagnosticMode: runtime.diagnosticMode,
      versions: process.versions,
      platform: process.platform,
      arch: process.arch,
      logDir,
      crashDumpsDir: app.getPath('crashDumps'),
      policy: policy.view,
      updates: () => updateStatusView(updater?.status() ?? initialStatus(updates), readStagingUserId(userData)),
    },
  });
  // Each sign-in opens a new session (sign-out closes the replica): watch each one's sync.
  workstation.onSignedIn(({ sync }) => {
    if (sync) watchSync(sync, log);
  });
  ipcMain.handle(INVOKE_CHANNEL, createInvokeHandler(workstation.dispatch));

  const win = new BrowserWindow(buildWindowOptions({ preloadPath: runtime.preloadPath, isPackaged: app.isPackaged }));
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  await win.loadURL(APP_ENTRY_URL);

  updater = startUpdater(updates, updates.check ? loadAutoUpdater() : null, { log });
}

/** electron-updater is CommonJS with a lazy getter export, so it is required, not imported. */
function loadAutoUpdater(): AutoUpdaterLike | null {
  try {
    return (createRequire(import.meta.url)('electron-updater') as typeof ElectronUpdater).autoUpdater as unknown as AutoUpdaterLike;
  } catch (error) {
    log('warn', 'electron-updater unavailable', { error: String(error) });
    return null;
  }
}

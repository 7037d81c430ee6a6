/**
 * The real main-process wiring (index.ts) against a stand-in 'electron' module:
 * there is no Electron binary in CI, but the order of calls, the handlers that get
 * installed and the workstation they reach are all real and checked here.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INVOKE_CHANNEL } from '../../shared/contract/bridge';
import { tempDir } from '../../tests/support/tmp';
import { APP_ENTRY_URL } from './csp';
import { buildWindowOptions } from './window';
import { stripAnsi } from '../services/diagnostics/ansi';

type Listener = (...args: unknown[]) => unknown;

const m = vi.hoisted(() => {
  const state = {} as {
    calls: string[];
    userData: string;
    lock: boolean;
    encryptionAvailable: boolean;
    resolveReady: () => void;
    ready: Promise<void>;
    app: EventEmitter & Record<string, unknown>;
    windows: { options: unknown; url?: string; emitter: EventEmitter; shown: boolean; focused: boolean }[];
    ipcHandlers: Map<string, Listener>;
    protocolHandlers: Map<string, (req: Request) => Promise<Response>>;
    schemes: unknown;
    session: Record<'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler', Mock>;
    errorBox: Mock<(title: string, content: string) => void>;
    crashOptions: unknown;
    openExternal: Mock<(url: string) => Promise<void>>;
  };
  return { state };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const s = m.state;
  const app = new Emitter() as EventEmitter & Record<string, unknown>;
  Object.assign(app, {
    isPackaged: false,
    enableSandbox: () => s.calls.push('enableSandbox'),
    requestSingleInstanceLock: () => (s.calls.push('requestSingleInstanceLock'), s.lock),
    whenReady: () => s.ready,
    getAppPath: () => fileURLToPath(new URL('../..', import.meta.url)),
    getPath: (name: string) => (name === 'userData' ? s.userData : name === 'crashDumps' ? `${s.userData}/Crashpad` : '/nonexistent'),
    getName: () => 'Lantern 提灯',
    getVersion: () => '0.0.0-test',
    quit: vi.fn(() => s.calls.push('quit')),
    exit: vi.fn((code: number) => s.calls.push(`exit:${code}`)),
  });
  s.app = app;
  class BrowserWindow {
    private readonly record: (typeof s.windows)[number];
    constructor(options: unknown) {
      this.record = { options, emitter: new Emitter(), shown: false, focused: false };
      s.windows.push(this.record);
      s.calls.push('BrowserWindow');
    }
    once(event: string, fn: Listener) {
      this.record.emitter.once(event, fn);
      return this;
    }
    on(event: string, fn: Listener) {
      this.record.emitter.on(event, fn);
      return this;
    }
    async loadURL(url: string) {
      this.record.url = url;
      s.calls.push(`loadURL:${url}`);
    }
    show() {
      this.record.shown = true;
    }
    focus() {
      this.record.focused = true;
    }
    isMinimized() {
      return false;
    }
    restore() {}
  }
  const aes = await import('node:crypto');
  const wrapKey = aes.randomBytes(32);
  return {
    app,
    BrowserWindow,
    crashReporter: {
      start: (options: unknown) => {
        s.calls.push('crashReporter.start');
        s.crashOptions = options;
      },
    },
    // Through `s` at call time: the factory runs once, the state is renewed per test.
    dialog: { showErrorBox: (title: string, content: string) => s.errorBox(title, content) },
    ipcMain: { handle: (channel: string, fn: Listener) => s.ipcHandlers.set(channel, fn) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => {
        s.calls.push('registerSchemesAsPrivileged');
        s.schemes = schemes;
      },
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => {
        s.calls.push(`protocol.handle:${scheme}`);
        s.protocolHandlers.set(scheme, fn);
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => s.encryptionAvailable,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (plain: string) => {
        const iv = aes.randomBytes(12);
        const c = aes.createCipheriv('aes-256-gcm', wrapKey, iv);
        const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
        return Buffer.concat([iv, c.getAuthTag(), body]);
      },
      decryptString: (data: Buffer) => {
        const d = aes.createDecipheriv('aes-256-gcm', wrapKey, data.subarray(0, 12));
        d.setAuthTag(data.subarray(12, 28));
        return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
      },
    },
    session: {
      get defaultSession() {
        return s.session;
      },
    },
    shell: { openExternal: (url: string) => s.openExternal(url) },
  };
});

const appEvent = () => ({ preventDefault: vi.fn() });

describe('main process wiring (index.ts)', () => {
  let cleanup = () => {};

  beforeEach(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    const s = m.state;
    s.calls = [];
    s.userData = t.dir;
    s.lock = true;
    s.encryptionAvailable = true;
    s.windows = [];
    s.ipcHandlers = new Map();
    s.protocolHandlers = new Map();
    s.session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() };
    s.errorBox = vi.fn();
    s.crashOptions = undefined;
    // Hermetic: no machine policy unless a test writes one.
    vi.stubEnv('LANTERN_POLICY_FILE', join(t.dir, 'policy.json'));
    s.openExternal = vi.fn(async () => undefined);
    s.ready = new Promise<void>((resolve) => {
      s.resolveReady = resolve;
    });
    s.app?.removeAllListeners();
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => undefined);
    vi.resetModules();
  });

  afterEach(async () => {
    // Close the replica the way a real quit would, then drop the temp folder.
    m.state.app?.emit('before-quit', appEvent());
    await new Promise((r) => setTimeout(r, 10));
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    cleanup();
  });

  async function boot() {
    await import('./index');
    return m.state;
  }

  it('sandboxes, registers the app scheme and takes the single-instance lock before ready', async () => {
    const s = await boot();
    expect(s.calls.slice(0, 4)).toEqual(['crashReporter.start', 'enableSandbox', 'registerSchemesAsPrivileged', 'requestSingleInstanceLock']);
    expect(s.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    expect(s.protocolHandlers.size).toBe(0);
    expect(s.windows).toHaveLength(0);
  });

  it('on ready: protocol, permissions, workstation on IPC, hardened window loading app://lantern', async () => {
    const s = await boot();
    s.resolveReady();
    await vi.waitFor(() => expect(s.calls).toContain(`loadURL:${APP_ENTRY_URL}`));

    expect(s.calls.indexOf('protocol.handle:app')).toBeLessThan(s.calls.indexOf('BrowserWindow'));
    const serve = s.protocolHandlers.get('app')!;
    expect((await serve(new Request('app://evil/index.html'))).status).toBe(403);
    expect((await serve(new Request('app://lantern/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);

    expect(s.session.setPermissionRequestHandler).toHaveBeenCalledOnce();
    expect(s.session.setPermissionCheckHandler).toHaveBeenCalledOnce();
    expect(s.session.setDevicePermissionHandler).toHaveBeenCalledOnce();

    expect(s.windows).toHaveLength(1);
    const win = s.windows[0]!;
    const mainDir = fileURLToPath(new URL('.', import.meta.url));
    expect(win.options).toEqual(buildWindowOptions({ preloadPath: join(mainDir, '..', 'preload', 'index.cjs'), isPackaged: false }));
    expect(win.shown).toBe(false);
    win.emitter.emit('ready-to-show');
    expect(win.shown).toBe(true);

    // The replica key exists only wrapped; the demo clinic answers over the real IPC handler.
    expect(existsSync(join(s.userData, 'replica.key'))).toBe(true);
    expect(existsSync(join(s.userData, 'replica.db'))).toBe(true);
    const invoke = s.ipcHandlers.get(INVOKE_CHANNEL)!;
    const trusted = { senderFrame: { url: APP_ENTRY_URL, parent: null } };
    // No hub configured: the embedded demo hub on loopback; the workspace waits for sign-in.
    expect(await invoke(trusted, 'session.info', {})).toMatchObject({ ok: true, value: { mode: 'hub', hubUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), appVersion: '0.0.0-test', replica: { encrypted: true } } });
    expect(await invoke(trusted, 'conversations.list', {})).toMatchObject({ ok: false, error: { code: 'session.signed_out' } });
    expect(await invoke(trusted, 'sync.login', { username: 'agent', password: 'agent-demo' })).toMatchObject({ ok: true, value: { role: 'agent' } });
    await vi.waitFor(async () => expect(await invoke(trusted, 'conversations.list', {})).toMatchObject({ ok: true, value: { total: 6 } }), { timeout: 10_000 });
    expect(await invoke({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'conversations.list', {})).toMatchObject({ ok: false, error: { code: 'contract.untrusted_sender' } });
    expect(s.errorBox).not.toHaveBeenCalled();
  });

  it('hooks every new webContents: navigation, window.open and <webview> are locked', async () => {
    const s = await boot();
    const contents = new EventEmitter() as EventEmitter & { setWindowOpenHandler: ReturnType<typeof vi.fn> };
    contents.setWindowOpenHandler = vi.fn();
    s.app.emit('web-contents-created', appEvent(), contents);

    const nav = appEvent();
    contents.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const inApp = appEvent();
    contents.emit('will-navigate', inApp, 'app://lantern/index.html');
    expect(inApp.preventDefault).not.toHaveBeenCalled();
    const redirect = appEvent();
    contents.emit('will-redirect', redirect, 'http://evil.example/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = appEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();

    const openHandler = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => unknown;
    expect(openHandler({ url: 'https://www.who.int/x' })).toEqual({ action: 'deny' });
    expect(openHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(s.openExternal.mock.calls).toEqual([['https://www.who.int/x']]);
  });

  it('a second instance focuses the existing window', async () => {
    const s = await boot();
    s.resolveReady();
    await vi.waitFor(() => expect(s.windows).toHaveLength(1));
    s.app.emit('second-instance');
    expect(s.windows[0]!.focused).toBe(true);
  });

  it('quits at once when another instance holds the lock', async () => {
    m.state.lock = false;
    const s = await boot();
    expect(s.calls).toContain('quit');
    expect(s.app.listenerCount('web-contents-created')).toBe(0);
  });

  it('refuses to start without OS key protection: bilingual dialog, exit 1, no key written', async () => {
    m.state.encryptionAvailable = false;
    const s = await boot();
    s.resolveReady();
    await vi.waitFor(() => expect(s.calls).toContain('exit:1'));
    expect(s.errorBox).toHaveBeenCalledOnce();
    const [title, content] = s.errorBox.mock.calls[0] as [string, string];
    expect(title).toContain('Lantern');
    expect(content).toContain('系统密钥保护不可用');
    expect(content).toContain('operating system key protection is unavailable');
    expect(content).toContain('keystore.unavailable');
    expect(existsSync(join(s.userData, 'replica.key'))).toBe(false);
    expect(s.windows).toHaveLength(0);
  });

  it('keeps crash dumps local and writes a scrubbed main.log under userData/logs', async () => {
    const s = await boot();
    expect(s.crashOptions).toEqual({ uploadToServer: false, compress: true });
    s.resolveReady();
    await vi.waitFor(() => expect(s.ipcHandlers.has(INVOKE_CHANNEL)).toBe(true));
    const logFile = join(s.userData, 'logs', 'main.log');
    await vi.waitFor(() => expect(existsSync(logFile)).toBe(true));
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; service: string });
    expect(lines.map((l) => l.msg)).toContain('updates off');
    expect(lines[0]!.service).toBe('lantern-workstation');
    // The console sees the same surroundings (once someone has signed in: it can list unsent replies).
    const invoke = s.ipcHandlers.get(INVOKE_CHANNEL)!;
    const trusted = { senderFrame: { url: APP_ENTRY_URL, parent: null } };
    expect(await invoke(trusted, 'console.run', { line: 'status' })).toMatchObject({ ok: false, error: { code: 'session.signed_out' } });
    expect(await invoke(trusted, 'sync.login', { username: 'admin', password: 'admin-demo' })).toMatchObject({ ok: true });
    const status = (await invoke(trusted, 'console.run', { line: 'status' })) as { ok: true; value: { lines: string[] } };
    const text = stripAnsi(status.value.lines.join('\n'));
    expect(text).toContain(join(s.userData, 'logs'));
    expect(text).toContain('开发运行');
  });

  it('machine policy: auto-lock from the policy file, shown as locked', async () => {
    writeFileSync(join(m.state.userData, 'policy.json'), JSON.stringify({ autoLockMinutes: 2, logLevel: 'warn' }));
    const s = await boot();
    s.resolveReady();
    await vi.waitFor(() => expect(s.ipcHandlers.has(INVOKE_CHANNEL)).toBe(true));
    const invoke = s.ipcHandlers.get(INVOKE_CHANNEL)!;
    const trusted = { senderFrame: { url: APP_ENTRY_URL, parent: null } };
    expect(await invoke(trusted, 'session.info', {})).toMatchObject({ ok: true, value: { autoLockMinutes: 2 } });
    expect(await invoke(trusted, 'policy.get', {})).toMatchObject({
      ok: true,
      value: { fileFound: true, settings: { autoLockMinutes: { value: 2, locked: true, source: 'policy' }, logLevel: { value: 'warn', locked: true } } },
    });
  });

  it('refuses to start with a bad machine policy: bilingual dialog naming the file and field, exit 1, nothing opened', async () => {
    const file = join(m.state.userData, 'policy.json');
    writeFileSync(file, JSON.stringify({ autoLockMinutes: 0 }));
    const s = await boot();
    s.resolveReady();
    await vi.waitFor(() => expect(s.calls).toContain('exit:1'));
    const [title, content] = s.errorBox.mock.calls[0] as [string, string];
    expect(title).toContain('Lantern could not start');
    expect(content).toContain(file);
    expect(content).toContain('autoLockMinutes：必须是 1 到 240 之间的整数（分钟）');
    expect(content).toContain('autoLockMinutes: must be a whole number of minutes from 1 to 240');
    expect(existsSync(join(s.userData, 'replica.db'))).toBe(false);
    expect(s.windows).toHaveLength(0);
  });

  it('before-quit closes the workstation, then quits', async () => {
    const s = await boot();
    s.resolveReady();
    await vi.waitFor(() => expect(s.ipcHandlers.has(INVOKE_CHANNEL)).toBe(true));
    const quit = appEvent();
    s.app.emit('before-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(s.calls).toContain('quit'));
    // Closed: the replica no longer answers.
    const r = await s.ipcHandlers.get(INVOKE_CHANNEL)!({ senderFrame: { url: APP_ENTRY_URL, parent: null } }, 'session.info', {});
    expect(r).toMatchObject({ ok: false });
    // A second before-quit (from that app.quit()) passes straight through.
    const again = appEvent();
    s.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createWorkstation, type Workstation } from '../../electron/services/workstation';
import { createStaticKeyStore } from '../../electron/services/replica/keystore';
import { tempDir } from '../support/tmp';
import { createAppProtocolHandler } from '../../electron/main/protocol';
import type { Dispatcher } from '../../shared/contract/dispatch';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
export const SCREENSHOT_DIR = join(import.meta.dirname, 'screenshots');

/**
 * Serves the built renderer on loopback through the SAME handler Electron registers
 * for app://lantern (so CSP headers and the traversal guard are what users get).
 */
export async function startRendererServer(rootDir = RENDERER_DIR): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(rootDir, 'index.html'))) throw new Error(`No built renderer at ${rootDir}: run \`npm run build:renderer\` first`);
  let handler: ((req: Request) => Promise<Response>) | null = null;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const request = new Request(`http://${req.headers.host ?? 'invalid'}${req.url ?? '/'}`, { method: req.method ?? 'GET' });
      const response = handler ? await handler(request) : new Response('starting', { status: 503 });
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const host = `127.0.0.1:${address.port}`;
  handler = createAppProtocolHandler({ rootDir, hosts: [host] });
  return {
    url: `http://${host}/index.html`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function chromiumPath(): string {
  const p = process.env.LANTERN_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}. Install Debian's chromium (apt-get install chromium) or set LANTERN_CHROMIUM.`);
  return p;
}

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
  });
}

/**
 * Gives the page the same bridge the preload gives it in Electron: one frozen
 * `window.lantern.invoke`, here backed by the workstation's dispatcher over a real
 * replica file. Nothing else of Node is reachable from the page.
 */
export async function installBridge(page: Page, dispatch: Dispatcher): Promise<void> {
  await page.exposeBinding('__lanternInvoke', (_source, method: unknown, input: unknown) => dispatch(method, input));
  // A string, not a function: bundlers (tsx/esbuild) may rewrite a function's source
  // with helpers that do not exist in the page.
  await page.addInitScript(`(() => {
    const invoke = window.__lanternInvoke;
    Object.defineProperty(window, 'lantern', {
      value: Object.freeze({ invoke: (method, input) => invoke(method, input) }),
      writable: false,
      configurable: false,
    });
  })();`);
}

/** Collects console errors and page errors so a test can assert a clean run. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * The demo workstation (encrypted replica seeded with the demo clinic), the renderer
 * server and a browser — what most end-to-end files start with. `close()` undoes all.
 */
export async function startDemoApp(prefix: string): Promise<{
  ws: Workstation;
  server: Awaited<ReturnType<typeof startRendererServer>>;
  browser: Browser;
  close: () => Promise<void>;
}> {
  const tmp = tempDir(prefix);
  const ws = await createWorkstation({ dataDir: tmp.dir, keyStore: createStaticKeyStore(randomBytes(32), true), appVersion: 'e2e', hubUrl: null, demoDataPath: join(REPO_ROOT, 'resources', 'demo', 'demo.json') });
  const server = await startRendererServer();
  const browser = await launchBrowser();
  return {
    ws,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await ws.close();
      tmp.cleanup();
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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

const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...BROWSER_ARGS, ...extraArgs],
  });
}

/**
 * Chromium with an on-disk profile in `userDataDir`: its HTTP cache and V8 code cache
 * persist between pages and runs, as the app's persistent session does.
 */
export async function launchPersistent(userDataDir: string, extraArgs: string[] = [], viewport = { width: 1366, height: 820 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport,
    args: [...BROWSER_ARGS, ...extraArgs],
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

/**
 * A workstation pointed at a hub (its own encrypted replica in `dataDir`), with the demo
 * agent offered on its sign-in screen.
 */
export function hubWorkstation(dataDir: string, hubUrl: string, sync: { pollMs: number; pullLimit?: number } = { pollMs: 300 }): Promise<Workstation> {
  return createWorkstation({
    dataDir,
    keyStore: createStaticKeyStore(randomBytes(32), true),
    appVersion: 'e2e',
    hubUrl,
    sync,
    demoAccounts: [{ username: 'agent', password: 'agent-demo', role: 'agent', displayName: '客服 小林' }],
  });
}

/** Types the demo agent's credentials on the sign-in screen and submits them. */
export async function signInAsAgent(page: Page): Promise<void> {
  await page.getByTestId('login-username').fill('agent');
  await page.getByTestId('login-password').fill('agent-demo');
  await page.getByTestId('login-submit').click();
}

// ---- accessibility (axe-core) ------------------------------------------------------

/** axe-core's browser bundle, read once from node_modules. */
let axeSource: string | null = null;
function axeScript(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * A node for `include`/`exclude`: a CSS selector in the document, or a path of
 * selectors through open shadow roots (`{ fromShadowDom: ['#host', '.inside'] }`).
 */
export type A11ySelector = string | { fromShadowDom: string[] };

export interface A11yOptions {
  /**
   * Nodes left out of the check. Only for a genuine false positive, one node at a
   * time, with a comment at the call site saying why.
   */
  exclude?: A11ySelector[];
  /** Checks only this part of the page (default: the whole document, open shadow roots included). */
  include?: A11ySelector[];
}

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; html: string; summary: string }[];
}

/** Runs axe-core on the page as it is now and returns its serious and critical violations. */
export async function seriousA11yViolations(page: Page, options: A11yOptions = {}): Promise<A11yViolation[]> {
  // The renderer's CSP (script-src 'self', no eval) refuses <script> tags with inline
  // text, so axe goes in through the DevTools protocol (page.evaluate with a string),
  // which the page's CSP does not govern. Strings, not functions: see installBridge.
  if (!(await page.evaluate('typeof window.axe === "object" && typeof window.axe.run === "function"'))) {
    await page.evaluate(`${axeScript()}\n;void 0`);
  }
  const context = options.include || options.exclude ? { ...(options.include ? { include: options.include } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) } : null;
  const raw = await page.evaluate(`(async () => {
    const results = await window.axe.run(${context ? JSON.stringify(context) : 'document'}, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact || '',
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200), summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300) })),
    }));
  })()`);
  return (raw as A11yViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Formats violations for a failure message: rule, impact, help, the first few nodes. */
export function formatA11yViolations(label: string, violations: A11yViolation[]): string {
  const lines = [`${label}: ${violations.length} serious/critical accessibility violation(s) (axe-core)`];
  for (const v of violations) {
    lines.push(`- [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node(s)) ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 5)) lines.push(`    ${JSON.stringify(n.target)} ${n.html}\n      ${n.summary}`);
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
}

/**
 * Fails (throws) if axe-core finds any serious or critical violation on the page as
 * it is now, listing each one. `label` names the screen in the message.
 */
export async function expectNoSeriousA11yViolations(page: Page, label: string, options: A11yOptions = {}): Promise<void> {
  const violations = await seriousA11yViolations(page, options);
  if (violations.length) throw new Error(formatA11yViolations(label, violations));
}

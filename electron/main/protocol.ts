import { readFile, realpath } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Build output under /assets/ is named by content hash (vite): a name never serves other bytes. */
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.(js|css|woff2|svg|png|wasm)$/;

/**
 * Headers every app response carries: CSP plus the usual hardening. Content-hashed
 * assets may be kept (immutable), which is what lets Chromium keep V8's compiled code
 * for them between starts (with the scheme's `codeCache` privilege in Electron);
 * everything else — index.html first, so an update is seen at once — is never stored.
 */
export function securityHeaders(contentType: string, immutable = false): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-store',
  };
}

export interface AppProtocolOptions {
  /** Directory holding the built renderer (index.html and assets/). */
  rootDir: string;
  /** Host names accepted; Electron uses app://lantern, the test harness http://127.0.0.1:<port>. */
  hosts?: readonly string[];
}

/**
 * Serves the built renderer for `protocol.handle('app', …)` — and, unchanged, for the
 * Chromium test harness over loopback http. Fetch-style (Request → Response) so it has
 * no Electron import. Directory traversal (../, encoded or not, symlinks out of the
 * root) is refused; only GET/HEAD; unknown hosts are refused.
 */
export function createAppProtocolHandler(opts: AppProtocolOptions): (req: Request) => Promise<Response> {
  const root = resolve(opts.rootDir);
  const hosts = new Set(opts.hosts ?? [APP_HOST]);
  const deny = (status: number, text: string) => new Response(text, { status, headers: securityHeaders('text/plain; charset=utf-8') });

  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return deny(400, 'bad url');
    }
    const scheme = url.protocol.replace(/:$/, '');
    if (scheme !== APP_SCHEME && scheme !== 'http') return deny(400, 'bad scheme');
    if (!hosts.has(url.host)) return deny(403, 'unknown host');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return deny(400, 'bad path');
    }
    if (pathname.includes('\0') || pathname.includes('\\')) return deny(400, 'bad path');
    if (pathname === '/' || pathname === '') pathname = '/index.html';
    const target = resolve(root, `.${pathname}`);
    if (target !== root && !target.startsWith(root + sep)) return deny(403, 'outside app root');
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      return deny(404, 'not found');
    }
    const realRoot = await realpath(root);
    if (!real.startsWith(realRoot + sep)) return deny(403, 'outside app root');
    let body: Buffer;
    try {
      body = await readFile(real);
    } catch {
      return deny(404, 'not found');
    }
    const type = MIME[extname(real).toLowerCase()] ?? 'application/octet-stream';
    return new Response(req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: securityHeaders(type, HASHED_ASSET.test(pathname)) });
  };
}

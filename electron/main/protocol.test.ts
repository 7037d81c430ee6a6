import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAppProtocolHandler } from './protocol';
import { CONTENT_SECURITY_POLICY } from './csp';
import { tempDir } from '../../tests/support/tmp';

const SECRET = 'patient-export-do-not-serve';

describe('app:// protocol handler', () => {
  let dir: string;
  let cleanup = () => {};
  let handle: (req: Request) => Promise<Response>;

  beforeEach(() => {
    const t = tempDir();
    dir = t.dir;
    cleanup = t.cleanup;
    // <tmp>/secret.txt sits right next to the app root, the classic traversal target.
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    const root = join(dir, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Lantern</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    handle = createAppProtocolHandler({ rootDir: root });
  });
  afterEach(() => cleanup());

  const get = (url: string, init?: RequestInit) => handle(new Request(url, init));

  it('serves index.html with the CSP and hardening headers', async () => {
    const res = await get('app://lantern/index.html');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Lantern</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves / as index.html and assets with their MIME type', async () => {
    expect(await (await get('app://lantern/')).text()).toContain('<title>Lantern</title>');
    const js = await get('app://lantern/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('lets content-hashed assets be kept (V8 code cache across starts); index.html and unhashed files are never stored', async () => {
    writeFileSync(join(dir, 'renderer', 'assets', 'index-DdYo7CAk.js'), 'console.log(2)');
    const hashed = await get('app://lantern/assets/index-DdYo7CAk.js');
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(hashed.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await get('app://lantern/index.html')).headers.get('cache-control')).toBe('no-store');
    expect((await get('app://lantern/assets/app.js')).headers.get('cache-control')).toBe('no-store');
    expect((await get('app://lantern/assets/missing-DdYo7CAk.js')).headers.get('cache-control')).toBe('no-store');
  });

  it('answers 404 for a missing file, still with the CSP', async () => {
    const res = await get('app://lantern/assets/missing.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('never serves a file outside the root via ../ (plain or %2e%2e, slash encoded or not)', async () => {
    for (const url of [
      'app://lantern/../secret.txt',
      'app://lantern/assets/../../secret.txt',
      'app://lantern/%2e%2e/secret.txt',
      'app://lantern/..%2fsecret.txt',
      'app://lantern/%2e%2e%2fsecret.txt',
      'app://lantern/assets/%2E%2E%2F%2E%2E%2Fsecret.txt',
    ]) {
      const res = await get(url);
      expect(res.status, url).not.toBe(200);
      expect(await res.text(), url).not.toContain(SECRET);
    }
    // Where the slash itself is encoded, the URL parser cannot normalise it away:
    // the handler's own root check is what refuses it.
    expect((await get('app://lantern/..%2fsecret.txt')).status).toBe(403);
    expect((await get('app://lantern/..%5csecret.txt')).status).toBe(400);
    expect((await get('app://lantern/index.html%00.js')).status).toBe(400);
  });

  it('refuses a symlink inside the root that points outside it', async (ctx) => {
    try {
      symlinkSync(join(dir, 'secret.txt'), join(dir, 'renderer', 'leak.txt'));
      symlinkSync(dir, join(dir, 'renderer', 'up'), 'junction');
    } catch (e) {
      // Windows without Developer Mode may not create symlinks.
      if ((e as NodeJS.ErrnoException).code === 'EPERM') return ctx.skip();
      throw e;
    }
    const file = await get('app://lantern/leak.txt');
    expect(file.status).toBe(403);
    expect(await file.text()).not.toContain(SECRET);
    const viaDir = await get('app://lantern/up/secret.txt');
    expect(viaDir.status).toBe(403);
    expect(await viaDir.text()).not.toContain(SECRET);
  });

  it('refuses other hosts and ports', async () => {
    expect((await get('app://evil/index.html')).status).toBe(403);
    expect((await get('app://lantern.evil/index.html')).status).toBe(403);
    expect((await get('app://lantern:8080/index.html')).status).toBe(403);
  });

  it('refuses other schemes', async () => {
    expect((await get('https://lantern/index.html')).status).toBe(400);
  });

  it('refuses POST (and other non-GET/HEAD methods); HEAD has no body', async () => {
    expect((await get('app://lantern/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await get('app://lantern/index.html', { method: 'PUT', body: 'x' })).status).toBe(405);
    const head = await get('app://lantern/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves the harness host over http only when configured', async () => {
    const harness = createAppProtocolHandler({ rootDir: join(dir, 'renderer'), hosts: ['127.0.0.1:4173'] });
    expect((await harness(new Request('http://127.0.0.1:4173/index.html'))).status).toBe(200);
    expect((await harness(new Request('app://lantern/index.html'))).status).toBe(403);
  });
});

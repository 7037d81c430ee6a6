/**
 * The hub's update feed on a real loopback socket, read by electron-updater's own
 * code: its generic provider parses the channel file, and its differential
 * downloader rebuilds a new installer from the old one plus byte ranges of the new
 * one (multipart/byteranges and single ranges), verifying the sha512 itself.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { CancellationToken, HttpExecutor, type BlockMap } from 'builder-util-runtime';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider';
import { GenericDifferentialDownloader } from 'electron-updater/out/differentialDownloader/GenericDifferentialDownloader';
import type { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor';
import { tempDir } from '../../tests/support/tmp';
import { parseRange } from './range';
import { registerUpdateRoutes } from './routes';

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('base64');
const BLOCK = 16 * 1024;

/** electron-updater's HTTP layer over node:http instead of Electron's net module. */
class NodeHttpExecutor extends HttpExecutor<ReturnType<typeof httpRequest>> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void) {
    return httpRequest(options, callback);
  }
}

function blockMap(data: Buffer): BlockMap {
  const checksums: string[] = [];
  const sizes: number[] = [];
  for (let off = 0; off < data.length; off += BLOCK) {
    const chunk = data.subarray(off, Math.min(off + BLOCK, data.length));
    checksums.push(createHash('sha256').update(chunk).digest('base64'));
    sizes.push(chunk.length);
  }
  return { version: '2', files: [{ name: 'file', offset: 0, checksums, sizes }] };
}

interface Fetched {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hub update feed (/updates/<channel>/)', () => {
  let app: FastifyInstance;
  let base: string;
  let t: ReturnType<typeof tempDir>;
  let stable: string;
  let oldFile: Buffer;
  let newFile: Buffer;
  const ARTIFACT = 'lantern-1.1.0-linux-x86_64.AppImage';
  const EXE = 'lantern-1.1.0-win-x64.exe';
  let exe: Buffer;
  const ranges: string[] = [];

  function writeRelease() {
    writeFileSync(join(stable, ARTIFACT), newFile);
    writeFileSync(join(stable, `${ARTIFACT}.blockmap`), gzipSync(JSON.stringify(blockMap(newFile))));
    writeFileSync(join(stable, EXE), exe);
    writeFileSync(
      join(stable, 'latest-linux.yml'),
      [
        'version: 1.1.0',
        'files:',
        `  - url: ${ARTIFACT}`,
        `    sha512: ${sha512(newFile)}`,
        `    size: ${newFile.length}`,
        `    blockMapSize: 512`,
        `path: ${ARTIFACT}`,
        `sha512: ${sha512(newFile)}`,
        "releaseDate: '2025-06-01T08:00:00.000Z'",
        'stagingPercentage: 50',
        '',
      ].join('\n'),
    );
    writeFileSync(join(stable, 'latest.yml'), ['version: 1.1.0', 'files:', `  - url: ${EXE}`, `    sha512: ${sha512(exe)}`, `    size: ${exe.length}`, `path: ${EXE}`, ''].join('\n'));
    rmSync(join(stable, 'rollout.json'), { force: true });
  }

  beforeAll(async () => {
    t = tempDir('lantern-updates-');
    stable = join(t.dir, 'updates', 'stable');
    mkdirSync(stable, { recursive: true });
    mkdirSync(join(t.dir, 'updates', 'pilot'));
    oldFile = randomBytes(40 * BLOCK + 1234);
    newFile = Buffer.from(oldFile);
    // Changed blocks apart from each other (several ranges), and a longer tail.
    for (const b of [3, 4, 17, 30]) randomBytes(BLOCK).copy(newFile, b * BLOCK);
    newFile = Buffer.concat([newFile, randomBytes(2 * BLOCK)]);
    exe = randomBytes(300_000);
    writeFileSync(join(t.dir, 'updates', 'secret.txt'), 'hub secret');
    writeRelease();
    app = Fastify({ logger: false, routerOptions: { maxParamLength: 200 } });
    app.addHook('onRequest', async (req) => {
      if (req.headers.range) ranges.push(req.headers.range);
    });
    registerUpdateRoutes(app, { dir: join(t.dir, 'updates') });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
    t?.cleanup();
  });
  beforeEach(() => writeRelease());

  it('serves the channel file byte for byte when the release verifies', async () => {
    const r = await get(`${base}/updates/stable/latest-linux.yml`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('yaml');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body.toString()).toBe(readFileSync(join(stable, 'latest-linux.yml'), 'utf8'));
    const head = await get(`${base}/updates/stable/latest-linux.yml`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(r.body.length);
  });

  it("electron-updater's generic provider reads the feed and resolves artifacts on the hub", async () => {
    const executor = new NodeHttpExecutor() as unknown as ElectronHttpExecutor;
    const updater = { channel: null, isAddNoCacheQuery: false } as unknown as ConstructorParameters<typeof GenericProvider>[1];
    const provider = new GenericProvider({ provider: 'generic', url: `${base}/updates/stable/` }, updater, { isUseMultipleRangeRequest: true, platform: 'linux', executor });
    const info = await provider.getLatestVersion();
    expect(info.version).toBe('1.1.0');
    expect(info.stagingPercentage).toBe(50);
    const files = provider.resolveFiles(info);
    expect(files.map((f) => f.url.href)).toEqual([`${base}/updates/stable/${ARTIFACT}`]);
    expect(files[0]!.info.sha512).toBe(sha512(newFile));
    const win = new GenericProvider({ provider: 'generic', url: `${base}/updates/stable/` }, updater, { isUseMultipleRangeRequest: true, platform: 'win32', executor });
    expect((await win.getLatestVersion()).files[0]!.url).toBe(EXE);
  });

  it('serves a listed artifact whole, and single, suffix and open ranges', async () => {
    const full = await get(`${base}/updates/stable/${ARTIFACT}`);
    expect(full.status).toBe(200);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(sha512(full.body)).toBe(sha512(newFile));
    const one = await get(`${base}/updates/stable/${ARTIFACT}`, { range: 'bytes=100-199' });
    expect(one.status).toBe(206);
    expect(one.headers['content-range']).toBe(`bytes 100-199/${newFile.length}`);
    expect(one.body).toEqual(newFile.subarray(100, 200));
    const suffix = await get(`${base}/updates/stable/${ARTIFACT}`, { range: 'bytes=-10' });
    expect(suffix.body).toEqual(newFile.subarray(newFile.length - 10));
    const open = await get(`${base}/updates/stable/${ARTIFACT}`, { range: `bytes=${newFile.length - 5}-` });
    expect(open.body).toEqual(newFile.subarray(newFile.length - 5));
    const bad = await get(`${base}/updates/stable/${ARTIFACT}`, { range: `bytes=${newFile.length + 10}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${newFile.length}`);
    const blockmap = await get(`${base}/updates/stable/${ARTIFACT}.blockmap`);
    expect(blockmap.status).toBe(200);
  });

  it('answers several ranges as multipart/byteranges in the order asked', async () => {
    const r = await get(`${base}/updates/stable/${ARTIFACT}`, { range: 'bytes=5000-5009, 0-3, 70000-70001' });
    expect(r.status).toBe(206);
    const m = /^multipart\/byteranges; boundary=(\S+)$/.exec(String(r.headers['content-type']));
    expect(m).not.toBeNull();
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    const text = r.body.toString('latin1');
    const parts = text.split(`--${m![1]}`).slice(1, -1);
    expect(parts).toHaveLength(3);
    const ranges = parts.map((p) => /Content-Range: bytes (\d+)-(\d+)\/(\d+)/.exec(p)!.slice(1).map(Number));
    expect(ranges).toEqual([
      [5000, 5009, newFile.length],
      [0, 3, newFile.length],
      [70000, 70001, newFile.length],
    ]);
    const firstBody = Buffer.from(parts[0]!.split('\r\n\r\n')[1]!.replace(/\r\n$/, ''), 'latin1');
    expect(firstBody).toEqual(newFile.subarray(5000, 5010));
  });

  for (const multi of [true, false]) {
    it(`electron-updater's differential download rebuilds the new installer (${multi ? 'multi-range requests' : 'one range per request'})`, async () => {
      const dir = join(t.dir, `diff-${multi}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'old.AppImage'), oldFile);
      const logs: string[] = [];
      ranges.length = 0;
      const logger = { info: (m: unknown) => logs.push(String(m)), warn: (m: unknown) => logs.push(String(m)), error: (m: unknown) => logs.push(String(m)) };
      const downloader = new GenericDifferentialDownloader({ size: newFile.length, sha512: sha512(newFile), url: ARTIFACT } as never, new NodeHttpExecutor() as never, {
        newUrl: new URL(`${base}/updates/stable/${ARTIFACT}`),
        oldFile: join(dir, 'old.AppImage'),
        newFile: join(dir, 'new.AppImage'),
        logger,
        isUseMultipleRangeRequest: multi,
        requestHeaders: null,
        cancellationToken: new CancellationToken(),
      } as never);
      await downloader.download(blockMap(oldFile), blockMap(newFile));
      expect(sha512(readFileSync(join(dir, 'new.AppImage')))).toBe(sha512(newFile));
      // Only the changed blocks and the new tail came over the wire.
      expect(logs.join('\n')).toMatch(/To download: .* \(1[0-9]%\)/);
      // Four changed runs (blocks 3-4, 17, 30 and the new tail): one multi-range request, or one request each.
      if (multi) expect(ranges).toEqual([expect.stringMatching(/^bytes=\d+-\d+(, \d+-\d+){3}$/)]);
      else expect(ranges).toHaveLength(4);
    });
  }

  it('refuses a damaged artifact (same size, one byte changed) with a clear error, and its channel file too', async () => {
    const damaged = Buffer.from(newFile);
    damaged[1000] = damaged[1000]! ^ 0xff;
    writeFileSync(join(stable, ARTIFACT), damaged);
    const art = await get(`${base}/updates/stable/${ARTIFACT}`);
    expect(art.status).toBe(409);
    const body = JSON.parse(art.body.toString()) as { ok: boolean; error: { code: string; message: string } };
    expect(body.error.code).toBe('updates.sha512_mismatch');
    expect(body.error.message).toContain(`stable/${ARTIFACT} does not match the sha512 in latest-linux.yml`);
    expect(art.body.toString()).not.toContain(damaged.subarray(0, 64).toString('latin1'));
    const ranged = await get(`${base}/updates/stable/${ARTIFACT}`, { range: 'bytes=0-99' });
    expect(ranged.status).toBe(409);
    const yml = await get(`${base}/updates/stable/latest-linux.yml`);
    expect(yml.status).toBe(409);
    // The other platform's release is unaffected.
    expect((await get(`${base}/updates/stable/latest.yml`)).status).toBe(200);
    // Fixed by copying the release again: the cache notices the new file.
    writeFileSync(join(stable, ARTIFACT), newFile);
    expect((await get(`${base}/updates/stable/${ARTIFACT}`, { range: 'bytes=0-9' })).status).toBe(206);
  });

  it('refuses an incomplete copy (missing or short artifact)', async () => {
    rmSync(join(stable, EXE));
    const missing = await get(`${base}/updates/stable/latest.yml`);
    expect(missing.status).toBe(409);
    expect(missing.body.toString()).toContain('is listed in latest.yml but missing');
    writeFileSync(join(stable, EXE), exe.subarray(0, 1000));
    const short = await get(`${base}/updates/stable/${EXE}`);
    expect(short.status).toBe(409);
    expect(short.body.toString()).toContain('has 1000 bytes but latest.yml says 300000');
  });

  it('rollout.json widens the staged rollout without editing the YAML', async () => {
    writeFileSync(join(stable, 'rollout.json'), JSON.stringify({ stagingPercentage: 100 }));
    const r = await get(`${base}/updates/stable/latest-linux.yml`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toContain('stagingPercentage: 100');
    expect(r.body.toString()).toContain(`sha512: ${sha512(newFile)}`);
    writeFileSync(join(stable, 'rollout.json'), JSON.stringify({ stagingPercentage: 150 }));
    const bad = await get(`${base}/updates/stable/latest-linux.yml`);
    expect(bad.status).toBe(409);
    expect(bad.body.toString()).toContain('rollout.json must be');
  });

  it('serves nothing that is not part of a release: other files, traversal, unknown channels', async () => {
    writeFileSync(join(stable, 'notes.txt'), 'internal');
    expect((await get(`${base}/updates/stable/notes.txt`)).status).toBe(404);
    expect((await get(`${base}/updates/stable/..%2Fsecret.txt`)).status).toBe(404);
    expect((await get(`${base}/updates/stable/%2e%2e`)).status).toBe(404);
    expect((await get(`${base}/updates/..%2F..%2Fetc/passwd`)).status).toBe(404);
    expect((await get(`${base}/updates/nightly/latest.yml`)).status).toBe(404);
    expect((await get(`${base}/updates/pilot/latest.yml`)).status).toBe(404);
    const broken = join(stable, 'beta.yml');
    writeFileSync(broken, 'version: 2.0.0\nfiles:\n  - url: https://elsewhere.example/x.exe\n    sha512: abc\n');
    const r = await get(`${base}/updates/stable/beta.yml`);
    expect(r.status).toBe(409);
    expect(r.body.toString()).toContain('must be a file name in this folder');
    rmSync(broken);
  });

  it('summarises a channel for IT', async () => {
    copyFileSync(join(stable, EXE), join(stable, `${EXE}.bak`));
    const r = await get(`${base}/updates/stable/`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body.toString()) as { value: { releases: { file: string; version: string; verified: boolean; stagingPercentage: number | null }[] } };
    expect(body.value.releases.map((x) => [x.file, x.version, x.verified, x.stagingPercentage])).toEqual([
      ['latest-linux.yml', '1.1.0', true, 50],
      ['latest.yml', '1.1.0', true, null],
    ]);
  });
});

describe('Range header parsing', () => {
  it('follows RFC 9110', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual([{ start: 0, end: 9 }]);
    expect(parseRange('bytes=90-200', 100)).toEqual([{ start: 90, end: 99 }]);
    expect(parseRange('bytes=-5', 100)).toEqual([{ start: 95, end: 99 }]);
    expect(parseRange('bytes=-500', 100)).toEqual([{ start: 0, end: 99 }]);
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=100-, 0-0', 100)).toEqual([{ start: 0, end: 0 }]);
    expect(parseRange('bytes=9-3', 100)).toBeNull();
    expect(parseRange('bytes=a-b', 100)).toBeNull();
    expect(parseRange(`bytes=${Array.from({ length: 1001 }, (_, i) => `${i}-${i}`).join(',')}`, 5000)).toBe('unsatisfiable');
  });
});

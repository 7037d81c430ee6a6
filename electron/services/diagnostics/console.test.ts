import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { contract } from '../../../shared/contract';
import { createClient } from '../../../shared/contract/client';
import { tempDir } from '../../../tests/support/tmp';
import { createStaticKeyStore } from '../replica/keystore';
import { createWorkstation, type Workstation } from '../workstation';
import { createWorkstationLogger } from '../logs/logger';
import { stripAnsi } from './ansi';
import { complete, ConsoleHistory, resolve } from './commands';
import { consoleMessages } from './messages';
import { pingHub } from './ping';
import { tar, tarGz } from './tar';

const DEMO = join(import.meta.dirname, '..', '..', '..', 'resources', 'demo', 'demo.json');
const hasTar = spawnSync('tar', ['--version']).status === 0;
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('console completion', () => {
  it('completes a unique word with a space, and lists the choices otherwise', () => {
    expect(complete('sta')).toEqual({ line: 'status ', candidates: ['status'] });
    expect(complete('sy')).toEqual({ line: 'sync ', candidates: ['sync'] });
    expect(complete('sync ')).toEqual({ line: 'sync ', candidates: ['log', 'retry', 'status'] });
    expect(complete('sync r')).toEqual({ line: 'sync retry ', candidates: ['retry'] });
    expect(complete('db ')).toEqual({ line: 'db ', candidates: ['check', 'size'] });
    expect(complete('e')).toEqual({ line: 'export ', candidates: ['export'] });
    expect(complete('export d')).toEqual({ line: 'export diagnostics ', candidates: ['diagnostics'] });
    expect(complete('h')).toEqual({ line: 'h', candidates: ['help', 'history', 'hub'] });
    expect(complete('hi')).toEqual({ line: 'history ', candidates: ['history'] });
    expect(complete('help o')).toEqual({ line: 'help outbox ', candidates: ['outbox'] });
    expect(complete('xyz')).toEqual({ line: 'xyz', candidates: [] });
    expect(complete('status ')).toEqual({ line: 'status ', candidates: [] });
    expect(complete('').candidates).toEqual(['clear', 'db', 'export', 'help', 'history', 'hub', 'lock', 'outbox', 'policy', 'status', 'sync']);
  });

  it('extends to the common prefix of several matches', () => {
    expect(complete('sync ')).toMatchObject({ candidates: ['log', 'retry', 'status'] });
    // "h" → help/history/hub share only "h"; "he" is unique.
    expect(complete('he').line).toBe('help ');
  });

  it('resolves lines to commands or to usage errors', () => {
    expect(resolve('')).toBeNull();
    expect(resolve('  db   check ')).toMatchObject({ def: { path: ['db', 'check'] }, args: [] });
    expect(resolve('help sync')).toMatchObject({ def: { path: ['help'] }, args: ['sync'] });
    expect(resolve('sync')).toEqual({ error: 'err.subcommand', vars: { name: 'sync', list: 'status, log, retry' } });
    expect(resolve('sync now')).toEqual({ error: 'err.subcommand', vars: { name: 'sync', list: 'status, log, retry' } });
    expect(resolve('status now')).toEqual({ error: 'err.args', vars: { name: 'status', args: 'now' } });
    expect(resolve('rm -rf /')).toEqual({ error: 'err.unknown', vars: { name: 'rm -rf /' } });
  });

  it('history keeps the order, skips blanks and repeats, and is capped', () => {
    const h = new ConsoleHistory(3);
    for (const l of ['status', 'status', ' ', 'db check', 'hub ping', 'sync status']) h.add(l);
    expect(h.all()).toEqual(['db check', 'hub ping', 'sync status']);
  });

  it('every console message exists in zh-CN and en', () => {
    for (const [id, m] of Object.entries(consoleMessages)) {
      expect(m['zh-CN'].trim(), id).not.toBe('');
      expect(m.en.trim(), id).not.toBe('');
      const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
      expect(vars(m.en), id).toEqual(vars(m['zh-CN']));
    }
  });
});

describe('tar.gz writer', () => {
  it.skipIf(!hasTar)('writes archives the system tar lists and extracts byte for byte, long names included', () => {
    const t = tempDir('lantern-tar-');
    try {
      const bin = randomBytes(70_000);
      const long = `lantern-diagnostics/${'sub/'.repeat(30)}file.txt`;
      const entries = [
        { name: 'lantern-diagnostics/manifest.json', data: '{"中文":"是"}\n' },
        { name: 'lantern-diagnostics/logs/main.log', data: bin },
        { name: 'lantern-diagnostics/empty.txt', data: '' },
        { name: long, data: 'deep' },
      ];
      writeFileSync(join(t.dir, 'a.tar.gz'), tarGz(entries));
      const list = execFileSync('tar', ['-tzf', join(t.dir, 'a.tar.gz')], { encoding: 'utf8' }).trim().split('\n');
      expect(list).toEqual(entries.map((e) => e.name));
      mkdirSync(join(t.dir, 'x'));
      execFileSync('tar', ['-xzf', join(t.dir, 'a.tar.gz'), '-C', join(t.dir, 'x')]);
      expect(readFileSync(join(t.dir, 'x', 'lantern-diagnostics', 'logs', 'main.log'))).toEqual(bin);
      expect(readFileSync(join(t.dir, 'x', 'lantern-diagnostics', 'manifest.json'), 'utf8')).toBe('{"中文":"是"}\n');
      expect(readFileSync(join(t.dir, 'x', long), 'utf8')).toBe('deep');
    } finally {
      t.cleanup();
    }
  });

  it('pads to 512-byte blocks and refuses unsafe names', () => {
    expect(tar([{ name: 'a', data: 'x' }]).length).toBe(512 * 4);
    expect(() => tar([{ name: '../etc/passwd', data: '' }])).toThrow(/Unsafe/);
    expect(() => tar([{ name: '/abs', data: '' }])).toThrow(/Unsafe/);
  });
});

describe('diagnostics console on a demo workstation', () => {
  let t: ReturnType<typeof tempDir>;
  let ws: Workstation;
  let client: ReturnType<typeof createClient<typeof contract>>;
  let logDir: string;
  let crashDir: string;

  beforeAll(async () => {
    t = tempDir('lantern-console-');
    logDir = join(t.dir, 'logs');
    crashDir = join(t.dir, 'Crashpad');
    mkdirSync(join(crashDir, 'reports'), { recursive: true });
    writeFileSync(join(crashDir, 'reports', 'f00d.dmp'), randomBytes(2048));
    mkdirSync(logDir);
    const lines: string[] = [];
    const { log, logger } = createWorkstationLogger({ destination: { write: (l: string) => (lines.push(l), true) } });
    ws = await createWorkstation({
      dataDir: join(t.dir, 'data'),
      keyStore: createStaticKeyStore(randomBytes(32), true),
      appVersion: '9.9.9-test',
      hubUrl: null,
      demoDataPath: DEMO,
      log,
      console: {
        logDir,
        crashDumpsDir: crashDir,
        versions: { electron: '39.8.10', chrome: '142.0.0.0', node: '22.20.0' },
        updates: () => ({ check: false, reason: 'msi_install', channel: 'stable', feedUrl: null, installKind: 'msi', lockedOff: false, state: 'idle', lastCheckAt: null, availableVersion: null, error: null, rollout: null }),
      },
    });
    client = createClient(contract, { invoke: ws.dispatch });
    // What a real main.log holds: operational lines, plus lines carrying identifiers and text that must not leave.
    const contact = ws.replica.sqlite.prepare('SELECT display_name AS n FROM contacts LIMIT 1').get() as { n: string };
    const body = (ws.replica.sqlite.prepare('SELECT body FROM messages ORDER BY length(body) DESC LIMIT 1').get() as { body: string }).body;
    log('info', 'session resumed', { user: 'u-demo-agent' });
    log('warn', 'sync cycle failed', { code: 'hub.unavailable', message: `callback for ${contact.n} on 13812345678` });
    logger.info({ body }, `draft saved for ${contact.n}`);
    writeFileSync(join(logDir, 'main.log'), lines.join(''));
    writeFileSync(join(logDir, 'main.1.log'), `${JSON.stringify({ level: 'info', time: '2025-01-01T00:00:00.000Z', msg: 'older line' })}\n`);
  });
  afterAll(async () => {
    await ws?.close();
    t?.cleanup();
  });

  const run = async (line: string) => {
    const r = await client.console.run({ line });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return { ...r.value, text: r.value.lines.map(stripAnsi).join('\n') };
  };

  it('is open in the demo clinic', async () => {
    expect(await client.console.info()).toEqual({ ok: true, value: { allowed: true, reason: 'demo' } });
  });

  it('help lists every command, in Chinese by default and in English after a language switch', async () => {
    const zh = await run('help');
    expect(zh.exitCode).toBe(0);
    for (const cmd of ['status', 'sync status', 'sync log', 'sync retry', 'hub ping', 'db check', 'db size', 'outbox list', 'export diagnostics', 'lock']) expect(zh.text).toContain(cmd);
    expect(zh.text).toContain('诊断控制台命令');
    await client.session.setLanguage({ language: 'en' });
    const en = await run('help db');
    expect(en.text).toContain('Check the replica');
    expect(en.text).not.toContain('status');
    await client.session.setLanguage({ language: 'zh-CN' });
  });

  it('status: versions, mode, policy, updates (MSI → off), crash dumps, replica', async () => {
    const r = await run('status');
    expect(r.exitCode).toBe(0);
    expect(r.text).toContain('Lantern 9.9.9-test | Electron 39.8.10 | Chromium 142.0.0.0 | Node 22.20.0');
    expect(r.text).toContain('演示诊所');
    expect(r.text).toContain('MSI 安装，升级由信息科部署');
    expect(r.text).toContain('1 个，仅存本机');
    expect(r.text).toMatch(/架构版本 \d+ \| [\d.]+ (KiB|MiB) \| 已加密/);
    // ANSI colour is there for the terminal.
    expect(r.lines.join('')).toContain('\x1b[');
  });

  it('usage errors exit 2 and say what to type', async () => {
    expect(await run('sync')).toMatchObject({ exitCode: 2 });
    expect((await run('sync')).text).toContain('"sync" 需要子命令：status, log, retry');
    expect(await run('frobnicate')).toMatchObject({ exitCode: 2 });
    expect((await run('')).lines).toEqual([]);
  });

  it('sync status / retry / hub ping in demo mode explain there is no hub', async () => {
    expect((await run('sync status')).text).toContain('演示模式');
    expect(await run('sync retry')).toMatchObject({ exitCode: 1 });
    expect(await run('hub ping')).toMatchObject({ exitCode: 1 });
  });

  it('sync log shows recent sync entries from the log, scrubbed', async () => {
    const r = await run('sync log');
    expect(r.text).toContain('session resumed');
    expect(r.text).toContain('sync cycle failed');
    expect(r.text).not.toContain('13812345678');
    expect(r.text).not.toContain('draft saved');
  });

  it('db check verifies SQLite and cipher integrity; db size reports sizes and counts, no contents', async () => {
    const check = await run('db check');
    expect(check.exitCode).toBe(0);
    expect(check.text).toContain('副本完好');
    const size = await run('db size');
    expect(size.text).toMatch(/messages \d+/);
    expect(size.text).toContain('sqlcipher (legacy=4)');
    expect(size.text).toMatch(/WAL 检查点\s+后台线程 · 已运行 \d+ 次/);
  });

  it('outbox list shows queued changes without their text', async () => {
    expect((await run('outbox list')).text).toContain('没有待上传的更改');
    const conv = (ws.replica.sqlite.prepare('SELECT id FROM conversations LIMIT 1').get() as { id: string }).id;
    const secret = '请于明日上午九点到门诊三楼复查血糖';
    expect(await client.messages.queueReply({ conversationId: conv, body: secret })).toMatchObject({ ok: true });
    const r = await run('outbox list');
    expect(r.text).toContain('message.send');
    expect(r.text).toContain(conv);
    expect(r.text).not.toContain(secret);
  });

  it('lock locks the workspace and tells the UI', async () => {
    const r = await run('lock');
    expect(r).toMatchObject({ exitCode: 0, effect: 'lock' });
    expect(await client.conversations.list({})).toMatchObject({ ok: false, error: { code: 'session.locked' } });
    expect(await client.console.run({ line: 'status' })).toMatchObject({ ok: false, error: { code: 'session.locked' } });
    expect(await client.session.unlock({ password: 'demo' })).toMatchObject({ ok: true });
  });

  it('history and clear', async () => {
    const h = await run('history');
    expect(h.text).toMatch(/1\s+help/);
    expect(h.text).toContain('db check');
    expect(await run('clear')).toMatchObject({ effect: 'clear', lines: [] });
    expect(await client.console.history()).toMatchObject({ ok: true, value: { lines: expect.arrayContaining(['help', 'db check', 'history', 'clear']) } });
  });

  it.skipIf(!hasTar)('export diagnostics: versions, config, scrubbed logs — and no replica bytes or patient text', async () => {
    const r = await run('export diagnostics');
    expect(r.exitCode).toBe(0);
    const path = /(\S+lantern-diagnostics-\d{8}-\d{6}\.tar\.gz)/.exec(r.text)![1]!;
    const archive = readFileSync(path);
    const raw = gunzipSync(archive);
    const list = execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(list).toEqual(['lantern-diagnostics/README.txt', 'lantern-diagnostics/logs/main.1.log', 'lantern-diagnostics/logs/main.log', 'lantern-diagnostics/manifest.json']);
    const out = join(t.dir, 'extracted');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', path, '-C', out]);
    const manifest = JSON.parse(readFileSync(join(out, 'lantern-diagnostics', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      format: 1,
      app: { version: '9.9.9-test', versions: { electron: '39.8.10' } },
      mode: 'demo',
      replica: { integrity: { ok: true }, counts: { contacts: expect.any(Number) } },
      crashDumps: { files: [{ name: 'reports/f00d.dmp', sizeBytes: 2048 }] },
      updates: { reason: 'msi_install' },
    });
    const mainLog = readFileSync(join(out, 'lantern-diagnostics', 'logs', 'main.log'), 'utf8');
    expect(mainLog).toContain('session resumed');

    // Nothing of the replica: no 32-byte run of the database file (or its WAL) appears anywhere.
    const replica = ws.replica.path;
    for (const file of [replica, `${replica}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      for (let off = 0; off + 32 <= bytes.length; off += Math.max(32, Math.floor(bytes.length / 400))) {
        const window = bytes.subarray(off, off + 32);
        if (window.every((b) => b === 0)) continue;
        expect(raw.includes(window), `${file} @${off}`).toBe(false);
      }
    }
    // No patient text: not one message body, contact name or identifier from the replica.
    const text = raw.toString('utf8');
    const bodies = (ws.replica.sqlite.prepare('SELECT body FROM messages WHERE length(body) >= 6').all() as { body: string }[]).map((x) => x.body);
    expect(bodies.length).toBeGreaterThan(10);
    for (const b of bodies) expect(text.includes(b), b).toBe(false);
    const names = (ws.replica.sqlite.prepare('SELECT display_name AS n FROM contacts').all() as { n: string }[]).map((x) => x.n);
    for (const n of names) expect(text.includes(n), n).toBe(false);
    expect(text).not.toContain('13812345678');
    // The crash dump is listed, never included.
    expect(raw.includes(readFileSync(join(crashDir, 'reports', 'f00d.dmp')).subarray(0, 64))).toBe(false);
    expect(readdirSync(join(t.dir, 'data', 'diagnostics'))).toHaveLength(1);
  });
});

describe('hub ping', () => {
  let t: ReturnType<typeof tempDir>;
  let http: Server;
  let httpsServer: Server;
  let cert = '';
  const healthz = (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, value: { status: 'ok', hubId: 'hub-test', seq: 42 } }));
  };
  const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));

  beforeAll(async () => {
    t = tempDir('lantern-ping-');
    http = createHttp(healthz);
    if (hasOpenssl) {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '20',
        '-keyout', join(t.dir, 'key.pem'), '-out', join(t.dir, 'cert.pem'),
        '-subj', '/CN=lantern-hub.test/O=Lantern Test Hospital', '-addext', 'subjectAltName=DNS:lantern-hub.test,IP:127.0.0.1',
      ], { stdio: 'ignore' });
      cert = readFileSync(join(t.dir, 'cert.pem'), 'utf8');
      httpsServer = createHttps({ key: readFileSync(join(t.dir, 'key.pem')), cert }, healthz);
    }
  });
  afterAll(async () => {
    http?.close();
    httpsServer?.close();
    t?.cleanup();
  });

  it('measures round trips to /healthz over http and reads the hub id', async () => {
    const port = await listen(http);
    const r = await pingHub(`http://127.0.0.1:${port}`, { attempts: 3 });
    expect(r.url).toBe(`http://127.0.0.1:${port}/healthz`);
    expect(r.attempts).toHaveLength(3);
    for (const a of r.attempts) expect(a).toMatchObject({ status: 200, error: null, ms: expect.any(Number) });
    expect(r.hub).toEqual({ hubId: 'hub-test', seq: 42 });
    expect(r.tls).toBeNull();
  });

  it('reports a refused connection per attempt', async () => {
    const s = createHttp();
    const port = await listen(s);
    await new Promise((r) => s.close(r));
    const r = await pingHub(`http://127.0.0.1:${port}`, { attempts: 2 });
    expect(r.attempts.map((a) => a.error?.split(':')[0])).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    expect(r.hub).toBeNull();
  });

  it.skipIf(!hasOpenssl)('https: reads the certificate even when untrusted, and trusts it with its CA', async () => {
    const port = await listen(httpsServer);
    const untrusted = await pingHub(`https://127.0.0.1:${port}`, { attempts: 1, now: () => Date.now() });
    expect(untrusted.attempts[0]!.error).toMatch(/SELF_SIGNED/);
    expect(untrusted.tls).toMatchObject({
      authorized: false,
      authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      subject: 'CN=lantern-hub.test, O=Lantern Test Hospital',
      issuer: 'CN=lantern-hub.test, O=Lantern Test Hospital',
      altNames: ['DNS:lantern-hub.test', 'IP Address:127.0.0.1'],
      protocol: 'TLSv1.3',
    });
    expect(untrusted.tls!.daysLeft).toBeGreaterThanOrEqual(18);
    expect(untrusted.tls!.daysLeft).toBeLessThanOrEqual(20);
    expect(untrusted.tls!.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const trusted = await pingHub(`https://127.0.0.1:${port}`, { attempts: 2, ca: cert });
    expect(trusted.tls).toMatchObject({ authorized: true, authorizationError: null });
    expect(trusted.attempts.every((a) => a.status === 200)).toBe(true);
    expect(trusted.hub).toEqual({ hubId: 'hub-test', seq: 42 });
  });
});

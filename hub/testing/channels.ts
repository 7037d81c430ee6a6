/**
 * Test support for the channel adapters (not shipped code): a widget protocol
 * client, signed webhook posts, a stand-in HTTP server (Tencent API, SMS
 * gateway), and a real mosquitto broker on a free loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as netServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { signWebhook } from '../channels/http';

export type Frame = { t: string } & Record<string, unknown>;

/** Speaks the widget protocol (hub/channels/webchat/protocol.ts) like the browser widget does. */
export class WidgetClient {
  readonly frames: Frame[] = [];
  closed: { code: number } | null = null;
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(hubUrl: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/widget/ws`, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (d) => {
      this.frames.push(JSON.parse(d.toString()) as Frame);
      this.wake();
    });
    this.ws.on('close', (code) => {
      this.closed = { code };
      this.wake();
    });
    this.ws.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async until(pred: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; frames=${JSON.stringify(this.frames).slice(0, 2000)} closed=${JSON.stringify(this.closed)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  of(t: string): Frame[] {
    return this.frames.filter((f) => f.t === t);
  }

  /** hello → welcome; answers the welcome frame. */
  async hello(extra: Record<string, unknown> = {}): Promise<Frame> {
    await this.opened;
    this.send({ t: 'hello', ...extra });
    await this.until(() => this.of('welcome').length > 0);
    return this.of('welcome')[0]!;
  }

  /** Sends a message and waits for its ack; answers the hub's message id. */
  async say(cid: string, text: string): Promise<string> {
    this.send({ t: 'msg', cid, text });
    await this.until(() => this.of('ack').some((a) => a.cid === cid) || this.of('error').some((e) => e.cid === cid));
    const ack = this.of('ack').find((a) => a.cid === cid);
    if (!ack) throw new Error(`refused: ${JSON.stringify(this.of('error'))}`);
    return String(ack.id);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ws.close();
    return this.until(() => this.closed !== null).catch(() => undefined);
  }
}

export interface Posted {
  status: number;
  text: string;
  json: { ok: boolean; value?: unknown; error?: { code: string; message: string; details?: unknown } } | null;
}

/** POSTs a body with the hub's webhook signature (X-Lantern-Timestamp/-Signature). */
export async function signedPost(url: string, secret: string, body: string, contentType = 'application/json', opts: { now?: number; headers?: Record<string, string> } = {}): Promise<Posted> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...signWebhook(secret, body, opts.now ?? Date.now()), ...opts.headers }, body });
  const text = await res.text();
  let json: Posted['json'] = null;
  try {
    json = JSON.parse(text) as Posted['json'];
  } catch {
    /* not JSON (WeChat answers text) */
  }
  return { status: res.status, text, json };
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A stand-in HTTP server (Tencent's API, an SMS gateway): records requests, answers with `handle`. */
export class StandIn {
  readonly requests: Recorded[] = [];
  private server: Server | null = null;
  url = '';
  constructor(public handle: (r: Recorded) => { status?: number; json?: unknown; headers?: Record<string, string> } | Promise<{ status?: number; json?: unknown; headers?: Record<string, string> }>) {}

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Recorded = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(r);
        Promise.resolve(this.handle(r)).then(
          (a) => {
            res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
            res.end(a.json === undefined ? '' : JSON.stringify(a.json));
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export const MOSQUITTO = process.env.LANTERN_MOSQUITTO ?? '/usr/sbin/mosquitto';

export async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const a = s.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A real mosquitto broker on a free loopback port, with a temp config. Fails (never skips) when mosquitto is missing. */
export async function startMosquitto(): Promise<{ url: string; port: number; stop: () => Promise<void>; process: ChildProcess }> {
  if (!existsSync(MOSQUITTO)) {
    throw new Error(`mosquitto not found at ${MOSQUITTO}: install it (Debian/Ubuntu: sudo apt-get install mosquitto) or set LANTERN_MOSQUITTO to its path. The MQTT device tests need a real broker.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'lantern-mqtt-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', ''].join('\n'));
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${stderr}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mosquitto did not listen on ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

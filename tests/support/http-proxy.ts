import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
}

/**
 * A loopback HTTP proxy in front of a real hub, for tests of how a workstation copes
 * with what sits between it and the hub: it records the requests, can answer a route
 * itself (an older hub without it), cut a response after some bytes, deliver a response
 * all at once (a buffering reverse proxy), and hold new requests until released.
 * WebSocket upgrades are passed through as bytes.
 */
export class HttpTestProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Answer these paths with the hub's 404 envelope, as a hub without the route would. */
  missing = new Set<string>();
  /** Cut the next response on this path after this many body bytes (then forget the rule). */
  cutNext: { path: string; afterBytes: number } | null = null;
  /** Answer these paths with 200, the page-stream content type and no line at all (a broken middlebox). */
  emptyStream = new Set<string>();
  /** Forward only this many body bytes of the next response on this path, then nothing more (a stalled link). */
  stallNext: { path: string; afterBytes: number } | null = null;
  /** Responses whose client side closed before the proxy had sent them in full. */
  abandoned = 0;
  /** Buffer responses on these paths and send each in one piece when it is complete. */
  whole = new Set<string>();
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly hubPort: number) {
    this.server = createServer((req, res) => void this.forward(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
      const up = connect(this.hubPort, '127.0.0.1', () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`), '', ''];
        up.write(lines.join('\r\n'));
        up.write(head);
        up.pipe(client).pipe(up);
      });
      this.sockets.add(up);
      up.on('close', () => {
        this.sockets.delete(up);
        client.destroy();
      });
      client.on('close', () => up.destroy());
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const a = this.server.address();
    if (!a || typeof a === 'string') throw new Error('no port');
    this.port = a.port;
    return `http://127.0.0.1:${this.port}`;
  }

  /** New requests wait (as on a link that went quiet) until release(). */
  hold(): void {
    this.gate ??= new Promise((r) => (this.openGate = r));
  }

  release(): void {
    this.openGate?.();
    this.gate = null;
    this.openGate = null;
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({ method: req.method ?? 'GET', path });
    if (this.gate) await this.gate;
    if (this.missing.has(path)) {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ ok: false, error: { code: 'request.not_found', message: `No route ${req.method} ${path}` } }));
      return;
    }
    if (this.emptyStream.has(path)) {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' }).end();
      return;
    }
    const cut = this.cutNext?.path === path ? this.cutNext : null;
    if (cut) this.cutNext = null;
    const stall = this.stallNext?.path === path ? this.stallNext : null;
    if (stall) this.stallNext = null;
    let finished = false;
    res.on('finish', () => (finished = true));
    res.on('close', () => {
      if (!finished) this.abandoned++;
    });
    const whole = this.whole.has(path);
    const up = request({ host: '127.0.0.1', port: this.hubPort, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      let sent = 0;
      const parts: Buffer[] = [];
      upRes.on('data', (chunk: Buffer) => {
        if (whole) return void parts.push(chunk);
        if (stall && sent + chunk.length >= stall.afterBytes) {
          if (sent < stall.afterBytes) res.write(chunk.subarray(0, stall.afterBytes - sent));
          sent = stall.afterBytes;
          return;
        }
        if (cut && sent + chunk.length >= cut.afterBytes) {
          res.write(chunk.subarray(0, cut.afterBytes - sent));
          // Let the bytes leave, then break the connection mid-response.
          setTimeout(() => res.socket?.destroy(), 20);
          upRes.destroy();
          return;
        }
        sent += chunk.length;
        res.write(chunk);
      });
      upRes.on('end', () => {
        if (!stall) res.end(whole ? Buffer.concat(parts) : undefined);
      });
      upRes.on('error', () => res.socket?.destroy());
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  }

  async close(): Promise<void> {
    this.release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

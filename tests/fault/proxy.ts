import { createServer, Socket, type Server } from 'node:net';

/**
 * A loopback TCP proxy between sync clients and the hub that the fault harness can
 * break on purpose: cut every connection, refuse new ones (partition), delay bytes,
 * or drop connections at random mid-stream.
 */
export class FaultProxy {
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private partitioned = false;
  private delayMs = 0;
  private dropRate = 0;
  private random: () => number;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    random: () => number = Math.random,
  ) {
    this.random = random;
    this.server = createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const a = this.server.address();
    if (!a || typeof a === 'string') throw new Error('no port');
    this.port = a.port;
    return this.port;
  }

  setTarget(port: number) {
    this.target.port = port;
  }

  private accept(client: Socket) {
    if (this.partitioned) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    this.sockets.add(client);
    this.sockets.add(upstream);
    const kill = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', kill);
    upstream.on('close', kill);
    upstream.connect(this.target.port, this.target.host);
    const pipe = (from: Socket, to: Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (this.dropRate > 0 && this.random() < this.dropRate) {
          kill();
          return;
        }
        if (this.delayMs > 0) {
          from.pause();
          setTimeout(() => {
            if (!to.destroyed) to.write(chunk);
            from.resume();
          }, this.delayMs);
        } else if (!to.destroyed) to.write(chunk);
      });
    };
    pipe(client, upstream);
    pipe(upstream, client);
  }

  /** Kill every open connection (clients see resets mid-request). */
  cutAll() {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  partition(on: boolean) {
    this.partitioned = on;
    if (on) this.cutAll();
  }

  setDelay(ms: number) {
    this.delayMs = ms;
  }

  setDropRate(rate: number) {
    this.dropRate = rate;
  }

  heal() {
    this.partitioned = false;
    this.delayMs = 0;
    this.dropRate = 0;
  }

  async close() {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

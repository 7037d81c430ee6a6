import WebSocket from 'ws';
import type { WsServerFrame } from '../../shared/sync/protocol';

/** A WebSocket test client that records frames and its close code. */
export class WsProbe {
  readonly frames: WsServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (d) => {
      this.frames.push(JSON.parse(d.toString()) as WsServerFrame);
      this.wake();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    this.ws.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(data: unknown): void {
    this.ws.send(typeof data === 'string' ? data : JSON.stringify(data));
  }

  /** Waits until `pred` holds (re-checked on every frame/close), or fails after `ms`. */
  async until(pred: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; frames=${JSON.stringify(this.frames)} closed=${JSON.stringify(this.closed)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  of<T extends WsServerFrame['type']>(type: T): Extract<WsServerFrame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<WsServerFrame, { type: T }> => f.type === type);
  }

  close(): void {
    this.ws.close();
  }
}

export function wsUrl(httpUrl: string, token?: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/sync/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type DestinationStream, type Level } from 'pino';

/**
 * A size-rotated log file for pino (any `{ write(string) }` destination): `<name>.log`
 * is the current file; when the next line would take it past `maxBytes` it becomes
 * `<name>.1.log`, the older ones shift up, and at most `maxFiles` files are kept
 * (`<name>.log` … `<name>.<maxFiles-1>.log`).
 *
 * Writes are synchronous (`fs.writeSync`), like pino's own sync destination: a line
 * that was logged is on disk before the next one, also when the process crashes right
 * after. One writer per file: the workstation (single-instance lock) and the hub (one
 * process per data folder) guarantee that.
 *
 * Used by the hub (`<data>/logs/hub.log`) and by the workstation's main process
 * (`<userData>/logs/main.log`, wired in electron/main/index.ts, which may import hub/).
 */
export interface RotatingFileOptions {
  dir: string;
  /** File stem: `main` → main.log, main.1.log, … */
  name: string;
  /** Rotate before a file grows past this size. Default 5 MiB. */
  maxBytes?: number;
  /** Files kept, the current one included. Default 5. */
  maxFiles?: number;
}

export const LOG_DEFAULTS = { maxBytes: 5 * 1024 * 1024, maxFiles: 5 } as const;

const NAME_RE = /^[a-z][a-z0-9-]{0,31}$/;

export class RotatingFile {
  readonly dir: string;
  readonly name: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
  private fd: number | null = null;
  private size = 0;

  constructor(opts: RotatingFileOptions) {
    if (!NAME_RE.test(opts.name)) throw new Error(`Invalid log name "${opts.name}"`);
    this.dir = opts.dir;
    this.name = opts.name;
    this.maxBytes = Math.max(1024, opts.maxBytes ?? LOG_DEFAULTS.maxBytes);
    this.maxFiles = Math.max(1, Math.floor(opts.maxFiles ?? LOG_DEFAULTS.maxFiles));
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.open();
  }

  /** `<dir>/<name>.log` (index 0) or `<dir>/<name>.<index>.log`. */
  pathOf(index = 0): string {
    return join(this.dir, index === 0 ? `${this.name}.log` : `${this.name}.${index}.log`);
  }

  get path(): string {
    return this.pathOf(0);
  }

  /** pino's destination interface. Never throws: a full disk must not take the app down. */
  write(chunk: string): boolean {
    const bytes = Buffer.byteLength(chunk);
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      if (this.fd === null) this.open();
      writeSync(this.fd!, chunk);
      this.size += bytes;
      return true;
    } catch {
      return false;
    }
  }

  /** The files of this log that exist, newest first. */
  files(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.maxFiles; i++) if (existsSync(this.pathOf(i))) out.push(this.pathOf(i));
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** pino calls end()/flushSync() on shutdown when present. */
  end(): void {
    this.close();
  }

  flushSync(): void {
    // Every write is already synchronous.
  }

  private open() {
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate() {
    this.close();
    rmSync(this.pathOf(this.maxFiles - 1), { force: true });
    for (let i = this.maxFiles - 2; i >= 0; i--) {
      if (existsSync(this.pathOf(i))) renameSync(this.pathOf(i), this.pathOf(i + 1));
    }
    // Stray files from a larger maxFiles earlier are removed too.
    const stray = new RegExp(`^${this.name}\\.(\\d+)\\.log$`);
    for (const f of readdirSync(this.dir)) {
      const m = stray.exec(f);
      if (m && Number(m[1]) >= this.maxFiles) rmSync(join(this.dir, f), { force: true });
    }
    this.open();
  }
}

/**
 * The hub process's log destination: stderr (as before, for the console/journald)
 * and `<data>/logs/hub.log`, size-rotated. For hub/cli.ts:
 *   createLogger({ level, destination: hubLogDestination(dir, level) })
 */
export function hubLogDestination(dataDir: string, level: string, opts: { stderr?: DestinationStream; maxBytes?: number; maxFiles?: number } = {}): DestinationStream {
  const lvl = (level === 'silent' ? 'fatal' : level) as Level;
  const file = new RotatingFile({ dir: join(dataDir, 'logs'), name: 'hub', ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}), ...(opts.maxFiles ? { maxFiles: opts.maxFiles } : {}) });
  return pino.multistream([
    { level: lvl, stream: opts.stderr ?? pino.destination({ fd: 2, sync: true }) },
    { level: lvl, stream: file },
  ]);
}

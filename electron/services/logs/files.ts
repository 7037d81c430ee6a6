import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scrubLogLine, type ScrubOptions } from './scrub';

/** Log files in a folder (`main.log`, `main.1.log`, …), newest first within each stem. */
export interface LogFileInfo {
  name: string;
  path: string;
  sizeBytes: number;
  modifiedAt: number;
}

const LOG_FILE = /^([a-z][a-z0-9-]*)(?:\.(\d+))?\.log$/;

export function listLogFiles(dir: string | null | undefined): LogFileInfo[] {
  if (!dir || !existsSync(dir)) return [];
  const out: (LogFileInfo & { stem: string; index: number })[] = [];
  for (const name of readdirSync(dir)) {
    const m = LOG_FILE.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile()) continue;
    out.push({ name, path, sizeBytes: st.size, modifiedAt: Math.round(st.mtimeMs), stem: m[1]!, index: Number(m[2] ?? 0) });
  }
  out.sort((a, b) => a.stem.localeCompare(b.stem) || a.index - b.index);
  return out.map(({ name, path, sizeBytes, modifiedAt }) => ({ name, path, sizeBytes, modifiedAt }));
}

/** The last `maxBytes` of a file, starting at a whole line. */
export function readTail(path: string, maxBytes: number): string {
  const size = statSync(path).size;
  const start = Math.max(0, size - maxBytes);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    const n = readSync(fd, buf, 0, buf.length, start);
    let text = buf.subarray(0, n).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    return text;
  } finally {
    closeSync(fd);
  }
}

/** Recent lines of one log, scrubbed again line by line (defence in depth, and names known only now). */
export function readScrubbedTail(path: string, maxBytes: number, opts: ScrubOptions = {}): string {
  return readTail(path, maxBytes)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => scrubLogLine(l, opts))
    .join('\n');
}

export interface LogEntry {
  time: string;
  level: string;
  msg: string;
  extra: Record<string, unknown>;
}

/** Recent JSON entries of a log stem across its rotated files, oldest first, filtered. */
export function recentEntries(dir: string | null | undefined, stem: string, filter: (e: LogEntry) => boolean, limit: number, maxBytesPerFile = 512 * 1024): LogEntry[] {
  const files = listLogFiles(dir).filter((f) => f.name === `${stem}.log` || f.name.startsWith(`${stem}.`));
  const out: LogEntry[] = [];
  for (const f of files) {
    const lines = readTail(f.path, maxBytesPerFile).split('\n').reverse();
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const { time, level, msg, pid: _pid, hostname: _h, service: _s, ...extra } = JSON.parse(line) as Record<string, unknown>;
        const e: LogEntry = { time: String(time ?? ''), level: String(level ?? ''), msg: String(msg ?? ''), extra };
        if (filter(e)) out.push(e);
      } catch {
        continue;
      }
      if (out.length >= limit) return out.reverse();
    }
  }
  return out.reverse();
}

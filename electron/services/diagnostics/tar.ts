import { gzipSync } from 'node:zlib';

/**
 * A minimal ustar writer (POSIX.1-1988, regular files only) for the diagnostics
 * bundle: no archive library ships with the app, and .tar.gz opens everywhere IT
 * works — `tar -xzf` on Linux/macOS, Windows 10+'s built-in tar.exe, 7-Zip.
 */
export interface TarEntry {
  /** Relative path with `/` separators. */
  name: string;
  data: Buffer | string;
  /** Default 0o644. */
  mode?: number;
  /** Seconds since the epoch; default now. */
  mtime?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width-1 octal digits and a NUL.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(name: string): { name: Buffer; prefix: Buffer } {
  if (name.startsWith('/') || name.split('/').includes('..')) throw new Error(`Unsafe tar entry name: ${name}`);
  const full = Buffer.from(name, 'utf8');
  if (full.length <= 100) return { name: full, prefix: Buffer.alloc(0) };
  // Split at a '/' so that name ≤ 100 and prefix ≤ 155 bytes.
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = Buffer.from(name.slice(0, i), 'utf8');
    const rest = Buffer.from(name.slice(i + 1), 'utf8');
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { name: rest, prefix };
  }
  throw new Error(`Tar entry name too long: ${name}`);
}

export function tarHeader(entry: { name: string; size: number; mode: number; mtime: number }): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const { name, prefix } = splitName(entry.name);
  name.copy(h, 0);
  h.write(octal(entry.mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(entry.size, 12), 124, 'ascii');
  h.write(octal(Math.floor(entry.mtime), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum placeholder: 8 spaces
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('lantern', 265, 'ascii'); // uname
  h.write('lantern', 297, 'ascii'); // gname
  prefix.copy(h, 345);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function tar(entries: readonly TarEntry[]): Buffer {
  const now = Math.floor(Date.now() / 1000);
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    if (data.length > 0o77777777777) throw new Error(`Tar entry too large: ${e.name}`);
    parts.push(tarHeader({ name: e.name, size: data.length, mode: e.mode ?? 0o644, mtime: e.mtime ?? now }), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

export function tarGz(entries: readonly TarEntry[]): Buffer {
  return gzipSync(tar(entries), { level: 9 });
}

/**
 * HTTP byte ranges (RFC 9110 §14) for update artifacts: electron-updater's
 * differential download asks for many ranges of the new installer in one request
 * (multipart/byteranges) or one at a time.
 */
export interface ByteRange {
  /** Inclusive. */
  start: number;
  /** Inclusive. */
  end: number;
}

/** Most ranges accepted in one request (electron-updater sends at most 1000 per request). */
export const MAX_RANGES = 1000;

/**
 * Parses a Range header against a file size. Returns null when the header is absent or
 * not a bytes range (serve the whole file), 'unsatisfiable' when no range fits (416),
 * else the ranges in the order asked (a multipart answer must keep that order).
 */
export function parseRange(header: string | undefined, size: number): ByteRange[] | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return null;
  const specs = m[1]!.split(',').map((s) => s.trim());
  if (specs.length > MAX_RANGES) return 'unsatisfiable';
  const out: ByteRange[] = [];
  for (const spec of specs) {
    const r = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return null; // malformed: ignore the header, as RFC 9110 allows
    if (r[1] === '') {
      const suffix = Number(r[2]);
      if (suffix === 0) continue;
      out.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(r[1]);
    const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
    if (start > end && r[2] !== '' && Number(r[2]) < start) return null;
    if (start >= size) continue;
    out.push({ start, end });
  }
  return out.length ? out : 'unsatisfiable';
}

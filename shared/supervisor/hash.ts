/**
 * A small, stable string hash (FNV-1a, 32 bit) and a ranking helper. Pure TS (the
 * shared layer has no node:crypto); not for security — for deterministic,
 * reproducible sampling: the same seed, period and conversation always rank the
 * same, whatever order the rows come in.
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (from murmur3's fmix32) so similar inputs spread evenly.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform-looking number in [0, 1) derived from the parts. */
export function unitHash(...parts: readonly string[]): number {
  return fnv1a(parts.join('\u0001')) / 2 ** 32;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog's "full jitter"):
 * after a failure, wait a random time in [0, min(cap, base·2^attempt)]. Spreads the
 * reconnect storm when a clinic's whole floor comes back online at once.
 */
export function backoffDelay(attempt: number, opts: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 500;
  const cap = opts.capMs ?? 30_000;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 20));
  return Math.round((opts.random ?? Math.random)() * ceiling);
}

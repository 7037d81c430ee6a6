/** A job the hub runs on a timer; `tick()` runs one round now (tests, and at start). */
export interface Periodic<T> {
  tick(): Promise<T>;
  /** Stops the timer and waits for a round in flight. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs `round` every `intervalMs`, one round at a time (a tick while one runs joins it).
 * The timer is unref'd: it never keeps a process alive. `runAtStart` runs a first round
 * at once (work that came due while the hub was down).
 */
export function startPeriodic<T>(round: () => Promise<T>, opts: { intervalMs: number; onResult?: (out: T) => void; onError: (e: unknown) => void; runAtStart?: boolean }): Periodic<T> {
  let running: Promise<T> | null = null;
  let stopped = false;
  const tick = () => {
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  };
  const scheduled = () => {
    if (stopped) return;
    tick().then((out) => opts.onResult?.(out), opts.onError);
  };
  const timer = setInterval(scheduled, opts.intervalMs);
  timer.unref();
  if (opts.runAtStart) scheduled();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

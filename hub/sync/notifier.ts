/**
 * "The change log advanced": pushes, ingest and admin actions call `advanced()`
 * after their transaction COMMITTED (never before: a poke must not make a client
 * pull a change that could still roll back). Calls within a few milliseconds are
 * coalesced into one round of listener calls, so a 500-mutation batch costs one
 * round of scope queries, not 500.
 */
export class Notifier {
  private readonly listeners = new Set<() => void | Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly delayMs = 5) {}

  subscribe(listener: () => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  advanced(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      for (const l of this.listeners) {
        void Promise.resolve()
          .then(l)
          .catch(() => undefined);
      }
    }, this.delayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}

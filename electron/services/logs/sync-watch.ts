import type { SyncClient } from '../sync/client';
import type { Log } from '../workstation';

/**
 * Writes sync *transitions* to the log (online → offline, a new error code, newly
 * rejected changes), so `sync log` in the console and an exported bundle tell the
 * story of a shift without the sync engine logging every cycle.
 */
export function watchSync(sync: Pick<SyncClient, 'snapshot'>, log: Log, intervalMs = 5000): () => void {
  let last = sync.snapshot();
  log('info', `sync status ${last.status}`, { queued: last.queued, rejected: last.rejected });
  const timer = setInterval(() => {
    let s: ReturnType<typeof sync.snapshot>;
    try {
      s = sync.snapshot();
    } catch {
      // The replica closed (quitting): nothing more to watch.
      clearInterval(timer);
      return;
    }
    const errorChanged = (s.error?.code ?? null) !== (last.error?.code ?? null);
    if (s.status !== last.status || errorChanged) {
      const bad = s.status === 'error' || s.status === 'offline' || s.status === 'signed_out';
      log(bad ? 'warn' : 'info', `sync status ${last.status} -> ${s.status}`, { ...(s.error ? { code: s.error.code, error: s.error.message } : {}), queued: s.queued, rejected: s.rejected });
    }
    if (s.rejected > last.rejected) log('warn', 'sync: the hub rejected changes', { rejected: s.rejected, newly: s.rejected - last.rejected });
    last = s;
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

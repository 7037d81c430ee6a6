import type { SyncClient } from '../sync/client';
import type { Log } from '../workstation';

/**
 * Writes sync *transitions* to the log (online → offline, a new error code, newly
 * rejected changes), so `sync log` in the console and an exported bundle tell the
 * story of a shift without the sync engine logging every cycle. `syncing` is a passing
 * state (every retry while offline passes through it): a transition is logged between
 * settled states only, so an outage reads "online -> offline", not a flicker of
 * "offline -> syncing -> offline" each retry.
 */
export function watchSync(sync: Pick<SyncClient, 'snapshot'>, log: Log, intervalMs = 5000): () => void {
  let last = sync.snapshot();
  log('info', `sync status ${last.status}`, { queued: last.queued, rejected: last.rejected });
  /** The last settled state logged (and its error code). */
  let settled = { status: last.status, code: last.error?.code ?? null };
  const timer = setInterval(() => {
    let s: ReturnType<typeof sync.snapshot>;
    try {
      s = sync.snapshot();
    } catch {
      // The replica closed (quitting): nothing more to watch.
      clearInterval(timer);
      return;
    }
    const code = s.error?.code ?? null;
    if (s.status !== 'syncing' && (s.status !== settled.status || code !== settled.code)) {
      const bad = s.status === 'error' || s.status === 'offline' || s.status === 'signed_out';
      log(bad ? 'warn' : 'info', `sync status ${settled.status} -> ${s.status}`, { ...(s.error ? { code: s.error.code, error: s.error.message } : {}), queued: s.queued, rejected: s.rejected });
      settled = { status: s.status, code };
    }
    if (s.rejected > last.rejected) log('warn', 'sync: the hub rejected changes', { rejected: s.rejected, newly: s.rejected - last.rejected });
    last = s;
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

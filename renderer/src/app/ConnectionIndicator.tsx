import { useTranslation } from 'react-i18next';
import type { SyncSnapshotValue } from '../../../shared/contract/sync';
import { formatListTime } from '../lib/format';
import { localizeError } from '../../../shared/i18n/errors';
import type { Language } from '../../../shared/domain/types';

/** Always visible: whether a reply has left the building, and how many are waiting. */
export function ConnectionIndicator({ snap }: { snap: SyncSnapshotValue | null }) {
  const { t, i18n } = useTranslation();
  // Demo mode has no hub; the mode badge beside it says so.
  if (!snap || snap.status === 'demo') return null;
  let text: string;
  switch (snap.status) {
    case 'online':
      text = snap.queued ? `${t('net.syncing')} · ${t('net.queuedSuffix', { count: snap.queued })}` : t('net.online');
      break;
    case 'syncing':
      text = snap.queued ? `${t('net.syncing')} · ${t('net.queuedSuffix', { count: snap.queued })}` : t('net.syncing');
      break;
    case 'offline':
      text = snap.queued ? t('net.offline', { count: snap.queued }) : t('net.offlineNone');
      break;
    case 'error':
      text = t('net.error');
      break;
    default:
      text = t('net.signed_out');
  }
  const last = snap.lastSyncAt ? t('net.lastSync', { time: formatListTime(snap.lastSyncAt, i18n.language) }) : undefined;
  // What went wrong, in words (and its code for IT), on hover and for screen readers.
  const problem = snap.status === 'error' && snap.error ? `${localizeError(snap.error.code, i18n.language as Language)} (${snap.error.code})` : undefined;
  const title = [problem, last].filter(Boolean).join('\n') || undefined;
  return (
    <div className={`net net-${snap.status}`} data-testid="connection" data-status={snap.status} data-queued={snap.queued} title={title} role="status">
      <span className="net-dot" aria-hidden="true" />
      <span>{text}</span>
      {problem ? (
        <span className="sr-only" data-testid="connection-problem">
          {problem}
        </span>
      ) : null}
      {snap.rejected ? (
        <span className="net-rejected" data-testid="rejected-count">
          {t('net.rejected', { count: snap.rejected })}
        </span>
      ) : null}
      {snap.initial ? (
        <span className="net-progress" data-testid="initial-sync">
          {snap.initial.percent !== null ? (
            <>
              <progress max={100} value={snap.initial.percent} /> {t('net.initial', { pulled: snap.initial.pulled, percent: snap.initial.percent })}
            </>
          ) : (
            t('net.initialUnknown', { pulled: snap.initial.pulled })
          )}
        </span>
      ) : null}
      {snap.indexing && !snap.initial ? (
        <span className="net-progress" data-testid="search-indexing" title={t('net.indexingHint')}>
          <progress max={snap.indexing.total} value={Math.min(snap.indexing.done, snap.indexing.total)} /> {t('net.indexing', { done: snap.indexing.done, total: snap.indexing.total })}
        </span>
      ) : null}
    </div>
  );
}

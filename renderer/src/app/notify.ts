import type { TFunction } from 'i18next';
import type { SyncSnapshotValue } from '../../../shared/contract/sync';

/**
 * Desktop notification for newly arrived urgent/high conversations — only when the
 * window is not focused and do-not-disturb is off (an agent looking at the inbox
 * already sees them; a notification storm helps nobody at 2 a.m.).
 */
export function notifyArrivals(arrived: SyncSnapshotValue['arrived'], opts: { dnd: boolean; t: TFunction; onOpen: (id: string) => void }): number {
  if (opts.dnd || typeof Notification === 'undefined' || Notification.permission === 'denied') return 0;
  if (document.hasFocus()) return 0;
  let shown = 0;
  for (const a of arrived) {
    if (a.priority !== 'urgent' && a.priority !== 'high') continue;
    const show = () => {
      const n = new Notification(a.priority === 'urgent' ? opts.t('notify.urgentTitle', { name: a.contactName }) : opts.t('notify.newTitle', { name: a.contactName }), { body: a.preview, tag: a.id, requireInteraction: a.priority === 'urgent' });
      n.onclick = () => {
        window.focus();
        opts.onOpen(a.id);
      };
    };
    if (Notification.permission === 'granted') show();
    else void Notification.requestPermission().then((p) => p === 'granted' && show());
    shown++;
  }
  return shown;
}

import { useTranslation } from 'react-i18next';
import type { TimelineItem } from '../../../shared/contract/conversations';
import { formatMessageTime } from '../lib/format';
import { useNow } from '../lib/useNow';
import { localizeDeliveryFailure } from '../../../shared/i18n/channel-errors';
import type { Language } from '../../../shared/domain/types';
import type { OpenAttachment } from './attachmentData';
import { MessageAttachments } from './MessageAttachments';
import { bodyWithoutFileLines } from '../../../shared/domain/files';

interface Props {
  items: TimelineItem[];
  userNames: Record<string, string>;
  onRecall: (id: string) => void;
  onCancel: (id: string) => void;
  /** Reads a file on a message (thumbnails and downloads). */
  openAttachment: OpenAttachment;
}

/** Messages, internal notes, system events and device readings in one time order. */
export function Timeline({ items, userNames, onRecall, onCancel, openAttachment }: Props) {
  const { t, i18n } = useTranslation();
  useNow(500); // re-render twice a second for the recall countdown
  const now = Date.now();
  const name = (id: unknown) => (typeof id === 'string' ? (userNames[id] ?? id) : '—');

  function eventText(e: Extract<TimelineItem, { type: 'event' }>): string {
    const actor = e.actorName ?? '—';
    const d = e.detail;
    switch (e.kind) {
      case 'assign':
        return d.to ? t('timeline.event_assign', { actor, to: name(d.to) }) : t('timeline.event_unassign', { actor });
      case 'transfer':
        return t('timeline.event_transfer', { actor, from: name(d.from), to: name(d.to) });
      case 'status':
        return t('timeline.event_status', { actor, status: t(`status.${String(d.status)}`) });
      case 'priority':
        return t('timeline.event_priority', { actor, priority: t(`priority.${String(d.priority)}`) });
      case 'tags':
        return t('timeline.event_tags', { actor, tags: Array.isArray(d.tags) ? d.tags.join('、') : '' });
      case 'recall':
        return t('timeline.event_recall', { actor });
      default:
        return t('timeline.event_other', { actor, kind: e.kind });
    }
  }

  return (
    <ol className="timeline" aria-live="polite" data-testid="timeline">
      {items.map((item) => {
        if (item.type === 'message') {
          const recallLeft = item.recallableUntil ? item.recallableUntil - now : 0;
          return (
            <li key={item.id} className={`message ${item.direction}${item.recalledAt ? ' recalled' : ''}`} data-testid="message" data-message-id={item.id} data-direction={item.direction} data-delivery={item.deliveryStatus}>
              <div className="bubble">
                {item.recalledAt ? (
                  <p className="recalled-text">{t('timeline.recalled')}</p>
                ) : (
                  <>
                    {(() => {
                      const text = bodyWithoutFileLines(item.body, item.attachments.map((a) => a.id));
                      return text ? <p>{text}</p> : null;
                    })()}
                    <MessageAttachments attachments={item.attachments} open={openAttachment} />
                  </>
                )}
              </div>
              <div className="meta">
                <span>{item.authorName ?? (item.direction === 'inbound' ? t('conversation.patient') : t('conversation.you'))}</span>
                <time>{formatMessageTime(item.at, i18n.language)}</time>
                {item.direction === 'outbound' && !item.recalledAt ? (
                  <span className={`delivery delivery-${item.deliveryStatus}`} data-testid="delivery-status">
                    {t(`delivery.${item.deliveryStatus}`)}
                    {item.failureReason ? ` · ${localizeDeliveryFailure(item.failureReason, i18n.language as Language)}` : ''}
                  </span>
                ) : null}
                {recallLeft > 0 && !item.recalledAt ? (
                  <button type="button" className="link-button" data-testid="recall" onClick={() => onRecall(item.id)}>
                    {t('timeline.recall', { seconds: Math.ceil(recallLeft / 1000) })}
                  </button>
                ) : null}
                {item.deliveryStatus === 'queued' && !item.recalledAt ? (
                  <button type="button" className="link-button" data-testid="cancel-queued" onClick={() => onCancel(item.id)}>
                    {t('timeline.cancel')}
                  </button>
                ) : null}
              </div>
            </li>
          );
        }
        if (item.type === 'note') {
          return (
            <li key={item.id} className="note" data-testid="note">
              <div className="note-label">{t('timeline.note')}</div>
              <p>{item.body}</p>
              <div className="meta">
                <span>{item.authorName}</span>
                <time>{formatMessageTime(item.at, i18n.language)}</time>
              </div>
            </li>
          );
        }
        if (item.type === 'event') {
          return (
            <li key={item.id} className="event" data-testid="event" data-kind={item.kind}>
              <span>{eventText(item)}</span> <time>{formatMessageTime(item.at, i18n.language)}</time>
            </li>
          );
        }
        return (
          <li key={item.id} className="reading-item" data-testid="reading" data-kind={item.kind}>
            <span className="reading-kind">{t(`reading.${item.kind}`)}</span>
            <strong>
              {item.value}
              {item.value2 !== null ? `/${item.value2}` : ''} {item.unit}
            </strong>
            <time>{formatMessageTime(item.at, i18n.language)}</time>
          </li>
        );
      })}
    </ol>
  );
}

import { memo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { ConversationSummary } from '../../../shared/contract/conversations';
import { channels, conversationStatuses, type Channel, type ConversationStatus } from '../../../shared/domain/types';
import { ChannelBadge } from './ChannelBadge';
import { formatListTime } from '../lib/format';
import { formatDuration, useNow } from '../lib/useNow';

export type InboxView = 'all' | 'mine' | 'team' | 'unassigned' | 'urgent';

export interface InboxFilter {
  view: InboxView;
  channel: Channel | '';
  status: ConversationStatus | '';
  tag: string;
  query: string;
}

export const EMPTY_FILTER: InboxFilter = { view: 'all', channel: '', status: '', tag: '', query: '' };

interface Props {
  items: ConversationSummary[];
  total: number;
  tags: string[];
  selectedId: string | null;
  filter: InboxFilter;
  onFilter: (f: InboxFilter) => void;
  onSelect: (id: string) => void;
}

const ROW_HEIGHT = 92;
/** More than the rows ever rendered at once (a 4K-tall window shows ~25 plus the overscan), so slot keys never collide. */
const ROW_SLOTS = 128;
const VIEWS: InboxView[] = ['all', 'mine', 'team', 'unassigned', 'urgent'];
const VIEW_LABEL: Record<InboxView, string> = { all: 'inbox.all', mine: 'inbox.mine', team: 'inbox.team', unassigned: 'inbox.unassigned', urgent: 'inbox.urgent' };

/** Every channel in one list. Virtualized: only visible rows are in the DOM, so 10,000 stays smooth. */
export function Inbox({ items, total, tags, selectedId, filter, onFilter, onSelect }: Props) {
  const { t } = useTranslation();

  return (
    <section className="inbox" aria-label={t('inbox.title')}>
      <header className="inbox-header">
        <h2>{t('inbox.title')}</h2>
        <span className="muted" data-testid="inbox-count">
          {t('inbox.count', { count: total })}
        </span>
      </header>
      <div className="inbox-search">
        <input type="search" data-testid="inbox-search" placeholder={t('inbox.search')} aria-label={t('inbox.search')} value={filter.query} onChange={(e) => onFilter({ ...filter, query: e.target.value })} />
      </div>
      <div className="inbox-tabs" role="tablist">
        {VIEWS.map((v) => (
          <button key={v} type="button" role="tab" aria-selected={filter.view === v} data-testid={`view-${v}`} onClick={() => onFilter({ ...filter, view: v })}>
            {t(VIEW_LABEL[v])}
          </button>
        ))}
      </div>
      <div className="inbox-filters">
        <select aria-label={t('inbox.filterChannel')} data-testid="filter-channel" value={filter.channel} onChange={(e) => onFilter({ ...filter, channel: e.target.value as Channel | '' })}>
          <option value="">{t('inbox.allChannels')}</option>
          {channels.map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}`)}
            </option>
          ))}
        </select>
        <select aria-label={t('inbox.filterStatus')} data-testid="filter-status" value={filter.status} onChange={(e) => onFilter({ ...filter, status: e.target.value as ConversationStatus | '' })}>
          <option value="">{t('inbox.allStatuses')}</option>
          {conversationStatuses.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        <select aria-label={t('inbox.filterTag')} data-testid="filter-tag" value={filter.tag} onChange={(e) => onFilter({ ...filter, tag: e.target.value })}>
          <option value="">{t('inbox.allTags')}</option>
          {tags.map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </div>
      <InboxList items={items} selectedId={selectedId} onSelect={onSelect} />
    </section>
  );
}

/**
 * The scrolling part on its own: a scroll step re-renders only this list, and only
 * rows that came into view render (rows are memoized on their conversation).
 */
const InboxList = memo(function InboxList({ items, selectedId, onSelect }: { items: ConversationSummary[]; selectedId: string | null; onSelect: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow(15_000);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 6 });
  return (
    <div className="inbox-scroll" ref={scrollRef} data-testid="inbox-list" role="listbox" aria-label={t('inbox.title')}>
      {items.length === 0 ? <p className="empty">{t('inbox.empty')}</p> : null}
      <div className="inbox-rows" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const c = items[row.index];
          if (!c) return null;
          // Keyed by slot, not by conversation: a row scrolled out hands its DOM nodes to the
          // one scrolled in (text and attributes change; nothing is created or destroyed), which
          // keeps a fast scroll or a scrollbar drag through 10,000 rows within a frame.
          return <InboxRow key={row.index % ROW_SLOTS} c={c} top={row.start} selected={c.id === selectedId} now={now} language={i18n.language} onSelect={onSelect} />;
        })}
      </div>
    </div>
  );
});

interface RowProps {
  c: ConversationSummary;
  top: number;
  selected: boolean;
  now: number;
  language: string;
  onSelect: (id: string) => void;
}

const InboxRow = memo(function InboxRow({ c, top, selected, now, language, onSelect }: RowProps) {
  const { t } = useTranslation();
  const sla = c.slaDueAt !== null && c.status !== 'resolved' ? c.slaDueAt - now : null;
  return (
    <div
      role="option"
      aria-selected={selected}
      tabIndex={0}
      data-testid="inbox-row"
      data-conversation-id={c.id}
      className={`inbox-row priority-${c.priority}${selected ? ' selected' : ''}${c.unreadCount > 0 ? ' unread' : ''}`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
      onClick={() => onSelect(c.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') onSelect(c.id);
      }}
    >
      <div className="row-top">
        <ChannelBadge channel={c.channel} />
        <span className="row-name">{c.contactName}</span>
        {c.priority === 'urgent' || c.priority === 'high' ? (
          <span className={`priority-tag priority-tag-${c.priority}`} data-testid="priority-tag">
            {t(`priority.${c.priority}`)}
          </span>
        ) : null}
        <time className="row-time">{formatListTime(c.lastMessageAt, language, now)}</time>
      </div>
      <div className="row-bottom">
        <span className="row-preview">{c.lastMessagePreview}</span>
        {c.unreadCount > 0 ? (
          <span className="unread-count" aria-label={t('inbox.unread', { count: c.unreadCount })}>
            {c.unreadCount}
          </span>
        ) : null}
      </div>
      <div className="row-meta">
        {sla !== null ? (
          <span className={sla < 0 ? 'sla sla-over' : 'sla'} data-testid="sla">
            {sla < 0 ? t('inbox.slaOver', { time: formatDuration(sla, language) }) : t('inbox.slaLeft', { time: formatDuration(sla, language) })}
          </span>
        ) : null}
        {c.assigneeName ? <span className="assignee">{t('inbox.assignedTo', { name: c.assigneeName })}</span> : null}
        <span className={`status status-${c.status}`}>{t(`status.${c.status}`)}</span>
      </div>
    </div>
  );
});

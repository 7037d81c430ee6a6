import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, type Ref } from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ConversationSummary } from '../../../shared/contract/conversations';
import type { Channel, ConversationStatus } from '../../../shared/domain/types';
import { channels, conversationStatuses } from '../lib/domain';
import { formatListTime } from '../lib/format';
import { formatDuration, useNow } from '../lib/useNow';
import { ChannelMark } from './ChannelBadge';

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
  /** The search box, for the keyboard shortcut that focuses it. */
  searchRef?: Ref<HTMLInputElement>;
}

/** Every row has this height (CSS keeps its content from wrapping), so nothing is measured while scrolling. */
const ROW_HEIGHT = 92;
/**
 * Rows rendered beyond each edge of the visible part, for the compositor to scroll into
 * while the next frame is made. Scrolling by wheel, touchpad or keyboard moves less than
 * this per frame, and rows that stay in the window are not rendered again.
 */
const OVERSCAN = 6;
/**
 * …except while the list jumps (scrollbar drag, Page Down, a fast fling): when the visible
 * rows of one frame and the next do not overlap, every row is new and a margin around a
 * position the next frame leaves is never seen — only rendered. Then one row each side.
 */
const JUMP_OVERSCAN = 1;
/** How many keys the rows of a window use: the most rows it can hold at that overscan. */
const windowSlots = (viewportHeight: number, overscan: number) => Math.ceil(viewportHeight / ROW_HEIGHT) + 1 + 2 * overscan;
const VIEWS: InboxView[] = ['all', 'mine', 'team', 'unassigned', 'urgent'];
const VIEW_LABEL: Record<InboxView, string> = { all: 'inbox.all', mine: 'inbox.mine', team: 'inbox.team', unassigned: 'inbox.unassigned', urgent: 'inbox.urgent' };

/** Every channel in one list. Virtualized: only visible rows are in the DOM, so 10,000 stays smooth. */
export function Inbox({ items, total, tags, selectedId, filter, onFilter, onSelect, searchRef }: Props) {
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
        <input ref={searchRef} type="search" data-testid="inbox-search" placeholder={t('inbox.search')} aria-label={t('inbox.search')} value={filter.query} onChange={(e) => onFilter({ ...filter, query: e.target.value })} />
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

/** Per-language words every row shows, looked up once per language instead of per row and frame. */
interface RowLabels {
  channel: Record<Channel, string>;
  channelShort: Record<Channel, string>;
  status: Record<ConversationStatus, string>;
  priority: Record<'urgent' | 'high', string>;
  /** `t(key, { [name]: value })`, remembered: rows repeat the same few counts, names and durations. */
  text: (key: 'inbox.unread' | 'inbox.assignedTo' | 'inbox.slaOver' | 'inbox.slaLeft', name: 'count' | 'name' | 'time', value: string | number) => string;
}

function rowLabels(t: TFunction): RowLabels {
  const byChannel = (prefix: string) => Object.fromEntries(channels.map((c) => [c, t(`${prefix}.${c}`)])) as Record<Channel, string>;
  const texts = new Map<string, string>();
  return {
    channel: byChannel('channel'),
    channelShort: byChannel('channelShort'),
    status: Object.fromEntries(conversationStatuses.map((s) => [s, t(`status.${s}`)])) as Record<ConversationStatus, string>,
    priority: { urgent: t('priority.urgent'), high: t('priority.high') },
    text(key, name, value) {
      const k = `${key}\u0000${value}`;
      let v = texts.get(k);
      if (v === undefined) {
        if (texts.size > 1000) texts.clear();
        v = t(key, { [name]: value });
        texts.set(k, v);
      }
      return v;
    },
  };
}

/**
 * The scrolling part on its own: a scroll step re-renders only this list, and rows whose
 * props did not change are skipped (memo).
 *
 * Rows are keyed by position modulo the most rows the window can hold, not by conversation:
 * consecutive rows always have distinct keys, a row that scrolls out hands its key — and its
 * DOM nodes — to the one that scrolls in, and a jump (scrollbar drag, Page Down) updates the
 * existing rows' text in place instead of destroying and building them every frame.
 */
const InboxList = memo(function InboxList({ items, selectedId, onSelect }: { items: ConversationSummary[]; selectedId: string | null; onSelect: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const labels = useMemo(() => rowLabels(t), [t, language]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow(15_000);
  // The virtualizer calls this (while this component renders, memoized on the visible range)
  // with the visible rows; it picks the overscan for them and notes it for the keys below.
  const lastStart = useRef<number | null>(null);
  const overscanUsed = useRef(OVERSCAN);
  const rangeExtractor = useCallback((range: Range) => {
    const visible = range.endIndex - range.startIndex + 1;
    const jumped = lastStart.current !== null && Math.abs(range.startIndex - lastStart.current) > visible;
    lastStart.current = range.startIndex;
    overscanUsed.current = jumped ? JUMP_OVERSCAN : range.overscan;
    return defaultRangeExtractor({ ...range, overscan: overscanUsed.current });
  }, []);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    rangeExtractor,
    // The list is at most the window's height: the first render already has rows for it,
    // the measurement that follows only trims them.
    initialRect: { width: 0, height: window.innerHeight },
  });
  const virtualItems = virtualizer.getVirtualItems();

  // A conversation opened from elsewhere (the next/previous keys, a notification) is scrolled into view.
  const itemsNow = useRef(items);
  itemsNow.current = items;
  useEffect(() => {
    const index = selectedId ? itemsNow.current.findIndex((c) => c.id === selectedId) : -1;
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [selectedId, virtualizer]);
  const slots = Math.max(virtualItems.length, windowSlots(virtualizer.scrollRect?.height ?? 0, overscanUsed.current));

  // A focused row whose node is handed to another conversation keeps the focus on that
  // conversation if it is still rendered (else lets it go, as when a row is removed), so
  // Enter never opens a conversation the agent did not focus.
  const focusedId = useRef<string | null>(null);
  useLayoutEffect(() => {
    const list = scrollRef.current;
    const active = document.activeElement;
    if (!list || !focusedId.current || !(active instanceof HTMLElement) || active.parentElement?.parentElement !== list) return;
    if (active.dataset.conversationId === focusedId.current) return;
    const same = [...list.querySelectorAll<HTMLElement>('[data-testid=inbox-row]')].find((r) => r.dataset.conversationId === focusedId.current);
    if (same) same.focus({ preventScroll: true });
    else active.blur();
  });

  return (
    <div
      className="inbox-scroll"
      ref={scrollRef}
      data-testid="inbox-list"
      role="listbox"
      aria-label={t('inbox.title')}
      onFocus={(e) => {
        focusedId.current = e.target instanceof HTMLElement ? (e.target.dataset.conversationId ?? null) : null;
      }}
    >
      {items.length === 0 ? <p className="empty">{t('inbox.empty')}</p> : null}
      <div className="inbox-rows" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((row) => {
          const c = items[row.index];
          if (!c) return null;
          return <InboxRow key={row.index % slots} c={c} top={row.start} selected={c.id === selectedId} now={now} language={language} labels={labels} onSelect={onSelect} />;
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
  labels: RowLabels;
  onSelect: (id: string) => void;
}

/** One row: no hooks of its own (its words come in `labels`), so rendering it is only building its elements. */
const InboxRow = memo(function InboxRow({ c, top, selected, now, language, labels, onSelect }: RowProps) {
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
        <ChannelMark channel={c.channel} name={labels.channel[c.channel]} short={labels.channelShort[c.channel]} />
        <span className="row-name">{c.contactName}</span>
        {c.priority === 'urgent' || c.priority === 'high' ? (
          <span className={`priority-tag priority-tag-${c.priority}`} data-testid="priority-tag">
            {labels.priority[c.priority]}
          </span>
        ) : null}
        <time className="row-time">{formatListTime(c.lastMessageAt, language, now)}</time>
      </div>
      <div className="row-bottom">
        <span className="row-preview">{c.lastMessagePreview}</span>
        {c.unreadCount > 0 ? (
          <span className="unread-count" aria-label={labels.text('inbox.unread', 'count', c.unreadCount)}>
            {c.unreadCount}
          </span>
        ) : null}
      </div>
      <div className="row-meta">
        {sla !== null ? (
          <span className={sla < 0 ? 'sla sla-over' : 'sla'} data-testid="sla">
            {labels.text(sla < 0 ? 'inbox.slaOver' : 'inbox.slaLeft', 'time', formatDuration(sla, language))}
          </span>
        ) : null}
        {c.assigneeName ? <span className="assignee">{labels.text('inbox.assignedTo', 'name', c.assigneeName)}</span> : null}
        <span className={`status status-${c.status}`}>{labels.status[c.status]}</span>
      </div>
    </div>
  );
});

import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { TimelineView } from '../../../shared/supervisor/api';
import { ErrorLine, LEVEL_COLORS, levelColor, useFormat, useLoad, type SupClient } from './common';

const MARKER_LANE: Record<string, number> = { red_flag: 2.6, device_alert: 2.6, reply: -2.6, transfer: -2.6, recall: -2.6 };
const MARKER_COLOR: Record<string, string> = { reply: '#1565c0', transfer: '#6a4c93', red_flag: '#c62828', device_alert: '#ad1457', recall: '#757575' };

/** Per conversation: the patient's sentiment per message, with replies, transfers, red flags and device alerts. */
function TimelineChart({ tl, onPick, height = 240 }: { tl: TimelineView; onPick: (messageId: string) => void; height?: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const points = tl.points.map((p) => ({ at: p.at, level: p.level, messageId: p.messageId, excerpt: p.excerpt }));
  const markers = tl.markers.map((m) => ({ at: m.at, y: MARKER_LANE[m.kind] ?? -2.6, kind: m.kind, messageId: m.messageId, detail: m.detail }));
  const times = [...points.map((p) => p.at), ...markers.map((m) => m.at)];
  const pad = times.length ? Math.max(60_000, (Math.max(...times) - Math.min(...times)) * 0.04) : 60_000;
  const domain: [number, number] = times.length ? [Math.min(...times) - pad, Math.max(...times) + pad] : [0, 1];
  const kinds = [...new Set(markers.map((m) => m.kind))];
  const dot = (props: { cx?: number; cy?: number; payload?: { messageId: string; level: number } }) => (
    <circle
      key={props.payload?.messageId}
      cx={props.cx}
      cy={props.cy}
      r={6}
      fill={levelColor(props.payload?.level ?? 0)}
      stroke="#fff"
      strokeWidth={1.5}
      style={{ cursor: 'pointer' }}
      data-testid="sentiment-point"
      data-message={props.payload?.messageId}
      data-level={props.payload?.level}
      // mousedown, not click: hovering re-renders the dot (active dot), so the press and release hit different nodes.
      onMouseDown={() => props.payload && onPick(props.payload.messageId)}
    />
  );
  return (
    <div className="sup-chart" data-testid="timeline-chart">
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart margin={{ top: 12, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#eef1f4" />
          <XAxis dataKey="at" type="number" scale="time" domain={domain} tickFormatter={(v: number) => f.dateTime(v)} tick={{ fontSize: 11 }} allowDuplicatedCategory={false} />
          <YAxis type="number" domain={[-3, 3]} ticks={[-2, -1, 0, 1, 2]} tick={{ fontSize: 11 }} width={36} />
          <ReferenceLine y={0} stroke="#90a4ae" strokeDasharray="3 3" />
          <Tooltip
            labelFormatter={(v) => f.dateTime(Number(v))}
            formatter={(value, _name, item) => {
              const p = item.payload as { excerpt?: string; kind?: string; detail?: string };
              return p.kind ? [p.detail ?? '', t(`supervisor.sentiment.marker.${p.kind}`)] : [`${String(value)} · ${p.excerpt ?? ''}`, t('supervisor.sentiment.patient')];
            }}
          />
          <Legend itemSorter={null} />
          <Line
            data={points}
            type="monotone"
            dataKey="level"
            name={t('supervisor.sentiment.patient')}
            stroke="#b5651d"
            strokeWidth={2}
            isAnimationActive={false}
            dot={dot}
            // The hover dot sits on top of ours: it must jump to the message too.
            activeDot={dot}
          />
          {kinds.map((k) => (
            <Scatter
              key={k}
              data={markers.filter((m) => m.kind === k)}
              dataKey="y"
              name={t(`supervisor.sentiment.marker.${k}`)}
              fill={MARKER_COLOR[k] ?? '#555'}
              isAnimationActive={false}
              shape={(props: { cx?: number; cy?: number; payload?: { messageId: string | null; kind: string; at: number } }) => (
                <path
                  d={k === 'reply' ? `M${(props.cx ?? 0) - 5},${(props.cy ?? 0) + 5}L${props.cx},${(props.cy ?? 0) - 5}L${(props.cx ?? 0) + 5},${(props.cy ?? 0) + 5}Z` : k === 'transfer' ? `M${(props.cx ?? 0) - 5},${(props.cy ?? 0) - 5}h10v10h-10Z` : `M${props.cx},${(props.cy ?? 0) - 6}L${(props.cx ?? 0) + 6},${props.cy}L${props.cx},${(props.cy ?? 0) + 6}L${(props.cx ?? 0) - 6},${props.cy}Z`}
                  fill={MARKER_COLOR[k] ?? '#555'}
                  style={{ cursor: props.payload?.messageId ? 'pointer' : 'default' }}
                  data-testid="sentiment-marker"
                  data-kind={k}
                  data-message={props.payload?.messageId ?? ''}
                  onMouseDown={() => props.payload?.messageId && onPick(props.payload.messageId)}
                />
              )}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

export function SentimentPanel({ sup }: { sup: SupClient }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const list = useLoad(() => sup.conversations({ ...(query.trim() ? { query: query.trim() } : {}), limit: 200 }), [sup, query]);
  const timeline = useLoad<TimelineView | null>(async () => (selected ? sup.sentimentTimeline({ conversationId: selected }) : { ok: true as const, value: null }), [sup, selected]);
  const tl = timeline.data;

  useEffect(() => {
    if (!highlight) return;
    document.getElementById(`tl-${highlight}`)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [highlight]);
  useEffect(() => {
    const first = list.data?.items[0];
    if (!selected && first) setSelected(first.id);
  }, [list.data, selected]);

  return (
    <section className="sup-panel" data-testid="sup-sentiment">
      <div className="sup-split">
        <aside className="sup-list">
          <header className="sup-panel-head">
            <h2>{t('supervisor.sentiment.conversations')}</h2>
          </header>
          <input className="sup-search" data-testid="sentiment-search" placeholder={t('supervisor.sentiment.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
          <ErrorLine error={list.error} />
          <ul className="sup-rows">
            {(list.data?.items ?? []).map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className={`sup-row${selected === c.id ? ' selected' : ''}`}
                  data-testid="sentiment-conversation"
                  data-conversation={c.id}
                  onClick={() => {
                    setSelected(c.id);
                    setHighlight(null);
                  }}
                >
                  <span className="sup-row-top">
                    {c.mean !== null ? <span className="sup-level" style={{ background: levelColor(c.mean) }} /> : <span className="sup-level empty" />}
                    <strong>{c.contactName}</strong>
                    <span className="muted">{t(`channel.${c.channel}`)}</span>
                    <span className="muted sup-right">{f.dateTime(c.lastMessageAt)}</span>
                  </span>
                  <span className="sup-row-sub">
                    {c.assigneeName ?? t('supervisor.sentiment.unassigned')} · {t('supervisor.sentiment.meanShort', { mean: c.mean ?? '—' })}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <div className="sup-detail">
          <ErrorLine error={timeline.error} />
          {tl ? (
            <>
              <header className="sup-detail-head">
                <div>
                  <h3 data-testid="timeline-title">
                    {tl.conversation.contactName} <span className="muted">· {t(`channel.${tl.conversation.channel}`)}</span>
                  </h3>
                  <div className="muted">
                    {t(`status.${tl.conversation.status}`)} · {tl.conversation.assigneeName ?? t('supervisor.sentiment.unassigned')} · {t('supervisor.sentiment.summary', { count: tl.summary.count, mean: tl.summary.mean ?? '—', min: tl.summary.min ?? '—' })}
                  </div>
                </div>
              </header>
              {tl.points.length || tl.markers.length ? <TimelineChart tl={tl} onPick={setHighlight} /> : <p className="muted">{t('supervisor.sentiment.noPoints')}</p>}
              <p className="muted sup-note">{t('supervisor.sentiment.clickHint')}</p>
              <ol className="sup-transcript compact" data-testid="timeline-messages">
                {tl.messages.map((m) => {
                  const p = tl.points.find((x) => x.messageId === m.id);
                  return (
                    <li key={m.id} id={`tl-${m.id}`} className={`sup-msg ${m.direction}${highlight === m.id ? ' highlight' : ''}`} data-testid="timeline-message" data-message={m.id} data-highlight={highlight === m.id}>
                      <div className="sup-msg-meta">
                        {p ? <span className="sup-level" style={{ background: levelColor(p.level) }} title={t('supervisor.sentiment.level', { level: p.level })} /> : null}
                        <strong>{m.authorName ?? '—'}</strong>
                        <time>{f.dateTime(m.createdAt)}</time>
                        {p ? <span className="muted">{t('supervisor.sentiment.level', { level: p.level })}</span> : null}
                      </div>
                      <p className={m.recalledAt ? 'recalled' : ''}>{m.recalledAt ? t('supervisor.qa.recalled') : m.body}</p>
                    </li>
                  );
                })}
              </ol>
            </>
          ) : (
            <p className="muted sup-empty">{t('supervisor.sentiment.pick')}</p>
          )}
        </div>
      </div>
      <Trends sup={sup} onOpen={(id) => setSelected(id)} />
    </section>
  );
}

/** Per team / agent, per day / week: how patients felt (distribution and mean), with drill-down. */
function Trends({ sup, onOpen }: { sup: SupClient; onOpen: (conversationId: string) => void }) {
  const { t } = useTranslation();
  const [groupBy, setGroupBy] = useState<'team' | 'agent'>('team');
  const [granularity, setGranularity] = useState<'day' | 'week'>('week');
  const [group, setGroup] = useState<string | null>(null);
  const [cell, setCell] = useState<string | null>(null);
  const trends = useLoad(() => sup.sentimentTrends({ groupBy, granularity, periods: granularity === 'day' ? 14 : 10 }), [sup, groupBy, granularity]);
  const groups = trends.data?.groups ?? [];
  const active = groups.find((g) => g.id === group) ?? groups.filter((g) => g.id !== '—').sort((a, b) => b.total - a.total)[0] ?? null;
  const drill = useLoad<{ items: { conversationId: string; contactName: string; n: number; mean: number; min: number }[] } | null>(async () => (active && cell ? sup.sentimentDrill({ groupBy, groupId: active.id, granularity, period: cell }) : { ok: true as const, value: null }), [sup, active?.id, cell, groupBy, granularity]);
  const rows = useMemo(() => (active?.rows ?? []).map((r) => ({ period: r.period, n: r.n, mean: r.mean, neg2: r.dist[0], neg1: r.dist[1], zero: r.dist[2], pos1: r.dist[3], pos2: r.dist[4] })), [active]);
  const bars = [
    ['neg2', -2],
    ['neg1', -1],
    ['zero', 0],
    ['pos1', 1],
    ['pos2', 2],
  ] as const;
  return (
    <div className="sup-trends" data-testid="sentiment-trends">
      <header className="sup-panel-head">
        <h3>{t('supervisor.sentiment.trends')}</h3>
        <div className="sup-toolbar">
          <span className="segmented">
            {(['team', 'agent'] as const).map((g) => (
              <button key={g} type="button" aria-pressed={groupBy === g} data-testid={`trend-by-${g}`} onClick={() => (setGroupBy(g), setGroup(null), setCell(null))}>
                {t(`supervisor.sentiment.by.${g}`)}
              </button>
            ))}
          </span>
          <span className="segmented">
            {(['day', 'week'] as const).map((g) => (
              <button key={g} type="button" aria-pressed={granularity === g} data-testid={`trend-per-${g}`} onClick={() => (setGranularity(g), setCell(null))}>
                {t(`supervisor.sentiment.per.${g}`)}
              </button>
            ))}
          </span>
          <select data-testid="trend-group" aria-label={t(`supervisor.sentiment.by.${groupBy}`)} value={active?.id ?? ''} onChange={(e) => (setGroup(e.target.value), setCell(null))}>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.label} ({g.total})
              </option>
            ))}
          </select>
        </div>
      </header>
      <ErrorLine error={trends.error} />
      <div className="sup-chart">
        <ResponsiveContainer width="100%" height={230}>
          <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} onClick={(s) => s && s.activeLabel !== undefined && setCell(String(s.activeLabel))}>
            <CartesianGrid stroke="#eef1f4" />
            <XAxis dataKey="period" tick={{ fontSize: 11 }} />
            <YAxis yAxisId="n" tick={{ fontSize: 11 }} width={36} allowDecimals={false} />
            <YAxis yAxisId="mean" orientation="right" domain={[-2, 2]} ticks={[-2, -1, 0, 1, 2]} tick={{ fontSize: 11 }} width={30} />
            <Tooltip />
            <Legend itemSorter={null} />
            {bars.map(([key, level]) => (
              <Bar key={key} yAxisId="n" dataKey={key} stackId="d" name={`${t(`supervisor.sentiment.levelName.${key}`)} (${level > 0 ? '+' : ''}${level})`} fill={LEVEL_COLORS[level + 2]} isAnimationActive={false} cursor="pointer" />
            ))}
            <Line yAxisId="mean" type="monotone" dataKey="mean" name={t('supervisor.sentiment.mean')} stroke="#22303c" strokeWidth={2} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="muted sup-note">{t('supervisor.sentiment.drillHint')}</p>
      <div className="segmented sup-cells">
        {rows.map((r) => (
          <button key={r.period} type="button" aria-pressed={cell === r.period} data-testid="trend-cell" data-period={r.period} disabled={!r.n} onClick={() => setCell(r.period)}>
            {r.period} ({r.n})
          </button>
        ))}
      </div>
      {cell && drill.data ? (
        <table className="sup-table" data-testid="drill">
          <caption>{t('supervisor.sentiment.drillTitle', { group: active?.label ?? '', period: cell })}</caption>
          <thead>
            <tr>
              <th>{t('conversation.patient')}</th>
              <th>{t('supervisor.sentiment.messages')}</th>
              <th>{t('supervisor.sentiment.mean')}</th>
              <th>{t('supervisor.sentiment.min')}</th>
            </tr>
          </thead>
          <tbody>
            {drill.data.items.map((d) => (
              <tr key={d.conversationId} data-testid="drill-row" data-conversation={d.conversationId}>
                <td>
                  <button type="button" className="link-button" onClick={() => onOpen(d.conversationId)}>
                    {d.contactName}
                  </button>
                </td>
                <td className="num">{d.n}</td>
                <td className="num">
                  <span className="sup-level" style={{ background: levelColor(d.mean) }} /> {d.mean}
                </td>
                <td className="num">{d.min}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { lifecycleStages } from '../../../shared/supervisor/lifecycle';
import { ErrorLine, Stat, useFormat, useLoad, type SupClient } from './common';

const PALETTE = ['#c62828', '#1565c0', '#2e7d32', '#6a4c93', '#ef6c00', '#00838f', '#ad1457', '#5d4037', '#455a64', '#9e9d24'];
const STAGE_COLORS: Record<string, string> = { registered: '#90a4ae', first_contact: '#1565c0', repeat: '#2e7d32', silent: '#c62828', returned: '#ef6c00' };

/** Keyword tide, silence alerts and the patient lifecycle, all from the replica. */
export function OpsPanel({ sup }: { sup: SupClient }) {
  return (
    <section className="sup-panel" data-testid="sup-ops">
      <Tide sup={sup} />
      <div className="sup-two">
        <Silence sup={sup} />
        <Lifecycle sup={sup} />
      </div>
    </section>
  );
}

function Tide({ sup }: { sup: SupClient }) {
  const { t, i18n } = useTranslation();
  const [granularity, setGranularity] = useState<'week' | 'month'>('week');
  const { data, error } = useLoad(() => sup.tide({ granularity, periods: granularity === 'week' ? 10 : 6 }), [sup, granularity]);
  const terms = (data?.terms ?? []).slice(0, 8);
  const label = (l: { 'zh-CN': string; en: string }) => (i18n.language === 'en' ? l.en : l['zh-CN']);
  const rows = (data?.periods ?? []).map((p, i) => Object.fromEntries([['period', p], ...terms.map((term) => [term.id, term.counts[i] ?? 0])]));
  const rising = (data?.terms ?? []).filter((x) => x.rising);
  return (
    <div className="sup-block" data-testid="tide">
      <header className="sup-panel-head">
        <h2>{t('supervisor.ops.tide')}</h2>
        <span className="segmented">
          {(['week', 'month'] as const).map((g) => (
            <button key={g} type="button" aria-pressed={granularity === g} data-testid={`tide-${g}`} onClick={() => setGranularity(g)}>
              {t(`supervisor.ops.per.${g}`)}
            </button>
          ))}
        </span>
      </header>
      <ErrorLine error={error} />
      {rising.length ? (
        <ul className="sup-rising" data-testid="rising">
          {rising.map((r) => (
            <li key={r.id} data-testid="rising-term" data-term={r.id}>
              <strong>↑ {label(r.label)}</strong> {t(granularity === 'week' ? 'supervisor.ops.risingWeek' : 'supervisor.ops.risingMonth', { recent: r.recent, usual: r.usual })}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted sup-note">{t('supervisor.ops.noRising')}</p>
      )}
      <div className="sup-chart">
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#eef1f4" />
            <XAxis dataKey="period" tick={{ fontSize: 11 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={32} />
            <Tooltip />
            <Legend itemSorter={null} />
            {terms.map((term, i) => (
              <Line key={term.id} type="monotone" dataKey={term.id} name={`${label(term.label)}${term.rising ? ' ↑' : ''}`} stroke={PALETTE[i % PALETTE.length]} strokeWidth={term.rising ? 3 : 1.5} dot={{ r: 2 }} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="muted sup-note">{t('supervisor.ops.tideHint')}</p>
    </div>
  );
}

function Silence({ sup }: { sup: SupClient }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { data, error } = useLoad(() => sup.silence({ days: 3 }), [sup]);
  return (
    <div className="sup-block" data-testid="silence">
      <header className="sup-panel-head">
        <h2>{t('supervisor.ops.silence')}</h2>
        <span className="sup-pill">{data?.items.length ?? 0}</span>
      </header>
      <p className="muted sup-note">{t('supervisor.ops.silenceRule', { days: data?.days ?? 3 })}</p>
      <ErrorLine error={error} />
      <table className="sup-table">
        <thead>
          <tr>
            <th>{t('conversation.patient')}</th>
            <th>{t('supervisor.ops.kind')}</th>
            <th>{t('supervisor.ops.since')}</th>
            <th>{t('supervisor.ops.owner')}</th>
          </tr>
        </thead>
        <tbody>
          {(data?.items ?? []).map((s) => (
            <tr key={s.conversationId} data-testid="silence-row" data-conversation={s.conversationId} data-kind={s.kind}>
              <td>
                {s.contactName} <span className="muted">· {t(`channel.${s.channel}`)}</span>
              </td>
              <td>{t(`supervisor.ops.silenceKind.${s.kind}`)}</td>
              <td>
                {t('supervisor.ops.days', { days: s.days })} <span className="muted">({f.date(s.since)})</span>
              </td>
              <td>{s.assigneeName ?? t('supervisor.sentiment.unassigned')}</td>
            </tr>
          ))}
          {data && !data.items.length ? (
            <tr>
              <td colSpan={4} className="muted">
                {t('supervisor.ops.noSilence')}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function Lifecycle({ sup }: { sup: SupClient }) {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => sup.lifecycle({ weeks: 12 }), [sup]);
  const rows = (data?.periods ?? []).map((p, i) => Object.fromEntries([['period', p], ...lifecycleStages.map((s) => [s, data!.series[s][i] ?? 0])]));
  return (
    <div className="sup-block" data-testid="lifecycle">
      <header className="sup-panel-head">
        <h2>{t('supervisor.ops.lifecycle')}</h2>
        <span className="muted">{t('supervisor.ops.patients', { count: data?.contacts ?? 0 })}</span>
      </header>
      <ErrorLine error={error} />
      <div className="sup-stats small">
        {lifecycleStages.map((s) => (
          <Stat key={s} label={t(`supervisor.ops.stage.${s}`)} value={data?.current[s] ?? '—'} testId={`stage-${s}`} />
        ))}
      </div>
      <div className="sup-chart">
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#eef1f4" />
            <XAxis dataKey="period" tick={{ fontSize: 10 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={32} />
            <Tooltip />
            <Legend itemSorter={null} />
            {lifecycleStages.map((s) => (
              <Line key={s} type="monotone" dataKey={s} name={t(`supervisor.ops.stage.${s}`)} stroke={STAGE_COLORS[s]} strokeWidth={2} dot={false} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="muted sup-note">{t('supervisor.ops.lifecycleRule')}</p>
    </div>
  );
}

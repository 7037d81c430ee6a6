import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ErrorShape } from '../../../shared/contract/result';
import { channels } from '../lib/domain';
import type { SurveySettings } from '../../../shared/supervisor/surveys';
import { AsOf, ErrorLine, Stat, useFormat, useLoad, type SupClient } from './common';

/** CSAT (share of 4–5 of 5) and NPS (% 9–10 − % 0–6) per agent, team or channel, and the survey switches. */
export function SurveysPanel({ sup }: { sup: SupClient }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [groupBy, setGroupBy] = useState<'agent' | 'team' | 'channel'>('agent');
  const { data, error } = useLoad(() => sup.surveyResults({ groupBy, days: 90 }), [sup, groupBy]);
  const r = data?.value;
  const label = (key: string, l: string) => (groupBy === 'channel' ? t(`channel.${key}`) : l);
  const chart = (r?.groups ?? []).map((g) => ({ name: label(g.key, g.label), csat: g.csat.csat, nps: g.nps.nps }));
  return (
    <section className="sup-panel" data-testid="sup-surveys">
      <header className="sup-panel-head">
        <h2>{t('supervisor.tabs.surveys')}</h2>
        <span className="segmented">
          {(['agent', 'team', 'channel'] as const).map((g) => (
            <button key={g} type="button" aria-pressed={groupBy === g} data-testid={`survey-by-${g}`} onClick={() => setGroupBy(g)}>
              {t(`supervisor.surveys.by.${g}`)}
            </button>
          ))}
        </span>
        <AsOf cached={data} />
      </header>
      <ErrorLine error={data ? null : error} />
      {r ? (
        <>
          <div className="sup-stats">
            <Stat label={t('supervisor.surveys.csat')} value={f.pct(r.overall.csat.csat)} testId="overall-csat" tone={(r.overall.csat.csat ?? 0) >= 80 ? 'ok' : 'warn'} />
            <Stat label={t('supervisor.surveys.nps')} value={r.overall.nps.nps ?? '—'} testId="overall-nps" />
            <Stat label={t('supervisor.surveys.answered')} value={r.counts.answered} />
            <Stat label={t('supervisor.surveys.sent')} value={r.counts.sent + r.counts.answered} />
            <Stat label={t('supervisor.surveys.skipped')} value={r.counts.skipped} />
          </div>
          <p className="muted sup-note">{t('supervisor.surveys.formula')}</p>
          <div className="sup-two">
            <table className="sup-table" data-testid="survey-table">
              <thead>
                <tr>
                  <th>{t(`supervisor.surveys.by.${groupBy}`)}</th>
                  <th>CSAT</th>
                  <th>{t('supervisor.surveys.n')}</th>
                  <th>NPS</th>
                  <th>{t('supervisor.surveys.split')}</th>
                </tr>
              </thead>
              <tbody>
                {r.groups.map((g) => (
                  <tr key={g.key} data-testid="survey-row" data-key={g.key}>
                    <td>{label(g.key, g.label)}</td>
                    <td className="num">{f.pct(g.csat.csat)}</td>
                    <td className="num">{g.csat.n}</td>
                    <td className="num">{g.nps.nps ?? '—'}</td>
                    <td className="num muted">
                      {g.nps.n ? `${g.nps.promoters} / ${g.nps.passives} / ${g.nps.detractors}` : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="sup-chart">
              <ResponsiveContainer width="100%" height={240}>
                <BarChart data={chart} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke="#eef1f4" />
                  <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                  <YAxis domain={[-100, 100]} tick={{ fontSize: 11 }} width={36} />
                  <Tooltip />
                  <Legend itemSorter={null} />
                  <Bar dataKey="csat" name="CSAT %" fill="#2e7d32" isAnimationActive={false} />
                  <Bar dataKey="nps" name="NPS" fill="#1565c0" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </div>
        </>
      ) : null}
      <Settings sup={sup} />
    </section>
  );
}

function Settings({ sup }: { sup: SupClient }) {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => sup.surveySettings(), [sup]);
  const [draft, setDraft] = useState<SurveySettings | null>(null);
  const [saved, setSaved] = useState(false);
  const [failure, setFailure] = useState<ErrorShape | null>(null);
  useEffect(() => {
    if (data && !draft) setDraft(data.value);
  }, [data, draft]);
  if (!draft) return <ErrorLine error={error} />;
  const toggle = (kind: 'csat' | 'nps', channel: (typeof channels)[number]) => {
    setSaved(false);
    setDraft({ ...draft, [kind]: { ...draft[kind], channels: { ...draft[kind].channels, [channel]: !draft[kind].channels[channel] } } });
  };
  async function save() {
    const r = await sup.setSurveySettings({ settings: draft! });
    if (!r.ok) return setFailure(r.error);
    setFailure(null);
    setSaved(true);
  }
  return (
    <div className="sup-block" data-testid="survey-settings">
      <h3>{t('supervisor.surveys.settings')}</h3>
      <p className="muted sup-note">{t('supervisor.surveys.settingsHint', { delay: draft.nps.delayHours, start: draft.quietStart, end: draft.quietEnd })}</p>
      <ErrorLine error={failure} />
      <table className="sup-table narrow">
        <thead>
          <tr>
            <th />
            {channels.map((c) => (
              <th key={c} className="center">
                {t(`channelShort.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(['csat', 'nps'] as const).map((kind) => (
            <tr key={kind}>
              <td>
                <label className="sup-inline">
                  <input type="checkbox" checked={draft[kind].enabled} data-testid={`survey-enabled-${kind}`} onChange={() => (setSaved(false), setDraft({ ...draft, [kind]: { ...draft[kind], enabled: !draft[kind].enabled } }))} />{' '}
                  {kind.toUpperCase()}
                </label>
              </td>
              {channels.map((c) => (
                <td key={c} className="center">
                  <input type="checkbox" aria-label={`${kind} ${c}`} data-testid={`survey-${kind}-${c}`} checked={draft[kind].channels[c]} disabled={!draft[kind].enabled} onChange={() => toggle(kind, c)} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="sup-actions">
        <button type="button" className="sup-button primary" data-testid="survey-save" onClick={() => void save()}>
          {t('supervisor.save')}
        </button>
        {saved ? (
          <span className="sup-ok" data-testid="survey-saved">
            {t('supervisor.saved')}
          </span>
        ) : null}
      </div>
    </div>
  );
}

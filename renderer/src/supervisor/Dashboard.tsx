import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import type { DashboardView } from '../../../shared/supervisor/api';
import { AsOf, ErrorLine, Stat, useFormat, useLoad, type SupClient } from './common';

type Surge = DashboardView['surges'][number];

/** Live dashboard: polls the hub every few seconds; from the cache ("as of") when it cannot. */
export function Dashboard({ sup, pollMs }: { sup: SupClient; pollMs: number }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { data, error, reload } = useLoad(() => sup.dashboard(), [sup], pollMs);
  const [pack, setPack] = useState<Surge | null>(null);
  const d = data?.value;
  const label = (l: { 'zh-CN': string; en: string }) => (i18n.language === 'en' ? l.en : l['zh-CN']);
  return (
    <section className="sup-panel" data-testid="sup-dashboard">
      <header className="sup-panel-head">
        <h2>{t('supervisor.tabs.dashboard')}</h2>
        <AsOf cached={data} />
      </header>
      <ErrorLine error={data ? null : error} />
      {d ? (
        <>
          {d.surges.map((s) => {
            const pushed = d.pushed.find((p) => p.topicId === s.topicId);
            return (
              <div key={s.topicId} className="sup-surge" role="alert" data-testid="surge" data-topic={s.topicId}>
                <div>
                  <strong>{t('supervisor.dash.surgeTitle', { topic: label(s.label) })}</strong>
                  <div className="muted">{t('supervisor.dash.surgeDetail', { current: s.current, usual: s.usual, ratio: s.ratio })}</div>
                </div>
                {pushed ? <span className="sup-pill ok">{t('supervisor.dash.pushed', { count: pushed.items, time: f.time(pushed.at) })}</span> : null}
                <button type="button" className="sup-button primary" data-testid="push-pack" onClick={() => setPack(s)}>
                  {t('supervisor.dash.pushPack')}
                </button>
              </div>
            );
          })}
          <div className="sup-stats">
            <Stat label={t('supervisor.dash.waiting')} value={d.totals.waiting} testId="total-waiting" tone={d.totals.waiting ? 'warn' : undefined} />
            <Stat label={t('supervisor.dash.slaBreaches')} value={d.totals.slaBreaches} testId="total-breaches" tone={d.totals.slaBreaches ? 'bad' : 'ok'} />
            <Stat label={t('supervisor.dash.state.online')} value={d.presenceAvailable ? d.totals.online : '—'} tone="ok" />
            <Stat label={t('supervisor.dash.state.busy')} value={d.presenceAvailable ? d.totals.busy : '—'} />
            <Stat label={t('supervisor.dash.state.away')} value={d.presenceAvailable ? d.totals.away : '—'} />
            <Stat
              label={t('supervisor.dash.bot')}
              testId="bot-rate"
              value={d.bot.rate === null ? <span title={t('supervisor.dash.botNaHint')}>{t('supervisor.dash.botNa')}</span> : f.pct(d.bot.rate)}
            />
          </div>
          {d.bot.rate !== null ? <p className="muted sup-note">{t('supervisor.dash.botDetail', { transferred: d.bot.transferred, handled: d.bot.handled })}</p> : null}
          <h3>{t('supervisor.dash.queues')}</h3>
          <table className="sup-table" data-testid="queues">
            <thead>
              <tr>
                <th>{t('supervisor.dash.queue')}</th>
                <th>{t('supervisor.dash.waiting')}</th>
                <th>{t('supervisor.dash.unassigned')}</th>
                <th>{t('supervisor.dash.longestWait')}</th>
                <th>{t('supervisor.dash.slaBreaches')}</th>
                <th>{t('supervisor.dash.agentsOnline')}</th>
                <th>{t('supervisor.dash.freeCapacity')}</th>
                <th>{t('supervisor.dash.overflowCol')}</th>
              </tr>
            </thead>
            <tbody>
              {d.queues.map((q) => (
                <tr key={q.teamId} data-testid="queue-row" data-team={q.teamId}>
                  <td>{q.name}</td>
                  <td className="num">{q.waiting}</td>
                  <td className="num">{q.unassigned}</td>
                  <td className="num">{f.minutes(q.longestWaitMs)}</td>
                  <td className={`num${q.slaBreaches ? ' bad' : ''}`}>{q.slaBreaches}</td>
                  <td className="num">{d.presenceAvailable ? q.agentsOnline : '—'}</td>
                  <td className="num">{d.presenceAvailable ? q.freeCapacity : '—'}</td>
                  <td>
                    <span className={`sup-pill overflow-${q.overflow}`} data-testid="overflow">
                      {t(`supervisor.dash.overflow.${q.overflow}`)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('supervisor.dash.agents')}</h3>
          {!d.presenceAvailable ? <p className="muted sup-note">{t('supervisor.dash.presenceNa')}</p> : null}
          <table className="sup-table" data-testid="agents">
            <thead>
              <tr>
                <th>{t('supervisor.qa.agent')}</th>
                <th>{t('supervisor.dash.stateCol')}</th>
                <th>{t('supervisor.dash.load')}</th>
                <th>{t('supervisor.dash.lastActivity')}</th>
              </tr>
            </thead>
            <tbody>
              {d.agents.map((a) => (
                <tr key={a.id} data-testid="agent-row" data-agent={a.id} data-state={a.state}>
                  <td>{a.name}</td>
                  <td>
                    <span className={`sup-dot state-${a.state}`} /> {t(`supervisor.dash.state.${a.state}`)}
                  </td>
                  <td>
                    <span className="sup-load">
                      <span className="sup-load-bar" style={{ width: `${Math.min(100, (100 * a.load) / Math.max(1, a.capacity))}%` }} />
                    </span>{' '}
                    {a.load}/{a.capacity}
                  </td>
                  <td className="muted">{a.lastActivityAt ? f.dateTime(a.lastActivityAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {pack ? <PackDialog sup={sup} surge={pack} onClose={() => setPack(null)} onDone={() => void reload()} /> : null}
    </section>
  );
}

function PackDialog({ sup, surge, onClose, onDone }: { sup: SupClient; surge: Surge; onClose: () => void; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const { data, error } = useLoad(() => sup.packCandidates({ topicId: surge.topicId }), [sup, surge.topicId]);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ErrorShape | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const items = data?.items ?? [];
  const selected = chosen ?? new Set(items.slice(0, 3).map((i) => i.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  async function send() {
    setBusy(true);
    const r = await sup.publishPack({ topicId: surge.topicId, itemIds: [...selected] });
    setBusy(false);
    if (!r.ok) return setFailure(r.error);
    setDone(r.value.published.length);
    onDone();
  }
  return (
    <div className="sup-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="pack-dialog">
      <div className="sup-dialog-card">
        <h3 id={titleId}>{t('supervisor.pack.title', { topic: i18n.language === 'en' ? surge.label.en : surge.label['zh-CN'] })}</h3>
        <p className="muted">{t('supervisor.pack.hint')}</p>
        <ErrorLine error={error ?? failure} />
        {data && !items.length ? <p className="muted">{t('supervisor.pack.empty')}</p> : null}
        <ul className="sup-checklist">
          {items.map((i) => (
            <li key={i.id}>
              <label>
                <input type="checkbox" data-testid="pack-item" checked={selected.has(i.id)} onChange={() => toggle(i.id)} /> {i.title} <span className="muted">({i.id})</span>
              </label>
            </li>
          ))}
        </ul>
        {done !== null ? (
          <p className="sup-ok" data-testid="pack-done">
            {t('supervisor.pack.done', { count: done })}
          </p>
        ) : null}
        <div className="sup-dialog-actions">
          <button type="button" className="sup-button" onClick={onClose}>
            {done !== null ? t('supervisor.close') : t('supervisor.cancel')}
          </button>
          {done === null ? (
            <button type="button" className="sup-button primary" data-testid="pack-send" disabled={busy || selected.size === 0} onClick={() => void send()}>
              {t('supervisor.pack.send', { count: selected.size })}
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}

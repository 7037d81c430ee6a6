import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import type { Language } from '../../../shared/domain/types';
import { DAY_MS, monthKey, weekKey } from '../../../shared/supervisor/periods';
import { AsOf, ErrorLine, useFormat, useLoad, type SupClient } from './common';
import { FlagChips, ReviewPane, ScoreBadge } from './Review';
import { FormEditor } from './FormEditor';

type Status = 'queued' | 'done' | 'disputed' | 'all';

/** Hands a CSV to the browser's download (Electron shows its save dialog). */
function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function QaPanel({ sup, meId }: { sup: SupClient; meId: string | null }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const [status, setStatus] = useState<Status>('queued');
  const [selected, setSelected] = useState<string | null>(null);
  const [percent, setPercent] = useState(10);
  const [now] = useState(() => Date.now());
  const periods = [weekKey(now), weekKey(now - 7 * DAY_MS), monthKey(now)];
  const [period, setPeriod] = useState(periods[0]!);
  const [note, setNote] = useState<string | null>(null);
  const [failure, setFailure] = useState<ErrorShape | null>(null);
  const [editing, setEditing] = useState(false);
  const { data, error, reload } = useLoad(() => sup.reviews({ status }), [sup, status]);
  const items = data?.value.items ?? [];

  async function fill() {
    setFailure(null);
    const r = await sup.fillQueue({ percent, period });
    if (!r.ok) return setFailure(r.error);
    setNote(t('supervisor.qa.filled', { created: r.value.created, sampled: r.value.sampled, flagged: r.value.flagged, period: r.value.period }));
    setStatus('queued');
    await reload();
  }
  async function exportCsv() {
    setFailure(null);
    const r = await sup.exportCsv({ lang: i18n.language as Language });
    if (!r.ok) return setFailure(r.error);
    download(r.value.filename, r.value.csv);
    setNote(t('supervisor.qa.exported', { rows: r.value.rows, file: r.value.filename }));
  }

  return (
    <section className="sup-panel sup-split" data-testid="sup-qa">
      <aside className="sup-list">
        <header className="sup-panel-head">
          <h2>{t('supervisor.tabs.qa')}</h2>
          <AsOf cached={data} />
        </header>
        <div className="sup-toolbar">
          <label className="sup-inline">
            {t('supervisor.qa.percent')}
            <input type="number" min={1} max={100} value={percent} data-testid="fill-percent" onChange={(e) => setPercent(Math.max(1, Math.min(100, Number(e.target.value) || 1)))} />
          </label>
          <label className="sup-inline">
            {t('supervisor.qa.periodLabel')}
            <select data-testid="fill-period" value={period} onChange={(e) => setPeriod(e.target.value)}>
              {periods.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="sup-button primary" data-testid="fill-queue" onClick={() => void fill()}>
            {t('supervisor.qa.fill')}
          </button>
          <button type="button" className="sup-button" data-testid="export-csv" onClick={() => void exportCsv()}>
            {t('supervisor.qa.export')}
          </button>
          <button type="button" className="sup-button" data-testid="edit-form" onClick={() => setEditing(true)}>
            {t('supervisor.forms.open')}
          </button>
        </div>
        {note ? (
          <p className="sup-note" data-testid="qa-note">
            {note}
          </p>
        ) : null}
        <ErrorLine error={failure ?? (data ? null : error)} onDismiss={() => setFailure(null)} />
        <div className="segmented sup-filter" role="group" aria-label={t('supervisor.qa.filterLabel')}>
          {(['queued', 'done', 'disputed', 'all'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={status === s} data-testid={`qa-filter-${s}`} onClick={() => setStatus(s)}>
              {t(`supervisor.qa.filter.${s}`)}
            </button>
          ))}
        </div>
        <ul className="sup-rows" data-testid="review-list">
          {items.map((r) => (
            <li key={r.id}>
              <button type="button" className={`sup-row${selected === r.id ? ' selected' : ''}`} data-testid="review-row" data-review={r.id} data-conversation={r.conversationId} data-agent={r.agentId ?? ''} onClick={() => setSelected(r.id)}>
                <span className="sup-row-top">
                  <strong>{r.contactName}</strong>
                  <span className="muted">{t(`channel.${r.channel}`)}</span>
                  <ScoreBadge review={r} />
                </span>
                <span className="sup-row-sub">
                  {r.agentName} · {f.dateTime(r.createdAt)}
                </span>
                <FlagChips review={r} />
              </button>
            </li>
          ))}
          {data && !items.length ? <li className="muted sup-empty">{t('supervisor.qa.empty')}</li> : null}
        </ul>
      </aside>
      {editing ? <FormEditor sup={sup} onClose={() => setEditing(false)} /> : null}
      {selected ? <ReviewPane key={selected} sup={sup} id={selected} mode="supervisor" meId={meId} onChanged={() => void reload()} onOpen={(id) => setSelected(id)} /> : <div className="sup-detail sup-empty muted">{t('supervisor.qa.selectHint')}</div>}
    </section>
  );
}

/** What an agent sees: their own scored reviews, each with the right to dispute once. */
export function MyReviews({ sup, meId }: { sup: SupClient; meId: string | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [selected, setSelected] = useState<string | null>(null);
  const { data, error, reload } = useLoad(() => sup.myReviews(), [sup]);
  const items = data?.value.items ?? [];
  return (
    <section className="sup-panel sup-split" data-testid="sup-mine">
      <aside className="sup-list">
        <header className="sup-panel-head">
          <h2>{t('supervisor.tabs.mine')}</h2>
          <AsOf cached={data} />
        </header>
        <ErrorLine error={data ? null : error} />
        <ul className="sup-rows">
          {items.map((r) => (
            <li key={r.id}>
              <button type="button" className={`sup-row${selected === r.id ? ' selected' : ''}`} data-testid="my-review-row" onClick={() => setSelected(r.id)}>
                <span className="sup-row-top">
                  <strong>{r.contactName}</strong>
                  <ScoreBadge review={r} />
                </span>
                <span className="sup-row-sub">
                  {t(`supervisor.qa.status.${r.status}`)} · {r.submittedAt ? f.dateTime(r.submittedAt) : ''}
                </span>
              </button>
            </li>
          ))}
          {data && !items.length ? <li className="muted sup-empty">{t('supervisor.qa.mineEmpty')}</li> : null}
        </ul>
      </aside>
      {selected ? <ReviewPane key={selected} sup={sup} id={selected} mode="agent" meId={meId} onChanged={() => void reload()} onOpen={setSelected} /> : <div className="sup-detail sup-empty muted">{t('supervisor.qa.selectHint')}</div>}
    </section>
  );
}

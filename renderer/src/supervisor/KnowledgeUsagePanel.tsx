import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import type { LanternClient } from '../lib/client';
import { ErrorLine, useFormat, useLoad } from './common';

type KnowledgeClient = LanternClient['knowledge'];
type QueueFilter = 'pending' | 'all';
const PERIODS = [7, 30, 90] as const;

/**
 * Supervisors: how the knowledge cards are used (shown / inserted / copied / dismissed / useful / useless,
 * over the caller's teams, counted at the hub) and the review queue of items that
 * repeated "useless" marks took out of the suggestions — restore or confirm each.
 */
export function KnowledgeUsagePanel({ knowledge }: { knowledge: KnowledgeClient }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [days, setDays] = useState<number>(7);
  const [filter, setFilter] = useState<QueueFilter>('pending');
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [failure, setFailure] = useState<ErrorShape | null>(null);
  const usage = useLoad(() => knowledge.usage({ days }), [knowledge, days]);
  const queue = useLoad(() => knowledge.reviewQueue({ status: filter }), [knowledge, filter]);
  const items = usage.data?.items ?? [];
  const reviews = queue.data?.items ?? [];
  const settings = queue.data?.settings;

  async function decide(itemId: string, title: string, decision: 'restore' | 'confirm') {
    setFailure(null);
    setNote(null);
    setBusy(itemId);
    const r = await knowledge.review({ itemId, decision });
    setBusy(null);
    if (!r.ok) {
      setFailure(r.error);
    } else {
      setNote(t(decision === 'restore' ? 'knowledgeUsage.review.restored' : 'knowledgeUsage.review.confirmed', { title }));
    }
    await Promise.all([queue.reload(), usage.reload()]);
  }

  // A decision somebody else made meanwhile (409) reads as what it is, not as a QA message.
  const failureShown = failure?.code === 'qa.invalid_state' ? { ...failure, code: 'knowledge.review_decided', message: t('knowledgeUsage.review.alreadyDecided') } : failure;
  const firstError = failureShown ?? (queue.data ? null : queue.error) ?? (usage.data ? null : usage.error);

  return (
    <section className="sup-panel" data-testid="sup-knowledge">
      <header className="sup-panel-head">
        <h2>{t('supervisor.tabs.knowledge')}</h2>
        <label className="sup-inline">
          {t('knowledgeUsage.period')}
          <select data-testid="knowledge-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                {t('knowledgeUsage.days', { n: d })}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="sup-button" data-testid="knowledge-refresh" onClick={() => void Promise.all([queue.reload(), usage.reload()])}>
          {t('knowledgeUsage.refresh')}
        </button>
      </header>
      <ErrorLine error={firstError} {...(failure ? { onDismiss: () => setFailure(null) } : {})} />
      {note ? (
        <p className="sup-note sup-ok" data-testid="knowledge-note" role="status">
          {note}
        </p>
      ) : null}

      <div className="sup-panel-head">
        <h3>{t('knowledgeUsage.review.title')}</h3>
        <span className="segmented sup-filter">
          {(['pending', 'all'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={filter === s} data-testid={`knowledge-queue-${s}`} onClick={() => setFilter(s)}>
              {t(`knowledgeUsage.review.filter.${s}`)}
            </button>
          ))}
        </span>
      </div>
      {settings ? (
        <p className="muted sup-note" data-testid="knowledge-rule">
          {t('knowledgeUsage.review.rule', { days: settings.windowDays, users: settings.minUsers, marks: settings.minMarks })}
        </p>
      ) : null}
      {queue.data ? (
        reviews.length ? (
          <table className="sup-table" data-testid="knowledge-queue">
            <thead>
              <tr>
                <th>{t('knowledgeUsage.item')}</th>
                <th>{t('knowledgeUsage.review.reason')}</th>
                <th className="num">{t('knowledgeUsage.useless')}</th>
                <th className="num">{t('knowledgeUsage.useful')}</th>
                <th>{t('knowledgeUsage.review.retiredAt')}</th>
                <th>{t('knowledgeUsage.review.status')}</th>
                <th>
                  <span className="sr-only">{t('knowledgeUsage.review.decision')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {reviews.map((r) => (
                <tr key={r.id} data-testid="knowledge-review-row" data-item={r.itemId} data-status={r.status}>
                  <td>
                    <strong>{r.title ?? r.itemId}</strong>
                    <div className="muted sup-note">{r.itemId}</div>
                  </td>
                  <td>{r.reason === 'users' ? t('knowledgeUsage.review.byUsers', { n: r.uselessUsers }) : t('knowledgeUsage.review.byMarks', { n: r.uselessMarks })}</td>
                  <td className="num">{r.uselessMarks}</td>
                  <td className="num">{r.usefulMarks}</td>
                  <td>{f.dateTime(r.retiredAt)}</td>
                  <td>
                    <span className={`sup-pill${r.status === 'restored' ? ' ok' : ''}`}>{t(`knowledgeUsage.review.state.${r.status}`)}</span>
                    {r.decidedAt ? <div className="muted sup-note">{f.dateTime(r.decidedAt)}</div> : null}
                  </td>
                  <td>
                    {r.status === 'pending' ? (
                      <span className="sup-toolbar">
                        <button type="button" className="sup-button primary" data-testid="knowledge-restore" disabled={busy !== null} onClick={() => void decide(r.itemId, r.title ?? r.itemId, 'restore')}>
                          {t('knowledgeUsage.review.restore')}
                        </button>
                        <button type="button" className="sup-button" data-testid="knowledge-confirm" disabled={busy !== null} onClick={() => void decide(r.itemId, r.title ?? r.itemId, 'confirm')}>
                          {t('knowledgeUsage.review.confirm')}
                        </button>
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted sup-empty" data-testid="knowledge-queue-empty">
            {t(filter === 'pending' ? 'knowledgeUsage.review.empty' : 'knowledgeUsage.review.emptyAll')}
          </p>
        )
      ) : queue.loading ? (
        <p className="muted">{t('supervisor.loading')}</p>
      ) : null}

      <h3>{t('knowledgeUsage.usage.title')}</h3>
      {usage.data ? (
        items.length ? (
          <table className="sup-table" data-testid="knowledge-usage">
            <caption>{t('knowledgeUsage.usage.caption', { n: days })}</caption>
            <thead>
              <tr>
                <th>{t('knowledgeUsage.item')}</th>
                <th>{t('knowledgeUsage.usage.status')}</th>
                <th className="num">{t('knowledgeUsage.shown')}</th>
                <th className="num">{t('knowledgeUsage.inserted')}</th>
                <th className="num">{t('knowledgeUsage.copied')}</th>
                <th className="num">{t('knowledgeUsage.dismissed')}</th>
                <th className="num">{t('knowledgeUsage.useful')}</th>
                <th className="num">{t('knowledgeUsage.useless')}</th>
                <th>{t('knowledgeUsage.usage.lastAt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.itemId} data-testid="knowledge-usage-row" data-item={u.itemId}>
                  <td>
                    <strong>{u.title ?? u.itemId}</strong>
                    <div className="muted sup-note">{u.itemId}</div>
                  </td>
                  <td>{u.status ? <span className={`sup-pill${u.status === 'active' ? ' ok' : ''}`}>{t(`knowledgeUsage.itemStatus.${u.status}`)}</span> : <span className="muted">{t('knowledgeUsage.itemStatus.local')}</span>}</td>
                  <td className="num" data-count="shown">
                    {u.shown}
                  </td>
                  <td className="num" data-count="inserted">
                    {u.inserted}
                  </td>
                  <td className="num" data-count="copied">
                    {u.copied}
                  </td>
                  <td className="num" data-count="dismissed">
                    {u.dismissed}
                  </td>
                  <td className="num" data-count="useful">
                    {u.useful}
                  </td>
                  <td className={`num${u.useless > u.useful ? ' bad' : ''}`} data-count="useless">
                    {u.useless}
                  </td>
                  <td>{f.dateTime(u.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted sup-empty" data-testid="knowledge-usage-empty">
            {t('knowledgeUsage.usage.empty', { n: days })}
          </p>
        )
      ) : usage.loading ? (
        <p className="muted">{t('supervisor.loading')}</p>
      ) : null}
    </section>
  );
}

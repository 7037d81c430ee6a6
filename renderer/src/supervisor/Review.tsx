import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import { questionsOf, scoreReview, suggestionFor, type QaForm, type QaQuestion } from '../../../shared/supervisor';
import type { QaReviewView, ReviewDetail } from '../../../shared/supervisor/api';
import { AsOf, ErrorLine, levelColor, useFormat, useLoad, type SupClient } from './common';

type Value = number | 'na';
interface Draft {
  value: Value | null;
  comment: string;
}

const loc = (l: { 'zh-CN': string; en?: string | undefined }, lang: string) => (lang === 'en' ? (l.en ?? l['zh-CN']) : l['zh-CN']);

export function FlagChips({ review }: { review: Pick<QaReviewView, 'flags' | 'source'> }) {
  const { t } = useTranslation();
  return (
    <span className="sup-chips">
      <span className={`sup-pill source-${review.source}`}>{t(`supervisor.qa.source.${review.source}`)}</span>
      {review.flags.map((f) => (
        <span key={f.kind} className={`sup-pill flag-${f.kind}`} data-testid="flag" data-kind={f.kind}>
          {t(`supervisor.qa.flag.${f.kind}`)}
        </span>
      ))}
    </span>
  );
}

export function ScoreBadge({ review }: { review: Pick<QaReviewView, 'score' | 'autoFailed' | 'status'> }) {
  const { t } = useTranslation();
  if (review.status === 'queued') return <span className="sup-pill">{t('supervisor.qa.status.queued')}</span>;
  const tone = review.autoFailed ? 'bad' : (review.score ?? 0) >= 85 ? 'ok' : (review.score ?? 0) >= 60 ? 'warn' : 'bad';
  return (
    <span className={`sup-score tone-${tone}`} data-testid="score">
      {review.score === null ? '—' : review.score}
      {review.autoFailed ? <small> · {t('supervisor.qa.autoFailed')}</small> : null}
    </span>
  );
}

/** An evidence code with its parameters in words (rule ids, channels, statuses and consent translated). */
export function evidenceText(t: (k: string, o?: Record<string, unknown>) => string, e: { code: string; params: Record<string, string | number> }, sep = '、') {
  const key = `supervisor.evidence.${e.code}`;
  const p: Record<string, unknown> = { ...e.params };
  if (typeof p.rules === 'string') p.rules = p.rules.split(',').map((r) => ruleName(t, r)).join(sep);
  if (typeof p.channel === 'string') p.channel = t(`channel.${p.channel}`);
  if (typeof p.status === 'string') p.status = t(`status.${p.status}`);
  if (typeof p.consent === 'string') p.consent = t(`supervisor.consentState.${p.consent}`);
  const s = t(key, p);
  return s === key ? e.code : s;
}

export function ruleName(t: (k: string) => string, id: string): string {
  const key = `supervisor.rules.${id}`;
  const s = t(key);
  return s === key ? id : s;
}

/** The conversation as the reviewer reads it: sentiment dots, red flags, compliance hits. */
export function Transcript({ conversation, highlight }: { conversation: ReviewDetail['conversation']; highlight?: string | null }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  return (
    <ol className="sup-transcript" data-testid="transcript">
      {conversation.messages.map((m) => (
        <li key={m.id} id={`msg-${m.id}`} className={`sup-msg ${m.direction}${m.deviceAlert ? ' device' : ''}${highlight === m.id ? ' highlight' : ''}`} data-testid="transcript-message">
          <div className="sup-msg-meta">
            {m.level !== null ? <span className="sup-level" style={{ background: levelColor(m.level) }} title={t('supervisor.sentiment.level', { level: m.level })} /> : null}
            <strong>{m.authorName ?? (m.direction === 'inbound' ? t('conversation.patient') : '—')}</strong>
            <time>{f.dateTime(m.createdAt)}</time>
            {m.redFlags.length ? <span className="sup-pill flag-red_flag">{t('supervisor.qa.flag.red_flag')}</span> : null}
            {m.compliance.length ? (
              <span className="sup-pill flag-compliance" title={m.compliance.join(', ')}>
                {t('supervisor.qa.flag.compliance')}: {m.compliance.map((r) => ruleName(t, r)).join(i18n.language === 'en' ? ', ' : '、')}
              </span>
            ) : null}
          </div>
          <p className={m.recalledAt ? 'recalled' : ''}>{m.recalledAt ? t('supervisor.qa.recalled') : m.body}</p>
        </li>
      ))}
    </ol>
  );
}

function ValueButtons({ q, value, onChange, disabled }: { q: QaQuestion; value: Value | null; onChange: (v: Value) => void; disabled?: boolean }) {
  const { t, i18n } = useTranslation();
  const options: { v: Value; label: string }[] = q.max === 1 ? [{ v: 1, label: t('supervisor.qa.yes') }, { v: 0, label: t('supervisor.qa.no') }] : Array.from({ length: q.max + 1 }, (_, i) => ({ v: q.max - i, label: `${q.max - i}/${q.max}` }));
  if (q.allowNa) options.push({ v: 'na', label: t('supervisor.qa.na') });
  return (
    <span className="segmented sup-values" role="radiogroup" aria-label={loc(q.title, i18n.language)}>
      {options.map((o) => (
        <button key={String(o.v)} type="button" role="radio" aria-checked={value === o.v} data-testid={`answer-${q.id}-${o.v}`} disabled={disabled} onClick={() => onChange(o.v)}>
          {o.label}
        </button>
      ))}
    </span>
  );
}

/** The scorecard: every question with the engine's suggestion; a different answer needs a comment. */
function Scorecard({ form, detail, drafts, setDraft, readOnly }: { form: QaForm; detail: ReviewDetail; drafts: Record<string, Draft>; setDraft: (id: string, d: Draft) => void; readOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const pre = detail.review.prescore;
  return (
    <div className="sup-form" data-testid="scorecard">
      {form.sections.map((s) => (
        <fieldset key={s.id} className="sup-section">
          <legend>{loc(s.title, i18n.language)}</legend>
          {s.questions.map((q) => {
            const suggestion = suggestionFor(q, pre);
            const p = pre.find((x) => x.key === q.auto);
            const d = drafts[q.id] ?? { value: null, comment: '' };
            const overridden = suggestion !== null && d.value !== null && d.value !== suggestion;
            return (
              <div key={q.id} className={`sup-question${overridden ? ' overridden' : ''}`} data-testid="question" data-question={q.id}>
                <div className="sup-question-head">
                  <span className="sup-question-title">
                    {loc(q.title, i18n.language)}
                    {q.autoFail ? <span className="sup-pill flag-red_flag">{t('supervisor.qa.autoFailItem')}</span> : null}
                    <span className="muted"> · {t('supervisor.qa.weight', { weight: q.weight })}</span>
                  </span>
                  <ValueButtons q={q} value={d.value} disabled={readOnly} onChange={(v) => setDraft(q.id, { ...d, value: v })} />
                </div>
                {q.help ? <div className="muted sup-help">{loc(q.help, i18n.language)}</div> : null}
                {p && suggestion !== null ? (
                  <div className={`sup-suggestion conf-${p.confidence}`} data-testid="suggestion">
                    {t('supervisor.qa.suggested', { value: suggestion === 'na' ? t('supervisor.qa.na') : q.max === 1 ? (suggestion ? t('supervisor.qa.yes') : t('supervisor.qa.no')) : `${suggestion}/${q.max}` })} — {evidenceText(t, p.evidence, i18n.language === 'en' ? ', ' : '、')}
                    {p.confidence === 'low' ? <em> ({t('supervisor.qa.confidenceLow')})</em> : null}
                  </div>
                ) : null}
                {overridden || (readOnly && d.comment) ? (
                  <textarea
                    className="sup-comment"
                    data-testid={`comment-${q.id}`}
                    placeholder={t('supervisor.qa.override')}
                    value={d.comment}
                    readOnly={readOnly}
                    rows={2}
                    onChange={(e) => setDraft(q.id, { ...d, comment: e.target.value })}
                  />
                ) : null}
              </div>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}

/** One review: read, score (queued), answer a dispute, calibrate, print. */
export function ReviewPane({ sup, id, mode, meId, onChanged, onOpen }: { sup: SupClient; id: string; mode: 'supervisor' | 'agent'; meId: string | null; onChanged: () => void; onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { data, error, reload } = useLoad(() => sup.review({ id }), [sup, id]);
  const [drafts, setDrafts] = useState<Record<string, Draft> | null>(null);
  const [comment, setComment] = useState('');
  const [failure, setFailure] = useState<ErrorShape | null>(null);
  const [busy, setBusy] = useState(false);
  const [disputeText, setDisputeText] = useState('');
  const [response, setResponse] = useState('');
  const [revising, setRevising] = useState(false);
  const [calibration, setCalibration] = useState(false);
  const detail = data?.value ?? null;
  const review = detail?.review;

  const initial = useMemo(() => {
    if (!detail) return {};
    const out: Record<string, Draft> = {};
    for (const q of questionsOf(detail.form)) {
      const a = detail.review.answers.find((x) => x.questionId === q.id);
      const s = suggestionFor(q, detail.review.prescore);
      out[q.id] = a ? { value: a.value, comment: a.comment } : { value: s, comment: '' };
    }
    return out;
  }, [detail]);
  const current = drafts ?? initial;
  const setDraft = (qid: string, d: Draft) => setDrafts({ ...current, [qid]: d });

  const answers = detail
    ? questionsOf(detail.form)
        .filter((q) => current[q.id]?.value !== null && current[q.id]?.value !== undefined)
        .map((q) => ({ questionId: q.id, value: current[q.id]!.value as Value, comment: current[q.id]!.comment }))
    : [];
  const preview = detail ? scoreReview(detail.form, answers) : null;

  async function run<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: ErrorShape }>): Promise<T | null> {
    setBusy(true);
    setFailure(null);
    const r = await p;
    setBusy(false);
    if (!r.ok) {
      setFailure(r.error);
      return null;
    }
    setDrafts(null);
    await reload();
    onChanged();
    return r.value;
  }

  if (!detail || !review) return <div className="sup-detail">{error ? <ErrorLine error={error} /> : <p className="muted">{t('supervisor.loading')}</p>}</div>;
  const editable = mode === 'supervisor' && review.status === 'queued';
  const canRevise = mode === 'supervisor' && review.status === 'disputed';
  return (
    <div className="sup-detail" data-testid="review-pane" data-review={review.id} data-status={review.status}>
      <header className="sup-detail-head">
        <div>
          <h3>
            {detail.conversation.contactName} <span className="muted">· {t(`channel.${detail.conversation.channel}`)}</span>
          </h3>
          <div className="muted">
            {t('supervisor.qa.agent')}: {review.agentName} · {t('supervisor.qa.periodLabel')}: {review.period}
            {review.reviewerName ? ` · ${t('supervisor.qa.reviewer')}: ${review.reviewerName}` : ''}
          </div>
          <FlagChips review={review} />
        </div>
        <div className="sup-detail-score">
          {review.status !== 'queued' ? <ScoreBadge review={review} /> : null}
          <span className={`sup-pill status-${review.status}`} data-testid="review-status">
            {t(`supervisor.qa.status.${review.status}`)}
          </span>
          <AsOf cached={data} />
        </div>
      </header>
      <ErrorLine error={failure} onDismiss={() => setFailure(null)} />
      <div className="sup-detail-body">
        <div className="sup-detail-col">
          <h4>{t('supervisor.qa.transcript')}</h4>
          <p className="muted sup-note" data-testid="timings">
            {t('supervisor.qa.timings', { first: f.minutes(detail.conversation.timings.firstResponseMs), max: f.minutes(detail.conversation.timings.maxGapMs), transfers: detail.conversation.transfers })}
          </p>
          <Transcript conversation={detail.conversation} />
        </div>
        <div className="sup-detail-col">
          <h4>{t('supervisor.qa.form', { name: loc(detail.form.name, i18n.language), version: detail.form.version })}</h4>
          <Scorecard form={detail.form} detail={detail} drafts={current} setDraft={setDraft} readOnly={!editable && !revising} />
          {editable || revising ? (
            <div className="sup-submit">
              <span className="sup-preview" data-testid="preview-score">
                {t('supervisor.qa.previewScore', { score: preview?.score ?? '—' })}
                {preview?.autoFailed ? ` · ${t('supervisor.qa.autoFailed')}` : ''}
              </span>
              {editable ? <textarea className="sup-comment" data-testid="review-comment" placeholder={t('supervisor.qa.comment')} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} /> : null}
              {editable ? (
                <button type="button" className="sup-button primary" data-testid="submit-review" disabled={busy} onClick={() => void run(sup.submitReview({ id: review.id, answers, comment }))}>
                  {t('supervisor.qa.submit')}
                </button>
              ) : null}
            </div>
          ) : review.comment ? (
            <p className="sup-overall">
              <strong>{t('supervisor.qa.comment')}：</strong>
              {review.comment}
            </p>
          ) : null}

          {review.dispute ? (
            <div className="sup-dispute" data-testid="dispute">
              <strong>{t('supervisor.qa.dispute.title')}</strong> <span className={`sup-pill status-${review.dispute.status}`}>{t(`supervisor.qa.dispute.status.${review.dispute.status}`)}</span>
              <p>{review.dispute.reason}</p>
              {review.dispute.response ? (
                <p>
                  <strong>{t('supervisor.qa.dispute.response')}：</strong>
                  {review.dispute.response}
                  {review.dispute.previousScore !== null ? <span className="muted"> · {t('supervisor.qa.dispute.previous', { score: review.dispute.previousScore })}</span> : null}
                </p>
              ) : null}
            </div>
          ) : null}

          {mode === 'agent' && review.status === 'submitted' ? (
            <div className="sup-submit">
              <textarea className="sup-comment" data-testid="dispute-reason" placeholder={t('supervisor.qa.dispute.reason')} rows={3} value={disputeText} onChange={(e) => setDisputeText(e.target.value)} />
              <button type="button" className="sup-button" data-testid="dispute-submit" disabled={busy || !disputeText.trim()} onClick={() => void run(sup.dispute({ id: review.id, reason: disputeText.trim() }))}>
                {t('supervisor.qa.dispute.submit')}
              </button>
            </div>
          ) : null}

          {canRevise ? (
            <div className="sup-submit" data-testid="resolve">
              <textarea className="sup-comment" data-testid="resolve-response" placeholder={t('supervisor.qa.dispute.responseHint')} rows={2} value={response} onChange={(e) => setResponse(e.target.value)} />
              <label className="sup-inline">
                <input type="checkbox" data-testid="resolve-revise" checked={revising} onChange={(e) => setRevising(e.target.checked)} /> {t('supervisor.qa.dispute.revise')}
              </label>
              <button
                type="button"
                className="sup-button primary"
                data-testid="resolve-submit"
                disabled={busy || !response.trim()}
                onClick={() => void run(sup.resolveDispute({ id: review.id, outcome: revising ? 'revised' : 'upheld', response: response.trim(), ...(revising ? { answers } : {}) })).then(() => setRevising(false))}
              >
                {revising ? t('supervisor.qa.dispute.doRevise') : t('supervisor.qa.dispute.uphold')}
              </button>
            </div>
          ) : null}

          <div className="sup-actions">
            {mode === 'supervisor' && review.status !== 'queued' && review.reviewerId !== meId && !detail.others.some((o) => o.reviewerId === meId) ? (
              <button
                type="button"
                className="sup-button"
                data-testid="calibrate"
                disabled={busy}
                onClick={() =>
                  void run(sup.startCalibration({ conversationId: review.conversationId })).then((r) => {
                    if (r) onOpen(r.id);
                  })
                }
              >
                {t('supervisor.qa.calibrate')}
              </button>
            ) : null}
            {mode === 'supervisor' && (detail.others.length > 0 || review.source === 'calibration') ? (
              <button type="button" className="sup-button" data-testid="show-calibration" onClick={() => setCalibration((v) => !v)}>
                {t('supervisor.qa.calibration')}
              </button>
            ) : null}
            {review.status !== 'queued' ? (
              <button type="button" className="sup-button" data-testid="print-report" onClick={() => window.print()}>
                {t('supervisor.qa.print')}
              </button>
            ) : null}
          </div>
          {calibration ? <Calibration sup={sup} conversationId={review.conversationId} form={detail.form} /> : null}
        </div>
      </div>
      <PrintReport detail={detail} />
    </div>
  );
}

function Calibration({ sup, conversationId, form }: { sup: SupClient; conversationId: string; form: QaForm }) {
  const { t, i18n } = useTranslation();
  const { data, error } = useLoad(() => sup.calibration({ conversationId }), [sup, conversationId]);
  const c = data?.value;
  const title = new Map(questionsOf(c?.form ?? form).map((q) => [q.id, loc(q.title, i18n.language)]));
  const name = new Map((c?.reviews ?? []).map((r) => [r.reviewId, r.reviewerName]));
  const show = (v: number | 'na' | null) => (v === null ? '—' : v === 'na' ? t('supervisor.qa.na') : String(v));
  return (
    <div className="sup-calibration" data-testid="calibration">
      <ErrorLine error={error} />
      {c && !c.pairs.length ? <p className="muted">{t('supervisor.qa.calibrationNone')}</p> : null}
      {c?.pairs.map((p) => (
        <table key={`${p.a}-${p.b}`} className="sup-table">
          <caption>
            {t('supervisor.qa.agreement', { value: p.agreement })} · {t('supervisor.qa.delta', { value: p.delta ?? '—' })}
          </caption>
          <thead>
            <tr>
              <th />
              <th>{name.get(p.a)}</th>
              <th>{name.get(p.b)}</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.questionId} className={r.agree ? '' : 'disagree'} data-testid="calibration-row" data-agree={r.agree}>
                <td>{title.get(r.questionId) ?? r.questionId}</td>
                <td className="num">{show(r.a)}</td>
                <td className="num">{show(r.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

/** Only visible when printing (see supervisor.css @media print). */
function PrintReport({ detail }: { detail: ReviewDetail }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const r = detail.review;
  return (
    <article className="sup-report" data-testid="print-report-body">
      <h1>{t('supervisor.report.title')}</h1>
      <dl>
        <dt>{t('supervisor.report.review')}</dt>
        <dd>{r.id}</dd>
        <dt>{t('supervisor.report.conversation')}</dt>
        <dd>
          {r.conversationId} · {t(`channel.${r.channel}`)}
        </dd>
        <dt>{t('supervisor.qa.agent')}</dt>
        <dd>{r.agentName}</dd>
        <dt>{t('supervisor.qa.reviewer')}</dt>
        <dd>{r.reviewerName || '—'}</dd>
        <dt>{t('supervisor.report.form')}</dt>
        <dd>
          {loc(detail.form.name, i18n.language)} v{detail.form.version}
        </dd>
        <dt>{t('supervisor.report.submitted')}</dt>
        <dd>{r.submittedAt ? f.dateTime(r.submittedAt) : '—'}</dd>
        <dt>{t('supervisor.qa.score')}</dt>
        <dd>
          <strong>{r.score ?? '—'}</strong>
          {r.autoFailed ? ` (${t('supervisor.qa.autoFailed')})` : ''}
        </dd>
      </dl>
      <table>
        <thead>
          <tr>
            <th>{t('supervisor.report.question')}</th>
            <th>{t('supervisor.report.answer')}</th>
            <th>{t('supervisor.report.suggested')}</th>
            <th>{t('supervisor.report.note')}</th>
          </tr>
        </thead>
        <tbody>
          {questionsOf(detail.form).map((q) => {
            const a = r.answers.find((x) => x.questionId === q.id);
            const show = (v: number | 'na' | null | undefined) => (v === undefined || v === null ? '—' : v === 'na' ? t('supervisor.qa.na') : `${v}/${q.max}`);
            return (
              <tr key={q.id}>
                <td>{loc(q.title, i18n.language)}</td>
                <td>{show(a?.value)}</td>
                <td>{show(a?.auto)}</td>
                <td>{a?.comment ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {r.comment ? (
        <p>
          <strong>{t('supervisor.qa.comment')}：</strong>
          {r.comment}
        </p>
      ) : null}
      {r.dispute ? (
        <p>
          <strong>{t('supervisor.qa.dispute.title')}：</strong>
          {r.dispute.reason} → {t(`supervisor.qa.dispute.status.${r.dispute.status}`)} {r.dispute.response}
        </p>
      ) : null}
      <p className="sup-report-foot">{t('supervisor.report.foot')}</p>
    </article>
  );
}

import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorShape } from '../../../shared/contract/result';
import type { QaFormDraft, QaQuestion } from '../../../shared/supervisor/forms';
import { ErrorLine, useFormat, useLoad, type SupClient } from './common';

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40) || `q${Date.now().toString(36)}`;

/**
 * The active QA form, editable: titles, weights, points, auto-fail and N/A per
 * question; add or remove questions. Saving makes a new version (reviews already
 * scored keep theirs).
 */
export function FormEditor({ sup, onClose }: { sup: SupClient; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const f = useFormat();
  const { data, error, reload } = useLoad(() => sup.forms(), [sup]);
  const [draft, setDraft] = useState<QaFormDraft | null>(null);
  const [failure, setFailure] = useState<ErrorShape | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const forms = data?.value.forms ?? [];
  const activeId = data?.value.activeId;
  const latest = forms.filter((x) => x.id === activeId).sort((a, b) => b.version - a.version)[0] ?? forms[forms.length - 1];
  useEffect(() => {
    if (latest && !draft) setDraft({ id: latest.id, name: latest.name, sections: latest.sections });
  }, [latest, draft]);

  const setQuestion = (si: number, qi: number, patch: Partial<QaQuestion>) => {
    if (!draft) return;
    setSaved(null);
    setDraft({ ...draft, sections: draft.sections.map((s, i) => (i !== si ? s : { ...s, questions: s.questions.map((q, j) => (j !== qi ? q : { ...q, ...patch })) })) });
  };
  const remove = (si: number, qi: number) => draft && setDraft({ ...draft, sections: draft.sections.map((s, i) => (i !== si ? s : { ...s, questions: s.questions.filter((_, j) => j !== qi) })) });
  const add = (si: number) =>
    draft &&
    setDraft({
      ...draft,
      sections: draft.sections.map((s, i) => (i !== si ? s : { ...s, questions: [...s.questions, { id: slug(`q_${s.id}_${s.questions.length + 1}`), title: { 'zh-CN': t('supervisor.forms.newQuestion'), en: 'New question' }, weight: 5, max: 1, autoFail: false, allowNa: false }] })),
    });

  async function save() {
    if (!draft) return;
    const r = await sup.saveForm({ form: draft });
    if (!r.ok) return setFailure(r.error);
    setFailure(null);
    setSaved(r.value.version);
    await reload();
  }

  const total = draft ? draft.sections.flatMap((s) => s.questions).reduce((a, q) => a + q.weight, 0) : 0;
  return (
    <div className="sup-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="form-editor">
      <div className="sup-dialog-card wide">
        <h3 id={titleId}>{t('supervisor.forms.title')}</h3>
        <p className="muted sup-note">
          {t('supervisor.forms.versions', { list: forms.map((x) => `v${x.version} (${x.createdBy === 'system' ? t('supervisor.forms.builtIn') : f.date(x.createdAt)})`).join(' · ') })}
        </p>
        <ErrorLine error={failure ?? (data ? null : error)} />
        {draft
          ? draft.sections.map((s, si) => (
              <fieldset key={s.id} className="sup-section">
                <legend>{i18n.language === 'en' ? (s.title.en ?? s.title['zh-CN']) : s.title['zh-CN']}</legend>
                <table className="sup-table sup-form-table">
                  <thead>
                    <tr>
                      <th>{t('supervisor.forms.question')}</th>
                      <th>{t('supervisor.forms.weight')}</th>
                      <th>{t('supervisor.forms.max')}</th>
                      <th>{t('supervisor.forms.autoFail')}</th>
                      <th>{t('supervisor.forms.allowNa')}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {s.questions.map((q, qi) => {
                      // Each control is named by its column and its item (a screen reader hears "Weight: Verified identity").
                      const label = (column: string) => t('supervisor.forms.fieldLabel', { field: column, item: (i18n.language === 'en' ? q.title.en : q.title['zh-CN']) || q.title['zh-CN'] || q.id });
                      return (
                        <tr key={q.id} data-testid="form-question" data-question={q.id}>
                          <td>
                            <input className="sup-text" value={q.title['zh-CN']} aria-label="zh-CN" onChange={(e) => setQuestion(si, qi, { title: { ...q.title, 'zh-CN': e.target.value } })} />
                            <input className="sup-text muted" value={q.title.en ?? ''} aria-label="en" onChange={(e) => setQuestion(si, qi, { title: { ...q.title, en: e.target.value } })} />
                          </td>
                          <td>
                            <input type="number" className="sup-num" min={1} max={100} value={q.weight} aria-label={label(t('supervisor.forms.weight'))} data-testid={`weight-${q.id}`} onChange={(e) => setQuestion(si, qi, { weight: Math.max(1, Math.min(100, Number(e.target.value) || 1)) })} />
                          </td>
                          <td>
                            <select className="sup-max" aria-label={label(t('supervisor.forms.max'))} value={q.max} onChange={(e) => setQuestion(si, qi, { max: Number(e.target.value) })}>
                              {[1, 2, 3, 4, 5, 10].map((m) => (
                                <option key={m} value={m}>
                                  {m === 1 ? t('supervisor.forms.yesNo') : `0–${m}`}
                                </option>
                              ))}
                            </select>
                          </td>
                          <td className="center">
                            <input type="checkbox" checked={q.autoFail} aria-label={label(t('supervisor.forms.autoFail'))} data-testid={`autofail-${q.id}`} onChange={(e) => setQuestion(si, qi, { autoFail: e.target.checked })} />
                          </td>
                          <td className="center">
                            <input type="checkbox" checked={q.allowNa} aria-label={label(t('supervisor.forms.allowNa'))} onChange={(e) => setQuestion(si, qi, { allowNa: e.target.checked })} />
                          </td>
                          <td>
                            <button type="button" className="link-button" disabled={s.questions.length === 1} onClick={() => remove(si, qi)}>
                              {t('supervisor.forms.remove')}
                            </button>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <button type="button" className="link-button" data-testid={`add-question-${s.id}`} onClick={() => add(si)}>
                  + {t('supervisor.forms.add')}
                </button>
              </fieldset>
            ))
          : null}
        <p className="muted sup-note">{t('supervisor.forms.totalWeight', { total })}</p>
        {saved !== null ? (
          <p className="sup-ok" data-testid="form-saved">
            {t('supervisor.forms.saved', { version: saved })}
          </p>
        ) : null}
        <div className="sup-dialog-actions">
          <button type="button" className="sup-button" onClick={onClose}>
            {t('supervisor.close')}
          </button>
          <button type="button" className="sup-button primary" data-testid="form-save" disabled={!draft} onClick={() => void save()}>
            {t('supervisor.forms.save')}
          </button>
        </div>
      </div>
    </div>
  );
}

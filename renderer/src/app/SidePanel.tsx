import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Right column: knowledge cards (default) and the patient context, as tabs. */
export function SidePanel({ knowledge, patient, alert }: { knowledge: ReactNode; patient: ReactNode; alert: boolean }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<'knowledge' | 'patient'>('knowledge');
  return (
    <aside className="side">
      <div className="side-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'knowledge'} data-testid="tab-knowledge" onClick={() => setTab('knowledge')}>
          {t('side.knowledge')}
          {alert ? <span className="alert-dot" aria-hidden="true" /> : null}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'patient'} data-testid="tab-patient" onClick={() => setTab('patient')}>
          {t('side.patient')}
        </button>
      </div>
      <div className="side-body">{tab === 'knowledge' ? knowledge : patient}</div>
    </aside>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanternClient } from '../lib/client';
import { Dashboard } from './Dashboard';
import { KnowledgeUsagePanel } from './KnowledgeUsagePanel';
import { OpsPanel } from './OpsPanel';
import { MyReviews, QaPanel } from './QaPanel';
import { SentimentPanel } from './SentimentPanel';
import { SurveysPanel } from './SurveysPanel';
import './supervisor.css';
import { isSupervisorRole } from './PageTabs';

type Tab = 'dashboard' | 'qa' | 'sentiment' | 'ops' | 'surveys' | 'knowledge' | 'mine';
const SUPERVISOR_TABS: Tab[] = ['dashboard', 'qa', 'sentiment', 'ops', 'surveys', 'knowledge'];


/**
 * The supervisor's workspace: live dashboard, QA, sentiment, operations and
 * surveys. Agents and nurses see only their own QA reviews here (the hub refuses
 * the rest with 403 anyway).
 */
export function SupervisorView({ client, pollMs = 5000, initialTab }: { client: LanternClient; pollMs?: number; initialTab?: Tab }) {
  const { t } = useTranslation();
  const [role, setRole] = useState<string | null>(null);
  const [meId, setMeId] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab | null>(initialTab ?? null);
  useEffect(() => {
    void client.session.info().then((r) => {
      setRole(r.ok ? (r.value.user?.role ?? 'agent') : 'agent');
      setMeId(r.ok ? (r.value.user?.id ?? null) : null);
    });
  }, [client]);
  if (role === null) return <div className="sup-root muted">{t('supervisor.loading')}</div>;
  const tabs: Tab[] = isSupervisorRole(role) ? [...SUPERVISOR_TABS, 'mine'] : ['mine'];
  const active = tab && tabs.includes(tab) ? tab : tabs[0]!;
  const sup = client.supervisor;
  return (
    <div className="sup-root" data-testid="supervisor-view" data-role={role}>
      <nav className="sup-tabs" role="tablist">
        {tabs.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={active === x} data-testid={`sup-tab-${x}`} onClick={() => setTab(x)}>
            {t(`supervisor.tabs.${x}`)}
          </button>
        ))}
      </nav>
      <div className="sup-body">
        {active === 'dashboard' ? <Dashboard sup={sup} pollMs={pollMs} /> : null}
        {active === 'qa' ? <QaPanel sup={sup} meId={meId} /> : null}
        {active === 'sentiment' ? <SentimentPanel sup={sup} /> : null}
        {active === 'ops' ? <OpsPanel sup={sup} /> : null}
        {active === 'surveys' ? <SurveysPanel sup={sup} /> : null}
        {active === 'knowledge' ? <KnowledgeUsagePanel knowledge={client.knowledge} /> : null}
        {active === 'mine' ? <MyReviews sup={sup} meId={meId} /> : null}
      </div>
    </div>
  );
}


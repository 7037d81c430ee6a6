import { useTranslation } from 'react-i18next';
// The tabs render before the lazily loaded supervisor view, so they bring its styles.
import './supervisor.css';

export const isSupervisorRole = (role: string | null | undefined) => role === 'supervisor' || role === 'admin';

/**
 * The page switch under the top bar: the agent workspace or the supervisor views
 * (supervisors and admins), or "my reviews" for everyone else.
 */
export function PageTabs({ role, page, onPage }: { role: string; page: 'workspace' | 'supervisor'; onPage: (p: 'workspace' | 'supervisor') => void }) {
  const { t } = useTranslation();
  return (
    <nav className="sup-pagetabs" role="tablist" data-testid="page-tabs">
      <button type="button" role="tab" aria-selected={page === 'workspace'} data-testid="page-workspace" onClick={() => onPage('workspace')}>
        {t('supervisor.page.workspace')}
      </button>
      <button type="button" role="tab" aria-selected={page === 'supervisor'} data-testid="page-supervisor" onClick={() => onPage('supervisor')}>
        {isSupervisorRole(role) ? t('supervisor.title') : t('supervisor.tabs.mine')}
      </button>
    </nav>
  );
}

import { useTranslation } from 'react-i18next';

/**
 * The knowledge-card sidebar. Cards come from the local knowledge engine; until it is
 * wired to the contract this shows an honest empty state — never invented cards.
 */
export function KnowledgePanel() {
  const { t } = useTranslation();
  return (
    <section className="knowledge" data-testid="knowledge-panel" aria-label={t('knowledge.title')}>
      <p className="empty">{t('knowledge.empty')}</p>
      <p className="disclaimer">{t('knowledge.disclaimer')}</p>
    </section>
  );
}

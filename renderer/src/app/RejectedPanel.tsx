import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanternClient } from '../lib/client';
import { localizeError } from '../../../shared/i18n/errors';
import type { Language } from '../../../shared/domain/types';

type Item = { id: string; kind: string; code: string | null; message: string | null; createdAt: number; summary: string };

/** Changes the hub refused stay here, with the reason, until the user acknowledges them. */
export function RejectedPanel({ client, version, onClose }: { client: LanternClient; version: number; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<Item[]>([]);
  useEffect(() => {
    void client.sync.rejected().then((r) => r.ok && setItems(r.value.items));
  }, [client, version]);
  return (
    <div className="rejected-panel" data-testid="rejected-panel" role="dialog" aria-label={t('rejected.title')}>
      <header>
        <strong>{t('rejected.title')}</strong>
        <button type="button" className="link-button" onClick={onClose}>
          ×
        </button>
      </header>
      {items.length === 0 ? <p className="muted">{t('rejected.empty')}</p> : null}
      <ul>
        {items.map((i) => (
          <li key={i.id} data-testid="rejected-item">
            <div>
              <code>{i.kind}</code> {i.summary}
            </div>
            <div className="muted">{t('rejected.reason', { reason: i.code ? localizeError(i.code, i18n.language as Language) : (i.message ?? '') })}</div>
            <button type="button" onClick={() => void client.sync.dismissRejected({ id: i.id }).then(() => setItems((xs) => xs.filter((x) => x.id !== i.id)))}>
              {t('rejected.dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

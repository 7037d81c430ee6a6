import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactProfile } from '../../../shared/contract/contacts';
import { ChannelBadge } from '../inbox/ChannelBadge';
import { formatListTime } from '../lib/format';

// recharts is loaded with the first chart, not with the inbox.
const ReadingsChart = lazy(() => import('./ReadingsChart').then((m) => ({ default: m.ReadingsChart })));

interface Props {
  profile: ContactProfile | null;
  onReveal: (identityId: string) => Promise<string | null>;
  onOpenConversation: (id: string) => void;
  currentConversationId: string | null;
}

/** Who the patient is, how to reach them (masked), what they take, and how their readings look. */
export function PatientPanel({ profile: p, onReveal, onOpenConversation, currentConversationId }: Props) {
  const { t, i18n } = useTranslation();
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  if (!p) return <p className="empty">{t('conversation.none')}</p>;
  const kinds = [...new Set(p.readings.map((r) => r.kind))];
  const list = (items: string[], className = '') => (items.length ? items.map((x) => <span key={x} className={`chip ${className}`}>{x}</span>) : <span className="muted">{t('patient.none')}</span>);
  return (
    <div className="patient" data-testid="patient-panel">
      <h3>
        {p.displayName}{' '}
        <span className="muted">
          {t(`patient.sex_${p.sex}`)}
          {p.age !== null ? ` · ${t('patient.age', { age: p.age })}` : ''}
        </span>
      </h3>
      <dl>
        <dt>{t('patient.conditions')}</dt>
        <dd data-testid="patient-conditions">{list(p.conditions)}</dd>
        <dt>{t('patient.medicines')}</dt>
        <dd data-testid="patient-medicines">{list(p.medicines, 'chip-med')}</dd>
        <dt>{t('patient.allergies')}</dt>
        <dd data-testid="patient-allergies">{list(p.allergies, 'chip-allergy')}</dd>
        <dt>{t('patient.identities')}</dt>
        <dd>
          <ul className="identities">
            {p.identities.map((i) => (
              <li key={i.id} data-testid="identity">
                <ChannelBadge channel={i.channel} />
                {p.preferredChannel === i.channel ? (
                  <span className="preferred-tag" data-testid="preferred-channel">
                    {t('patient.preferred')}
                  </span>
                ) : null}
                <code data-testid="identity-value">{revealed[i.id] ?? i.masked}</code>
                {revealed[i.id] ? (
                  <span className="muted">{t('patient.revealed')}</span>
                ) : (
                  <button
                    type="button"
                    className="link-button"
                    data-testid="reveal"
                    onClick={() =>
                      void onReveal(i.id).then((v) => {
                        if (v) setRevealed((r) => ({ ...r, [i.id]: v }));
                      })
                    }
                  >
                    {t('patient.reveal')}
                  </button>
                )}
                <span className={`consent consent-${i.consent}`} data-testid="consent" data-consent={i.consent}>
                  {t(`patient.consent_${i.consent}`)}
                </span>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <h4>{t('patient.readings')}</h4>
      {kinds.length === 0 ? <p className="muted">{t('patient.noReadings')}</p> : null}
      {kinds.map((k) => (
        <Suspense key={k} fallback={<div className="chart-placeholder" />}>
          <ReadingsChart kind={k} readings={p.readings.filter((r) => r.kind === k)} threshold={p.thresholds[k]} />
        </Suspense>
      ))}
      <h4>{t('patient.past')}</h4>
      <ul className="past">
        {p.conversations.map((c) => (
          <li key={c.id}>
            <button type="button" className="link-button" data-testid="past-conversation" data-conversation-id={c.id} disabled={c.id === currentConversationId} onClick={() => onOpenConversation(c.id)}>
              <ChannelBadge channel={c.channel} /> {c.subject ?? t(`channel.${c.channel}`)} · {t(`status.${c.status}`)} · {formatListTime(c.lastMessageAt, i18n.language)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

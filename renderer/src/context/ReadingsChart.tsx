import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import type { ContactProfile } from '../../../shared/contract/contacts';

type Reading = ContactProfile['readings'][number];

/** One small chart per reading kind, with the patient's thresholds drawn as dashed lines. */
export function ReadingsChart({ kind, readings, threshold }: { kind: string; readings: Reading[]; threshold: { low: number | null; high: number | null; unit: string } | undefined }) {
  const { t, i18n } = useTranslation();
  const data = readings.map((r) => ({ at: r.measuredAt, value: r.value, value2: r.value2 ?? undefined }));
  const fmt = new Intl.DateTimeFormat(i18n.language, { month: 'numeric', day: 'numeric', hour: '2-digit', hour12: false });
  const values = readings.flatMap((r) => [r.value, ...(r.value2 !== null ? [r.value2] : [])]);
  const bounds = [...values, ...(threshold?.low != null ? [threshold.low] : []), ...(threshold?.high != null ? [threshold.high] : [])];
  const min = Math.min(...bounds);
  const max = Math.max(...bounds);
  const pad = (max - min) * 0.15 || 1;
  const outOfRange = readings.filter((r) => (threshold?.low != null && r.value < threshold.low) || (threshold?.high != null && r.value > threshold.high)).length;
  return (
    <figure className="reading-chart" data-testid="reading-chart" data-kind={kind} data-out-of-range={outOfRange}>
      <figcaption>
        <strong>{t(`reading.${kind}`)}</strong> <span className="muted">{readings[0]?.unit}</span>
        {threshold && (threshold.low != null || threshold.high != null) ? (
          <span className="muted">
            {' '}
            · {t('patient.threshold')} {threshold.low ?? '—'}–{threshold.high ?? '—'}
          </span>
        ) : null}
      </figcaption>
      <ResponsiveContainer width="100%" height={120}>
        <LineChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: -20 }}>
          <CartesianGrid stroke="#eef1f4" />
          <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => fmt.format(v)} tick={{ fontSize: 10 }} />
          <YAxis domain={[Math.floor(min - pad), Math.ceil(max + pad)]} tick={{ fontSize: 10 }} />
          <Tooltip labelFormatter={(v) => fmt.format(Number(v))} />
          {threshold?.high != null ? <ReferenceLine y={threshold.high} stroke="#c62828" strokeDasharray="4 3" /> : null}
          {threshold?.low != null ? <ReferenceLine y={threshold.low} stroke="#1565c0" strokeDasharray="4 3" /> : null}
          <Line type="monotone" dataKey="value" name={kind === 'bp' ? t('reading.systolic') : t(`reading.${kind}`)} stroke="#b5651d" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
          {kind === 'bp' ? <Line type="monotone" dataKey="value2" name={t('reading.diastolic')} stroke="#5e35b1" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} /> : null}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/**
 * Default alert thresholds per reading kind, used when a clinician has not set the
 * patient's own. Conservative, general-adult values; a patient's row overrides them.
 * bp thresholds are systolic (value); diastolic is value2.
 */
export const DEFAULT_THRESHOLDS: Record<string, { low: number | null; high: number | null; unit: string }> = {
  glucose: { low: 3.9, high: 13.9, unit: 'mmol/L' },
  bp: { low: 90, high: 140, unit: 'mmHg' },
  heart_rate: { low: 50, high: 100, unit: 'bpm' },
  spo2: { low: 94, high: null, unit: '%' },
  temperature: { low: 35.5, high: 37.3, unit: '°C' },
  weight: { low: null, high: null, unit: 'kg' },
};

export function thresholdsFor(own: Record<string, { low: number | null; high: number | null }>): Record<string, { low: number | null; high: number | null; unit: string }> {
  const out: Record<string, { low: number | null; high: number | null; unit: string }> = {};
  for (const [kind, d] of Object.entries(DEFAULT_THRESHOLDS)) out[kind] = { ...d, ...(own[kind] ?? {}) };
  return out;
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_CRITICAL, baselineOf, emptyState, percentile, step, type RuleOptions, type RuleState } from './rules';
import { normalizeReading } from './units';

describe('unit normalization and plausibility', () => {
  it('converts to canonical units', () => {
    expect(normalizeReading({ kind: 'glucose', value: 180, unit: 'mg/dL' })).toEqual({ kind: 'glucose', value: 10, value2: null, unit: 'mmol/L' });
    expect(normalizeReading({ kind: 'glucose', value: 99, unit: 'mg/dl' }).value).toBe(5.5);
    expect(normalizeReading({ kind: 'glucose', value: 6.1, unit: 'mmol/L' }).value).toBe(6.1);
    expect(normalizeReading({ kind: 'bp', value: 16, value2: 10.7, unit: 'kPa' })).toEqual({ kind: 'bp', value: 120, value2: 80, unit: 'mmHg' });
    expect(normalizeReading({ kind: 'temperature', value: 100.4, unit: '°F' }).value).toBe(38);
    expect(normalizeReading({ kind: 'spo2', value: 0.97, unit: 'ratio' }).value).toBe(97);
    expect(normalizeReading({ kind: 'heart_rate', value: 72, unit: '/min' })).toMatchObject({ value: 72, unit: 'bpm' });
    expect(normalizeReading({ kind: 'weight', value: 154, unit: 'lb' }).value).toBe(69.85);
  });

  it('refuses impossible values and unknown units with a reason', () => {
    const err = (r: Parameters<typeof normalizeReading>[0]) => {
      try {
        normalizeReading(r);
        return null;
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(err({ kind: 'glucose', value: 5, unit: 'mg/dL' })).toBe('device.impossible_value'); // 0.28 mmol/L
    expect(err({ kind: 'glucose', value: 1200, unit: 'mg/dL' })).toBe('device.impossible_value');
    expect(err({ kind: 'bp', value: 120, value2: 130, unit: 'mmHg' })).toBe('device.impossible_value');
    expect(err({ kind: 'bp', value: 120, unit: 'mmHg' })).toBe('device.missing_value');
    expect(err({ kind: 'spo2', value: 120, unit: '%' })).toBe('device.impossible_value');
    expect(err({ kind: 'heart_rate', value: 500, unit: 'bpm' })).toBe('device.impossible_value');
    expect(err({ kind: 'heart_rate', value: Number.NaN, unit: 'bpm' })).toBe('device.impossible_value');
    expect(err({ kind: 'glucose', value: 5, unit: 'g/L' })).toBe('device.unknown_unit');
    expect(err({ kind: 'mood', value: 5, unit: 'x' })).toBe('device.unknown_kind');
  });

  it('property: anything accepted is inside the plausible range and in the canonical unit', () => {
    fc.assert(
      fc.property(fc.constantFrom('glucose', 'heart_rate', 'spo2', 'temperature', 'weight'), fc.double({ noNaN: false }), fc.constantFrom('mmol/L', 'mg/dL', 'bpm', '%', 'ratio', '°C', '°F', 'kg', 'lb', 'x'), (kind, value, unit) => {
        try {
          const r = normalizeReading({ kind, value, unit });
          return Number.isFinite(r.value) && r.value >= 0.5 && r.value <= 500;
        } catch (e) {
          return /^device\./.test((e as { code: string }).code);
        }
      }),
    );
  });
});

const MIN = 60_000;
const opts: RuleOptions = { windowMs: MIN, consecutive: 3, critical: DEFAULT_CRITICAL.glucose };
const T0 = Date.UTC(2025, 0, 15, 0, 0, 0);

function run(values: [number, number][], state: RuleState = emptyState()) {
  const alerts: { at: number; level: string }[] = [];
  let s = state;
  values.forEach(([minute, v], i) => {
    const out = step(s, { id: `r${i}`, value: v, value2: null, at: T0 + minute * MIN + 1000 }, opts);
    s = out.state;
    if (out.alert) alerts.push({ at: minute, level: out.alert.level });
  });
  return { s, alerts };
}

describe('alert rules', () => {
  const baseline = baselineOf(Array.from({ length: 40 }, (_, i) => 5 + (i % 10) * 0.2), [], 20)!;
  const withBaseline: RuleState = { ...emptyState(), baseline };

  it('percentiles of the patient’s own readings', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 10)).toBe(2);
    expect(baseline.p10).toBeCloseTo(5.18, 2);
    expect(baseline.p90).toBeCloseTo(6.62, 2);
    expect(baselineOf([1, 2, 3], [], 20)).toBeNull();
  });

  it('alerts after 3 consecutive abnormal one-minute windows, once', () => {
    const { alerts } = run([[0, 7.5], [0, 7.6], [1, 7.8], [2, 8.0], [2, 8.1], [3, 8.2], [4, 8.4]], withBaseline);
    expect(alerts).toEqual([{ at: 2, level: 'abnormal' }]);
  });

  it('a normal window or a missing minute breaks the run; after a normal window it may alert again', () => {
    expect(run([[0, 7.5], [1, 5.8], [2, 7.6], [3, 7.7]], withBaseline).alerts).toEqual([]);
    expect(run([[0, 7.5], [1, 7.6], [3, 7.7], [4, 7.8]], withBaseline).alerts).toEqual([]);
    expect(run([[0, 7.5], [1, 7.6], [2, 7.7], [3, 5.9], [4, 7.5], [5, 7.5], [6, 7.5]], withBaseline).alerts).toEqual([
      { at: 2, level: 'abnormal' },
      { at: 6, level: 'abnormal' },
    ]);
  });

  it('a critical value alerts at once (even without a baseline), once per episode; critical after abnormal still alerts', () => {
    expect(run([[0, 2.5], [0, 2.4], [1, 2.3]]).alerts).toEqual([{ at: 0, level: 'critical' }]);
    expect(run([[0, 7.5], [1, 7.6], [2, 7.7], [3, 21.5], [3, 22]], withBaseline).alerts).toEqual([
      { at: 2, level: 'abnormal' },
      { at: 3, level: 'critical' },
    ]);
    // Without a baseline, ordinary highs never alert.
    expect(run([[0, 15], [1, 15], [2, 15], [3, 15]]).alerts).toEqual([]);
  });

  it('late readings only get the critical check', () => {
    const { s } = run([[5, 6]], withBaseline);
    const late = step(s, { id: 'late', value: 2.1, value2: null, at: T0 + 1 * MIN }, opts);
    expect(late.alert).toMatchObject({ level: 'critical' });
    expect(late.state.window).toBe(s.window);
  });
});

import type { DeviceReadingData } from '../../../shared/sync/entities';

export type ReadingKind = DeviceReadingData['kind'];

/** The unit every reading of a kind is stored in. */
export const CANONICAL_UNIT: Record<ReadingKind, string> = {
  glucose: 'mmol/L',
  bp: 'mmHg',
  heart_rate: 'bpm',
  spo2: '%',
  temperature: '°C',
  weight: 'kg',
};

/** Glucose mg/dL → mmol/L. */
export const MGDL_PER_MMOL = 18.0;

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

const CONVERT: Record<ReadingKind, Record<string, (v: number) => number>> = {
  glucose: { 'mmol/l': (v) => v, 'mg/dl': (v) => v / MGDL_PER_MMOL },
  bp: { mmhg: (v) => v, kpa: (v) => v * 7.50062 },
  heart_rate: { bpm: (v) => v, '/min': (v) => v, 'beats/min': (v) => v },
  spo2: { '%': (v) => v, percent: (v) => v, ratio: (v) => v * 100 },
  temperature: { '°c': (v) => v, c: (v) => v, celsius: (v) => v, '°f': (v) => (v - 32) / 1.8, f: (v) => (v - 32) / 1.8, fahrenheit: (v) => (v - 32) / 1.8 },
  weight: { kg: (v) => v, g: (v) => v / 1000, lb: (v) => v * 0.45359237, lbs: (v) => v * 0.45359237 },
};

const DECIMALS: Record<ReadingKind, number> = { glucose: 2, bp: 0, heart_rate: 0, spo2: 1, temperature: 1, weight: 2 };

/** Physiologically possible ranges (canonical units). Outside them a reading is a device or transmission error. */
export const PLAUSIBLE: Record<ReadingKind, { min: number; max: number; min2?: number; max2?: number }> = {
  glucose: { min: 0.5, max: 60 },
  bp: { min: 40, max: 300, min2: 20, max2: 200 },
  heart_rate: { min: 20, max: 300 },
  spo2: { min: 50, max: 100 },
  temperature: { min: 25, max: 45 },
  weight: { min: 0.5, max: 500 },
};

export interface RawReading {
  kind: string;
  value: number;
  value2?: number | null;
  unit: string;
}

export interface NormalizedReading {
  kind: ReadingKind;
  value: number;
  value2: number | null;
  unit: string;
}

export class ReadingError extends Error {
  constructor(
    readonly code: 'device.unknown_kind' | 'device.unknown_unit' | 'device.impossible_value' | 'device.missing_value',
    message: string,
  ) {
    super(message);
    this.name = 'ReadingError';
  }
}

/** Converts to the canonical unit and refuses impossible values with a reason. */
export function normalizeReading(r: RawReading): NormalizedReading {
  if (!(r.kind in CONVERT)) throw new ReadingError('device.unknown_kind', `Unknown reading kind ${String(r.kind).slice(0, 30)}`);
  const kind = r.kind as ReadingKind;
  const conv = CONVERT[kind][r.unit.trim().toLowerCase()];
  if (!conv) throw new ReadingError('device.unknown_unit', `Unit ${r.unit.slice(0, 20)} is not known for ${kind} (use ${Object.keys(CONVERT[kind]).join(', ')})`);
  if (!Number.isFinite(r.value)) throw new ReadingError('device.impossible_value', 'value is not a finite number');
  const value = round(conv(r.value), DECIMALS[kind]);
  let value2: number | null = null;
  if (kind === 'bp') {
    if (r.value2 === undefined || r.value2 === null || !Number.isFinite(r.value2)) throw new ReadingError('device.missing_value', 'Blood pressure needs value (systolic) and value2 (diastolic)');
    value2 = round(conv(r.value2), 0);
  }
  const p = PLAUSIBLE[kind];
  if (value < p.min || value > p.max) throw new ReadingError('device.impossible_value', `${kind} ${value} ${CANONICAL_UNIT[kind]} is outside the possible ${p.min}–${p.max}`);
  if (value2 !== null) {
    if (value2 < p.min2! || value2 > p.max2!) throw new ReadingError('device.impossible_value', `diastolic ${value2} mmHg is outside the possible ${p.min2}–${p.max2}`);
    if (value2 >= value) throw new ReadingError('device.impossible_value', `diastolic ${value2} is not below systolic ${value}`);
  }
  return { kind, value, value2, unit: CANONICAL_UNIT[kind] };
}

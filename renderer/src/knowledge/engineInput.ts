import type { ContactProfile } from '../../../shared/contract/contacts';
import type { TimelineItem } from '../../../shared/contract/conversations';
import type { Reading, Role, SuggestInput } from '../../../shared/engine';

/** Maps the workspace's state to the engine's input: draft, recent patient messages, the patient, readings. */
export function engineInput(s: { draft: string; timeline: TimelineItem[]; profile: ContactProfile | null; role: string; language: string }): SuggestInput {
  const lastPatientMessages = s.timeline
    .filter((i): i is Extract<TimelineItem, { type: 'message' }> => i.type === 'message' && i.direction === 'inbound' && !i.recalledAt)
    .slice(-5)
    .map((m) => m.body);
  const readings: Reading[] = [];
  for (const r of s.profile?.readings ?? []) {
    if (r.kind === 'bp') {
      readings.push({ kind: 'systolic', value: r.value, at: r.measuredAt, source: 'device' });
      if (r.value2 !== null) readings.push({ kind: 'diastolic', value: r.value2, at: r.measuredAt, source: 'device' });
    } else if (r.kind === 'glucose' || r.kind === 'heart_rate' || r.kind === 'temperature' || r.kind === 'spo2') {
      readings.push({ kind: r.kind, value: r.value, at: r.measuredAt, source: 'device' });
    }
  }
  const role: Role = s.role === 'nurse' ? 'nurse' : 'agent';
  const p = s.profile;
  return {
    draft: s.draft,
    lastPatientMessages,
    ...(p
      ? {
          patient: {
            ...(p.age !== null ? { age: p.age } : {}),
            ...(p.sex !== 'unknown' ? { sex: p.sex } : {}),
            conditions: p.conditions,
            medicines: p.medicines,
            allergies: p.allergies,
            names: [p.displayName],
          },
        }
      : {}),
    readings,
    role,
    now: Date.now(),
    lang: s.language === 'en' ? 'en' : 'zh-CN',
  };
}

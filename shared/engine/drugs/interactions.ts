/**
 * Drug–drug (and drug–alcohol/food) interaction checker over the reference table in
 * resources/knowledge/interactions.json. The table is data; this file validates it and
 * finds the pairs present in a set of drugs.
 */
import { z } from 'zod';
import { localizedSchema } from '../types';
import { drugById, isDrugRef } from './lexicon';
import { drugMatchesRef } from './recognize';

export const severities = ['contraindicated', 'major', 'moderate', 'minor'] as const;
export type Severity = (typeof severities)[number];
export const severityRank: Record<Severity, number> = { contraindicated: 0, major: 1, moderate: 2, minor: 3 };

const ref = z.string().refine(isDrugRef, { error: (iss) => `unknown drug or class "${String(iss.input)}"` });
export const interactionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    a: ref,
    b: ref,
    severity: z.enum(severities),
    title: localizedSchema,
    guidance: localizedSchema,
  })
  .strict();
export type Interaction = z.infer<typeof interactionSchema>;

export const interactionTableSchema = z.object({
  meta: z.object({ title: z.string(), source: z.string().min(20), licence: z.string().min(5) }).passthrough(),
  interactions: z.array(interactionSchema),
});
export type InteractionTable = z.infer<typeof interactionTableSchema>;

/** Parses and validates the table; errors are readable strings, never thrown. */
export function loadInteractions(text: string, fileName = 'interactions.json'): { table: InteractionTable; errors: string[] } {
  const empty: InteractionTable = { meta: { title: '', source: '', licence: '' }, interactions: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { table: empty, errors: [`${fileName}: invalid JSON — ${(e as Error).message}`] };
  }
  const r = interactionTableSchema.safeParse(raw);
  if (!r.success) return { table: empty, errors: r.error.issues.map((i) => `${fileName}: ${i.path.join('.')}: ${i.message}`) };
  const seen = new Set<string>();
  const errors: string[] = [];
  for (const it of r.data.interactions) {
    if (seen.has(it.id)) errors.push(`${fileName}: duplicate interaction id "${it.id}"`);
    seen.add(it.id);
  }
  return { table: r.data, errors };
}

export interface InteractionFinding {
  interaction: Interaction;
  /** The two concrete drugs that matched (a-side, b-side). */
  drugs: [string, string];
}

/** Every table entry matched by two different drugs in `drugIds`, most severe first. */
export function checkInteractions(drugIds: readonly string[], table: InteractionTable): InteractionFinding[] {
  const ids = [...new Set(drugIds)];
  const out: InteractionFinding[] = [];
  for (const it of table.interactions) {
    let found: [string, string] | undefined;
    for (const x of ids) {
      if (!drugMatchesRef(x, it.a, drugById)) continue;
      const y = ids.find((o) => o !== x && drugMatchesRef(o, it.b, drugById));
      if (y) {
        found = [x, y];
        break;
      }
    }
    if (found) out.push({ interaction: it, drugs: found });
  }
  return out.sort((p, q) => severityRank[p.interaction.severity] - severityRank[q.interaction.severity]);
}

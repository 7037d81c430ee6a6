/**
 * Public shapes of the knowledge-card engine, described with zod so the UI, the
 * contract and the hub can validate what crosses a boundary.
 */
import { z } from 'zod';

export const engineLanguages = ['zh-CN', 'en'] as const;
export const engineLanguageSchema = z.enum(engineLanguages);
export type EngineLanguage = z.infer<typeof engineLanguageSchema>;

/** Text in zh-CN (always) and en (optional; falls back to zh-CN). */
export const localizedSchema = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1).optional() }).strict();
export type Localized = z.infer<typeof localizedSchema>;

export const readingKinds = ['glucose', 'systolic', 'diastolic', 'heart_rate', 'temperature', 'spo2'] as const;
export const readingKindSchema = z.enum(readingKinds);
export type ReadingKind = z.infer<typeof readingKindSchema>;

/** A device or typed reading, already in canonical units (mmol/L, mmHg, bpm, °C, %). */
export const readingSchema = z.object({
  kind: readingKindSchema,
  value: z.number().finite(),
  /** Epoch ms. */
  at: z.number().optional(),
  source: z.enum(['device', 'text', 'manual']).optional(),
});
export type Reading = z.infer<typeof readingSchema>;

export const sexSchema = z.enum(['female', 'male']);
export const patientSchema = z.object({
  /** Years; fractional for infants (0.2 ≈ 2.4 months). */
  age: z.number().min(0).max(130).optional(),
  sex: sexSchema.optional(),
  /** Free text ("2型糖尿病", "hypertension"); matched through the synonym table. */
  conditions: z.array(z.string()).default([]),
  /** Free text (generic, brand or English names). */
  medicines: z.array(z.string()).default([]),
  allergies: z.array(z.string()).default([]),
  /** Epoch ms of the most recent operation, for days-since-surgery triggers. */
  surgeryAt: z.number().optional(),
  /** The current contact's own identifiers: allowed in replies, everything else is flagged. */
  phones: z.array(z.string()).default([]),
  idNumbers: z.array(z.string()).default([]),
  names: z.array(z.string()).default([]),
});
export type Patient = z.input<typeof patientSchema>;

export const roles = ['agent', 'nurse', 'doctor'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('raise_priority'), priority: z.enum(['urgent', 'high']) }),
  z.object({ type: z.literal('notify_clinician'), reason: z.string().optional() }),
  z.object({ type: z.literal('suggest_reply'), text: z.string() }),
  z.object({ type: z.literal('link'), url: z.string(), label: z.string() }),
]);
export type Action = z.infer<typeof actionSchema>;

export const urgencies = ['emergency', 'urgent', 'routine'] as const;
export const urgencySchema = z.enum(urgencies);
export type Urgency = z.infer<typeof urgencySchema>;

export const cardKinds = ['red_flag', 'interaction', 'guidance', 'answer', 'compliance', 'tone'] as const;
export const cardKindSchema = z.enum(cardKinds);

export const cardSchema = z.object({
  id: z.string(),
  kind: cardKindSchema,
  title: z.string(),
  body: z.string(),
  /** Every card cites where it came from: a knowledge item id, `interaction:<id>`, `redflag:<id>`, `rule:<id>` or `tone:<id>`. */
  sourceItemId: z.string(),
  score: z.number(),
  actions: z.array(actionSchema),
  urgency: urgencySchema.optional(),
});
export type Card = z.infer<typeof cardSchema>;
export type CardKind = Card['kind'];

export const complianceHitSchema = z.object({
  ruleId: z.string(),
  severity: z.enum(['block', 'warn']),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
  explanation: localizedSchema,
  rewrite: z.string().optional(),
});
export type ComplianceHit = z.infer<typeof complianceHitSchema>;

export const redFlagSchema = z.object({
  id: z.string(),
  urgency: urgencySchema,
  /** The words (or the reading) that fired it. */
  evidence: z.string(),
  guidance: localizedSchema,
  actions: z.array(actionSchema),
  /** True when the mention was negated but the rule still wants a check-in (self-harm). */
  negated: z.boolean().default(false),
});
export type RedFlag = z.infer<typeof redFlagSchema>;

export const sentimentSchema = z.object({
  /** −2 … +2. */
  level: z.number().int().min(-2).max(2),
  score: z.number(),
  anxious: z.boolean(),
  cues: z.array(z.string()),
});
export type Sentiment = z.infer<typeof sentimentSchema>;

/**
 * Knowledge item = premise (who it applies to) → trigger (what makes it relevant)
 * → intervention (what the agent sees / may send). Authored as JSON Lines in
 * resources/knowledge/*.jsonl, one item per line; see docs/knowledge.md.
 */
import { z } from 'zod';
import { isDrugRef } from '../drugs/lexicon';
import { CONCEPT_IDS, INTENT_IDS } from '../text/concepts';
import { localizedSchema, readingKindSchema, sexSchema } from '../types';

export const topics = ['diabetes', 'hypertension', 'postop', 'medicine', 'admin', 'cardiac', 'respiratory', 'pediatric', 'general'] as const;

const conceptRef = z.string().refine((v) => CONCEPT_IDS.has(v), { error: (i) => `unknown condition "${String(i.input)}" (use a concept id from shared/engine/text/concepts.ts)` });
const drugRef = z.string().refine(isDrugRef, { error: (i) => `unknown medicine "${String(i.input)}" (use a drug or class id from shared/engine/drugs/lexicon.ts)` });
const intentRef = z.string().refine((v) => INTENT_IDS.includes(v), { error: (i) => `unknown intent "${String(i.input)}"` });
const range = z.object({ min: z.number().optional(), max: z.number().optional() }).strict();

export const readingTriggerSchema = z.object({ kind: readingKindSchema, op: z.enum(['<', '<=', '>', '>=']), value: z.number() }).strict();
export type ReadingTrigger = z.infer<typeof readingTriggerSchema>;

export const itemActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('raise_priority'), priority: z.enum(['urgent', 'high']) }).strict(),
  z.object({ type: z.literal('notify_clinician'), reason: z.string().optional() }).strict(),
  z.object({ type: z.literal('suggest_reply'), text: localizedSchema }).strict(),
  z.object({ type: z.literal('link'), url: z.string().min(1), label: localizedSchema }).strict(),
]);
export type ItemAction = z.infer<typeof itemActionSchema>;

export const knowledgeItemSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'id must be lower-case letters, digits and dashes'),
    /** answer: a reply to a question (admin, how-to); guidance: advice for the agent. */
    kind: z.enum(['answer', 'guidance']),
    topic: z.enum(topics),
    title: localizedSchema,
    keywords: z.array(z.string().min(1)).default([]),
    premise: z
      .object({
        age: range.optional(),
        sex: sexSchema.optional(),
        conditions: z.array(conceptRef).optional(),
        medicines: z.array(drugRef).optional(),
        allergies: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    trigger: z
      .object({
        text: z.array(z.string().min(1)).optional(),
        intents: z.array(intentRef).optional(),
        readings: z.array(readingTriggerSchema).optional(),
        daysSinceSurgery: range.optional(),
      })
      .strict()
      .optional(),
    intervention: z.object({ text: localizedSchema, actions: z.array(itemActionSchema).default([]) }).strict(),
  })
  .strict();

export type KnowledgeItem = z.infer<typeof knowledgeItemSchema>;
export type KnowledgeItemInput = z.input<typeof knowledgeItemSchema>;

import { z } from 'zod';
import { localizedSchema } from '../engine/types';

/**
 * What `knowledge.source` answers: a readable view of the knowledge a card came
 * from (premise → trigger → intervention, where it came from, how new it is).
 * Texts are given in both languages; the renderer picks one (zh-CN when en is missing).
 */

/** The labelled lines of the premise and trigger sections; `values` are readable, in both languages. */
export const sourceFactKeys = ['age', 'sex', 'conditions', 'medicines', 'allergies', 'phrases', 'intents', 'readings', 'daysSinceSurgery', 'drugs'] as const;
export const sourceFactSchema = z.object({ key: z.enum(sourceFactKeys), values: z.array(localizedSchema) });
export type SourceFact = z.infer<typeof sourceFactSchema>;

export const sourceOriginSchema = z.discriminatedUnion('kind', [
  /** A knowledge item bundled with the app (resources/knowledge). */
  z.object({ kind: z.literal('bundled'), file: z.string().nullable(), line: z.number().int().nullable(), appVersion: z.string() }),
  /** A knowledge item published by the hub (synced into the replica). */
  z.object({ kind: z.literal('hub'), seq: z.number().int().nullable(), updatedAt: z.number().int() }),
  /** The drug-interaction reference table, with its own citation. */
  z.object({ kind: z.literal('table'), title: z.string(), reference: z.string(), licence: z.string(), updated: z.string().nullable(), appVersion: z.string() }),
  /** A rule built into the app (red flags). */
  z.object({ kind: z.literal('builtin'), appVersion: z.string() }),
]);
export type SourceOrigin = z.infer<typeof sourceOriginSchema>;

export const knowledgeSourceSchema = z.object({
  sourceItemId: z.string(),
  type: z.enum(['item', 'interaction', 'red_flag']),
  title: localizedSchema,
  /** The intervention text (items) or guidance (interactions, red flags). */
  body: localizedSchema,
  /** Items: answer / guidance; interactions: the severity; red flags: the urgency. */
  label: z.string().nullable(),
  topic: z.string().nullable(),
  premise: z.array(sourceFactSchema),
  trigger: z.array(sourceFactSchema),
  /** Replies the item suggests (what "insert" puts into the composer). */
  replies: z.array(localizedSchema),
  /** External references the item names. Opened only through the shell's allow-list. */
  links: z.array(z.object({ url: z.string(), label: localizedSchema })),
  origin: sourceOriginSchema,
  status: z.enum(['active', 'retired']),
});
export type KnowledgeSource = z.infer<typeof knowledgeSourceSchema>;

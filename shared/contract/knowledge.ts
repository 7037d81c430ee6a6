import { z } from 'zod';
import { domain, method } from './define';
import { idSchema } from '../domain/types';
import { cardSchema, complianceHitSchema, engineLanguageSchema, localizedSchema, redFlagSchema } from '../engine/types';
import { knowledgeSourceSchema } from './knowledge-source';

const itemIdSchema = z.string().min(1).max(200);
const itemStatusSchema = z.enum(['active', 'retired', 'removed']);

export const knowledgeUsageSchema = z.object({
  since: z.number().int(),
  teamIds: z.array(z.string()),
  items: z.array(
    z.object({
      itemId: z.string(),
      title: z.string().nullable(),
      status: itemStatusSchema.nullable(),
      shown: z.number().int(),
      inserted: z.number().int(),
      copied: z.number().int(),
      dismissed: z.number().int(),
      useful: z.number().int(),
      useless: z.number().int(),
      uselessUsers: z.number().int(),
      lastAt: z.number().int(),
    }),
  ),
});

export const retirementSettingsSchema = z.object({ windowDays: z.number().int(), minUsers: z.number().int(), minMarks: z.number().int() });

export const knowledgeReviewSchema = z.object({
  id: z.string(),
  itemId: z.string(),
  title: z.string().nullable(),
  itemStatus: itemStatusSchema.nullable(),
  status: z.enum(['pending', 'confirmed', 'restored']),
  reason: z.enum(['users', 'marks']),
  uselessUsers: z.number().int(),
  uselessMarks: z.number().int(),
  usefulMarks: z.number().int(),
  retiredAt: z.number().int(),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().int().nullable(),
  comment: z.string(),
});

export const knowledgeDomain = domain('knowledge', {
  bundle: method(
    'Everything the local engine needs, for the renderer’s engine worker: validated knowledge items (seed + synced), the interaction table, and items retired by feedback.',
    z.object({}).strict(),
    z.object({
      /** Items as authored (validated again by the engine's schema in the worker). */
      items: z.array(z.unknown()),
      interactions: z.unknown(),
      retired: z.array(z.string()),
      /** Problems loading items (file:line: message), shown to admins, never fatal. */
      errors: z.array(z.string()),
      /** The newest synced knowledge change in this bundle: pass it to `knowledge.changes` for what arrived later. */
      version: z.number().int().nonnegative(),
    }),
  ),
  changes: method(
    'Knowledge that arrived by sync after `since` (a bundle/changes version): items to upsert into the running engine, ids to remove, and the whole retired set. Apply with applyKnowledgeDelta (shared/engine).',
    z.object({ since: z.number().int().nonnegative() }).strict(),
    z.object({
      version: z.number().int().nonnegative(),
      items: z.array(z.unknown()),
      removed: z.array(z.string()),
      retired: z.array(z.string()),
      errors: z.array(z.string()),
    }),
  ),
  feedback: method(
    'Mark a card useful or useless (feeds the retirement rule and usage counts).',
    z.object({ itemId: itemIdSchema, useful: z.boolean(), conversationId: idSchema.optional() }).strict(),
    z.object({ recorded: z.literal(true) }),
  ),
  track: method(
    'A card was shown, inserted into the draft or copied to the clipboard (usage counts at the hub; "shown" counts once per item and conversation per session).',
    z.object({ itemId: itemIdSchema, event: z.enum(['shown', 'inserted', 'copied']), conversationId: idSchema.optional() }).strict(),
    z.object({ recorded: z.boolean() }),
  ),
  dismiss: method(
    'Hide a knowledge card in one conversation for the signed-in user (kept in the replica; counted at the hub once per card and conversation). Red flags, wording and tone cards cannot be dismissed.',
    z.object({ conversationId: idSchema, cardId: z.string().min(1).max(220), itemId: itemIdSchema }).strict(),
    z.object({ dismissed: z.literal(true), recorded: z.boolean() }),
  ),
  dismissed: method(
    'The cards the signed-in user dismissed in a conversation.',
    z.object({ conversationId: idSchema }).strict(),
    z.object({ cardIds: z.array(z.string()) }),
  ),
  source: method(
    'A readable view of the knowledge a card came from (a knowledge item, the interaction table or a red-flag rule), read from the replica and the bundled knowledge.',
    z.object({ sourceItemId: itemIdSchema }).strict(),
    knowledgeSourceSchema,
  ),
  usage: method(
    'Supervisor: usage counts per knowledge item (shown / inserted / useful / useless) over the caller’s teams, from the hub.',
    z.object({ days: z.number().int().min(1).max(366).default(7) }).strict(),
    knowledgeUsageSchema,
  ),
  reviewQueue: method(
    'Supervisor: items retired by repeated "useless" marks, waiting for a decision (or all decided ones), from the hub.',
    z.object({ status: z.enum(['pending', 'confirmed', 'restored', 'all']).default('pending') }).strict(),
    z.object({ items: z.array(knowledgeReviewSchema), settings: retirementSettingsSchema }),
  ),
  review: method(
    'Supervisor: restore a retired item (suggested again everywhere) or confirm its retirement. Audited at the hub.',
    z.object({ itemId: itemIdSchema, decision: z.enum(['restore', 'confirm']), comment: z.string().max(2000).optional() }).strict(),
    z.object({ itemId: z.string(), review: z.enum(['pending', 'confirmed', 'restored']), itemStatus: itemStatusSchema, seq: z.number().int() }),
  ),
  assist: method(
    'Optional on-prem LLM: a conversation summary and a suggested reply as cards, after the compliance lint and red-flag detector. Never sends; `unavailable` says why a card is missing (off, timeout, error, withheld).',
    z.object({ conversationId: idSchema, lang: engineLanguageSchema.optional() }).strict(),
    z.object({
      cards: z.array(cardSchema),
      redFlags: z.array(redFlagSchema),
      compliance: z.array(complianceHitSchema),
      unavailable: z.object({
        summary: z.object({ code: z.string(), message: localizedSchema }).nullable(),
        reply: z.object({ code: z.string(), message: localizedSchema }).nullable(),
      }),
    }),
  ),
});

import { z } from 'zod';
import { channelSchema, conversationStatusSchema, idSchema, prioritySchema } from '../domain/types';
import { SYNC_LIMITS } from './limits';

/** Crockford base32, 26 characters, first character 0-7 (48-bit time). */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
export const ulidSchema = z.string().regex(ULID_PATTERN, 'must be a ULID (26 Crockford base32 characters, upper case)');

const bodySchema = z.string().min(1).max(SYNC_LIMITS.maxBodyChars);
const textList = z.array(z.string().min(1).max(200)).max(100);

/** What a `knowledge.feedback` mutation records about a card (`copied`: its text went to the clipboard; `dismissed`: hidden for one conversation). */
export const knowledgeFeedbackKinds = ['shown', 'inserted', 'copied', 'dismissed', 'useful', 'useless'] as const;
export type KnowledgeFeedbackKind = (typeof knowledgeFeedbackKinds)[number];

/** Arguments of every mutation type. All objects are strict: an unknown field is a bad request. */
export const mutationArgSchemas = {
  /** Reply to the patient. The new message's id is `messageId` (the client's optimistic row). */
  'message.send': z
    .strictObject({
      conversationId: idSchema,
      messageId: ulidSchema,
      body: z.string().max(SYNC_LIMITS.maxBodyChars),
      contentType: z.literal('text').default('text'),
      /** Files uploaded beforehand (PUT /sync/attachments/:id); the hub binds them to the message. */
      attachments: z
        .array(z.strictObject({ id: ulidSchema, filename: z.string().min(1).max(200), mime: z.string().min(1).max(100), size: z.number().int().positive(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
        .max(SYNC_LIMITS.maxAttachmentsPerMessage)
        .default([]),
    })
    .refine((a) => a.body.length > 0 || a.attachments.length > 0, { message: 'a reply needs text or a file', path: ['body'] }),
  /** Internal note, never sent to the patient. */
  'note.add': z.strictObject({ conversationId: idSchema, noteId: ulidSchema, body: bodySchema }),
  /** `snoozeUntil` (epoch ms) with status 'snoozed': the hub opens it again then (default: in one hour). */
  'conversation.setStatus': z.strictObject({ conversationId: idSchema, status: conversationStatusSchema, snoozeUntil: z.number().int().positive().optional() }),
  /** `assigneeId: null` returns the conversation to its team's queue. `teamId` moves it (supervisor/admin only). */
  'conversation.assign': z.strictObject({ conversationId: idSchema, assigneeId: idSchema.nullable(), teamId: idSchema.optional() }),
  'conversation.setPriority': z.strictObject({ conversationId: idSchema, priority: prioritySchema }),
  /** Replaces the whole tag set (deduplicated, order kept). */
  'conversation.setTags': z.strictObject({
    conversationId: idSchema,
    tags: z.array(z.string().trim().min(1).max(SYNC_LIMITS.maxTagChars)).max(SYNC_LIMITS.maxTags),
  }),
  'conversation.markRead': z.strictObject({ conversationId: idSchema }),
  /** Only the fields given change; the hub keeps the previous values in contact_profile_history. */
  'contact.updateProfile': z.strictObject({
    contactId: idSchema,
    patch: z
      .strictObject({
        displayName: z.string().trim().min(1).max(100).optional(),
        sex: z.enum(['female', 'male', 'unknown']).optional(),
        birthYear: z.number().int().min(1900).max(2100).nullable().optional(),
        preferredChannel: channelSchema.nullable().optional(),
        conditions: textList.optional(),
        medicines: textList.optional(),
        allergies: textList.optional(),
      })
      .refine((p) => Object.keys(p).length > 0, 'patch must change at least one field'),
  }),
  /** Only the author, only an outbound message, only within SYNC_LIMITS.recallWindowMs of the hub accepting it. */
  'message.recall': z.strictObject({ messageId: idSchema }),
  /**
   * A masked identifier (phone, WeChat id, e-mail …) was shown in full on a workstation.
   * Changes nothing; the hub's audit chain records who saw which patient's identifier,
   * when (clientTime) and why. Refused for an identity outside the user's scope.
   */
  'contact.revealIdentifier': z.strictObject({ identityId: idSchema, reason: z.string().trim().min(1).max(200).optional() }),
  /**
   * A knowledge card was shown, inserted into a draft, copied, dismissed, or marked useful/useless (docs/knowledge.md §Feedback).
   * Counted once per mutation id; the hub aggregates per item and may retire an item into the review queue.
   */
  'knowledge.feedback': z.strictObject({
    itemId: z.string().min(1).max(200),
    kind: z.enum(knowledgeFeedbackKinds),
    conversationId: idSchema.optional(),
  }),
} as const;

export type MutationType = keyof typeof mutationArgSchemas;
export const mutationTypes = Object.keys(mutationArgSchemas) as MutationType[];
export type MutationArgs<T extends MutationType> = z.output<(typeof mutationArgSchemas)[T]>;

export function isMutationType(t: unknown): t is MutationType {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(mutationArgSchemas, t);
}

/** The envelope of one mutation, before its `args` are checked against its type. */
export const mutationEnvelope = z.strictObject({
  id: ulidSchema,
  type: z.string().min(1).max(64),
  args: z.unknown(),
  /** The workstation's clock when the user acted. Informational: the hub orders by its own arrival order. */
  clientTime: z.number().int().nonnegative(),
});
export type MutationEnvelope = z.infer<typeof mutationEnvelope>;

export type Mutation = { [T in MutationType]: { id: string; type: T; args: MutationArgs<T>; clientTime: number } }[MutationType];

export type ParsedMutation =
  | { ok: true; mutation: Mutation }
  | { ok: false; code: 'sync.unknown_mutation' | 'sync.bad_request'; message: string };

/** Checks one envelope's `args` against its `type`. */
export function parseMutation(m: MutationEnvelope): ParsedMutation {
  if (!isMutationType(m.type)) return { ok: false, code: 'sync.unknown_mutation', message: `Unknown mutation type "${m.type.slice(0, 64)}"` };
  const schema: z.ZodType = mutationArgSchemas[m.type];
  const args = schema.safeParse(m.args);
  if (!args.success) return { ok: false, code: 'sync.bad_request', message: `Bad args for ${m.type}: ${z.prettifyError(args.error)}` };
  return { ok: true, mutation: { id: m.id, type: m.type, args: args.data, clientTime: m.clientTime } as Mutation };
}

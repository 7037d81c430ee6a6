import { z } from 'zod';
import { channelSchema, consentSchema, conversationStatusSchema, deliveryStatusSchema, prioritySchema, readingKinds, roleSchema } from '../domain/types';

/**
 * The `data` of each change in the pull stream, per entity. Field names are the
 * replica's drizzle property names (db/replica/schema.ts), so a client can upsert
 * them as they are and set `hubSeq` to the change's `seq`. Times are epoch ms.
 */
export const contactData = z.object({
  id: z.string(),
  displayName: z.string(),
  sex: z.enum(['female', 'male', 'unknown']),
  birthYear: z.number().int().nullable(),
  preferredChannel: channelSchema.nullable(),
  conditions: z.array(z.string()),
  medicines: z.array(z.string()),
  allergies: z.array(z.string()),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export const contactIdentityData = z.object({
  id: z.string(),
  contactId: z.string(),
  channel: channelSchema,
  externalId: z.string(),
  verified: z.boolean(),
  consent: consentSchema,
  consentUpdatedAt: z.number().int().nullable(),
});

export const conversationData = z.object({
  id: z.string(),
  contactId: z.string(),
  channel: channelSchema,
  subject: z.string().nullable(),
  status: conversationStatusSchema,
  priority: prioritySchema,
  assigneeId: z.string().nullable(),
  teamId: z.string().nullable(),
  tags: z.array(z.string()),
  unreadCount: z.number().int().nonnegative(),
  lastMessageAt: z.number().int(),
  lastMessagePreview: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** Snoozed until (hub time); null/absent when not snoozed. Older hubs leave it out. */
  snoozedUntil: z.number().int().nullable().optional(),
});

/** A recalled message arrives again with `body: ''` and `recalledAt` set: the client must overwrite (shred) its copy. */
/** A file on a message: metadata only; the bytes are fetched from the hub by id (GET /attachments/:id). */
export const messageAttachment = z.object({
  id: z.string().min(1).max(64),
  filename: z.string().min(1).max(200),
  mime: z.string().min(1).max(100),
  size: z.number().int().nonnegative(),
  sha256: z.string().max(64),
});
export type MessageAttachment = z.infer<typeof messageAttachment>;

export const messageData = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  contentType: z.string(),
  deliveryStatus: deliveryStatusSchema,
  failureReason: z.string().nullable(),
  createdAt: z.number().int(),
  recalledAt: z.number().int().nullable(),
  /** Absent from hubs and messages older than attachments. */
  attachments: z.array(messageAttachment).max(20).optional(),
});

export const noteData = z.object({
  id: z.string(),
  conversationId: z.string(),
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  createdAt: z.number().int(),
});

export { readingKinds } from '../domain/types';
export const deviceReadingData = z.object({
  id: z.string(),
  contactId: z.string(),
  kind: z.enum(readingKinds),
  value: z.number(),
  value2: z.number().nullable(),
  unit: z.string(),
  deviceId: z.string().nullable(),
  measuredAt: z.number().int(),
});

export const knowledgeItemStatuses = ['active', 'retired', 'removed'] as const;
export type KnowledgeItemStatus = (typeof knowledgeItemStatuses)[number];

export const knowledgeItemData = z.object({
  id: z.string(),
  lang: z.string(),
  title: z.string(),
  body: z.unknown(),
  updatedAt: z.number().int(),
  /**
   * Absent = active. `retired`: kept out of suggestions (the feedback review queue; a
   * supervisor may restore it). `removed`: deleted from the hub's knowledge files.
   * A client keeps the row and hides the item in both cases (also a bundled copy).
   */
  status: z.enum(knowledgeItemStatuses).optional(),
});

/** Routing / auto-reply / quick-reply rules the workstation may evaluate locally. */
export const ruleData = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  body: z.unknown(),
  updatedAt: z.number().int(),
});

export { roles, roleSchema, type Role } from '../domain/types';

/** The staff directory (names for assignees, targets for `conversation.assign`). No secrets. */
export const userData = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  teamIds: z.array(z.string()),
  disabled: z.boolean(),
});

export const teamData = z.object({ id: z.string(), name: z.string() });

/**
 * Sent only to the one user who lost sight of a conversation (reassigned away,
 * claimed by a teammate, moved to another team). The client deletes the
 * conversation with its messages and notes, and also the contact (with its
 * identities and readings) when `keepContact` is false.
 */
export const scopeRevokeData = z.object({
  conversationId: z.string(),
  contactId: z.string(),
  keepContact: z.boolean(),
});

export const entityNames = [
  'contact',
  'contact_identity',
  'conversation',
  'message',
  'note',
  'device_reading',
  'knowledge_item',
  'rule',
  'user',
  'team',
  'scope',
] as const;
export const entitySchema = z.enum(entityNames);
export type Entity = z.infer<typeof entitySchema>;

export const entityDataSchemas = {
  contact: contactData,
  contact_identity: contactIdentityData,
  conversation: conversationData,
  message: messageData,
  note: noteData,
  device_reading: deviceReadingData,
  knowledge_item: knowledgeItemData,
  rule: ruleData,
  user: userData,
  team: teamData,
  scope: scopeRevokeData,
} as const satisfies Record<Entity, z.ZodType>;

export type ContactData = z.infer<typeof contactData>;
export type ContactIdentityData = z.infer<typeof contactIdentityData>;
export type ConversationData = z.infer<typeof conversationData>;
export type MessageData = z.infer<typeof messageData>;
export type NoteData = z.infer<typeof noteData>;
export type DeviceReadingData = z.infer<typeof deviceReadingData>;
export type KnowledgeItemData = z.infer<typeof knowledgeItemData>;
export type RuleData = z.infer<typeof ruleData>;
export type UserData = z.infer<typeof userData>;
export type TeamData = z.infer<typeof teamData>;
export type ScopeRevokeData = z.infer<typeof scopeRevokeData>;

import { z } from 'zod';

/** The doors a patient can come through. Order is the display order in filters. */
export const channels = ['webchat', 'wechat', 'wecom', 'sms', 'email', 'phone', 'device'] as const;
export const channelSchema = z.enum(channels);
export type Channel = z.infer<typeof channelSchema>;

export const conversationStatuses = ['open', 'pending', 'snoozed', 'resolved'] as const;
export const conversationStatusSchema = z.enum(conversationStatuses);
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

export const priorities = ['urgent', 'high', 'normal', 'low'] as const;
export const prioritySchema = z.enum(priorities);
export type Priority = z.infer<typeof prioritySchema>;

export const deliveryStatuses = ['received', 'queued', 'sending', 'sent', 'delivered', 'failed', 'rejected'] as const;
export const deliveryStatusSchema = z.enum(deliveryStatuses);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const consentStates = ['granted', 'withdrawn', 'unknown'] as const;
export const consentSchema = z.enum(consentStates);

export const languages = ['zh-CN', 'en'] as const;
export const languageSchema = z.enum(languages);
export type Language = z.infer<typeof languageSchema>;

/** Identifiers are opaque strings from the hub or ULIDs made on the client. */
export const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'id must be [A-Za-z0-9_-]');

/** Staff roles; supervisors and admins see their teams' whole queues. */
export const roles = ['agent', 'nurse', 'supervisor', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Device/typed reading kinds in canonical units (bp: value = systolic, value2 = diastolic). */
export const readingKinds = ['glucose', 'bp', 'heart_rate', 'spo2', 'temperature', 'weight'] as const;
export const readingKindSchema = z.enum(readingKinds);
